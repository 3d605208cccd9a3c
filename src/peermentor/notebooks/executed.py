"""Executed notebooks: the fields that differ between two executions of one notebook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # an annotation only: a notebook's kernel need not load nbformat
    import nbformat

# Timing fields: papermill's (notebook and cell metadata) and nbclient's (cell metadata).
VOLATILE_PAPERMILL_KEYS: tuple[str, ...] = ("start_time", "end_time", "duration")
VOLATILE_CELL_KEYS: tuple[str, ...] = ("execution",)
INJECTED_TAG = "injected-parameters"  # papermill's tag of the cell it adds


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between two executions of one notebook, in place.

    - papermill's start_time, end_time and duration (notebook and cell metadata);
    - nbclient's per-cell ``execution`` timestamps;
    - the random id papermill gives the cell it injects (HTML anchors are cell ids):
      it becomes "injected-parameters".
    """
    _drop(notebook.metadata.get("papermill", {}), VOLATILE_PAPERMILL_KEYS)
    for cell in notebook.cells:
        _drop(cell.metadata, VOLATILE_CELL_KEYS)
        _drop(cell.metadata.get("papermill", {}), VOLATILE_PAPERMILL_KEYS)
        if INJECTED_TAG in cell.metadata.get("tags", []) and "id" in cell:
            cell.id = INJECTED_TAG
    return notebook


def _drop(mapping, keys: Sequence[str]) -> None:
    for key in keys:
        mapping.pop(key, None)
