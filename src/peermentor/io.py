"""File helpers shared by the workflow adapters: atomic, deterministic writes, and the
readers of what they wrote.

A file is written to a temporary name in the same folder and renamed into place,
so a killed job never leaves a half-written table for a later step to read.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the readers import pandas when called: a job that only writes text
    import pandas as pd  # (the notebook jobs' own process) does not load it


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path next to ``path``; rename it into place on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False, compression="zstd")


def write_csv(frame: pd.DataFrame, path: str | Path, *, float_format: str | None = "%.6g") -> None:
    """CSV with fixed line endings and float format so reruns are byte-identical."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", float_format=float_format)


def write_text(text: str, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def write_json(data, path: str | Path) -> None:
    write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", path)


def read_published(path: str | Path) -> pd.DataFrame:
    """A published CSV as its text: every cell the string the CSV holds ("0.80", "<11",
    ">=0.966", "1.40e-22"), a blank cell "". Nothing is re-formatted on the way to a reader:
    pandas would print 0.80 as 0.8 and a mean of 14.0 as 14."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_parquet(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    return pd.read_parquet(path, columns=columns)
