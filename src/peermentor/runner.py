"""Running one rule's job with a log and a clear message instead of a traceback; its code."""

from __future__ import annotations

import ast
import functools
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from peermentor.errors import PeermentorError

log = logging.getLogger("peermentor")


def run_step(smk: Any, job: Callable[..., None], name: str | None = None) -> None:
    """Run a rule's job, ``job(smk.input, smk.output, smk.params)``, logging to ``smk.log[0]``.

    ``smk`` is the ``snakemake`` object Snakemake gives the rule's script (workflow/scripts/),
    or the one the single-process baseline builds from Snakemake's DAG: anything with the
    rule's ``input``, ``output``, ``params``, ``log``, ``rule`` and ``wildcards``. On a
    PeermentorError the message (file, row, column, value, config key) is logged and the
    process exits 1: a clear message, not a traceback.
    """
    name = name or " ".join([smk.rule, *map(str, dict(smk.wildcards.items()).values())])
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if smk.log:
        Path(smk.log[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(smk.log[0], mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", handlers=handlers, force=True
    )
    started = time.perf_counter()
    log.info("%s: started", name)
    try:
        job(smk.input, smk.output, smk.params)
    except PeermentorError as err:
        log.error("%s: FAILED\n%s", name, err)
        logging.shutdown()
        sys.exit(1)
    log.info("%s: done in %.1f s", name, time.perf_counter() - started)


def cancel_rescheduling_timers() -> int:
    """Let a Snakemake run exit as soon as its workflow is done (the Snakefile's onsuccess).

    After every scheduling pass Snakemake 9 starts a ``threading.Timer`` that wakes its
    scheduler a second later (its job rate limit, ``--max-jobs-per-timespan``, 100/1s by
    default; a shorter span cannot be set: its pattern reads ``100/100ms`` as 100 minutes).
    Timers are not daemon threads, so at exit Python waits for the last one: about 1 s after
    the last job, at every scale. Once the workflow finished there is nothing left to
    schedule. Only those timers are cancelled; returns how many.
    """
    cancelled = 0
    for thread in threading.enumerate():
        function = getattr(thread, "function", None)
        if isinstance(thread, threading.Timer) and "_schedule_reevalutation" in getattr(
            function, "__qualname__", ""
        ):
            thread.cancel()
            cancelled += 1
    return cancelled


# --- The code a step runs: its package modules are inputs of the rule ---------------------------

PACKAGE_DIR = Path(__file__).resolve().parent


def code_files(*scripts: str | Path) -> list[str]:
    """The package's source files that ``scripts`` import, directly or through other modules.

    A workflow rule lists them as inputs, so editing any module its step runs reruns the step
    (and what follows), and nothing it runs is left out. Read from the source with ``ast``:
    nothing is imported. Imports inside functions count; a notebook counts by its code cells.
    """
    todo = [Path(script) for script in scripts]
    seen: set[Path] = set()
    while todo:
        for module in _imports_of(todo.pop()):
            for file in _module_files(module):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
    return sorted(str(file) for file in seen)


@functools.cache
def _imports_of(path: Path) -> frozenset[str]:
    """Parsed once per process: every rule of the workflow walks the same modules."""
    return frozenset(_imported_modules(_source(path)))


def _source(path: Path) -> str:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _imported_modules(source: str) -> set[str]:
    """Dotted names under ``peermentor`` that the source imports (or imports names from)."""
    names = set()
    for node in _statements(ast.parse(source).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from peermentor import figures` imports the module figures too.
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "peermentor"}


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included (an import is a statement, never inside an
    expression): about a tenth of the nodes ``ast.walk`` visits."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            nested = getattr(node, field, None)
            if isinstance(nested, list):
                yield from _statements(nested)


@functools.cache
def _module_files(dotted: str) -> list[Path]:
    """A module's file and every package ``__init__.py`` on its way (importing runs them)."""
    files, here = [PACKAGE_DIR / "__init__.py"], PACKAGE_DIR
    for part in dotted.split(".")[1:]:
        here = here / part
        if (here / "__init__.py").is_file():
            files.append(here / "__init__.py")
        elif here.with_suffix(".py").is_file():
            files.append(here.with_suffix(".py"))
            break
        elif not here.is_dir():  # a function or constant imported from the module before it
            break
    return files
