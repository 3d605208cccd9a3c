"""Executing a narrative notebook with papermill and converting it to HTML, in one process.

One process per notebook: papermill, the timestamp strip and nbconvert share their imports
instead of paying three interpreter starts; the notebook's kernel is started once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import nbformat

from peermentor.errors import PeermentorError
from peermentor.io import atomic_path, write_text
from peermentor.notebooks import strip_volatile

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # colours in IPython's tracebacks


class NotebookError(PeermentorError):
    """A cell of a narrative notebook raised: which notebook, which cell, what error."""


def render_notebook(
    template: str | Path,
    executed: str | Path,
    html: str | Path,
    parameters: Mapping[str, object],
    *,
    kernel: str = "python3",
) -> nbformat.NotebookNode:
    """Execute ``template`` with ``parameters``; write the executed notebook and its HTML.

    The executed notebook is stripped of execution timestamps (``strip_volatile``) so a
    rerun on the same inputs gives identical files. The HTML hides the code. A cell that
    raises stops here with papermill's error, naming the cell.
    """
    import papermill

    try:
        # No output path: papermill would write (cell by cell) to a file we then rename,
        # and record that temporary name in the notebook. We write it once, atomically.
        notebook = papermill.execute_notebook(
            str(template), None, parameters=dict(parameters), kernel_name=kernel,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        )  # fmt: skip
    except papermill.PapermillExecutionError as err:
        trace = ANSI_ESCAPE.sub("", "\n".join(err.traceback[-3:]))
        raise NotebookError(
            f"{template}: cell {err.cell_index} raised {err.ename}: {err.evalue}\n{trace}"
        ) from err
    notebook.metadata.papermill["output_path"] = str(executed)
    strip_volatile(notebook)
    with atomic_path(executed) as tmp:
        nbformat.write(notebook, str(tmp))
    write_text(notebook_html(notebook), html)
    return notebook


def notebook_html(notebook: nbformat.NotebookNode, *, show_code: bool = False) -> str:
    """HTML of an executed notebook; without code and prompts unless ``show_code``."""
    from nbconvert import HTMLExporter

    hide = not show_code
    exporter = HTMLExporter(
        exclude_input=hide, exclude_input_prompt=hide, exclude_output_prompt=hide
    )
    body, _ = exporter.from_notebook_node(notebook)
    return body
