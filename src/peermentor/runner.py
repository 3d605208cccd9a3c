"""Running one pipeline step with a log and a clear message instead of a traceback."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peermentor.errors import PeermentorError

log = logging.getLogger("peermentor")


def run_step(name: str, log_file: str | Path | None, step: Callable[..., None], *args: Any) -> None:
    """Run ``step(*args)``; log progress to ``log_file``; on a known error print it and exit 1.

    An adapter passes its job with the rule's ``input, output, params``.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", handlers=handlers, force=True
    )
    started = time.perf_counter()
    log.info("%s: started", name)
    try:
        step(*args)
    except PeermentorError as err:
        log.error("%s: FAILED\n%s", name, err)
        logging.shutdown()
        sys.exit(1)
    log.info("%s: done in %.1f s", name, time.perf_counter() - started)
