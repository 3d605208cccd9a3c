"""Executing a notebook and converting it to HTML in one process (peermentor.notebooks.render)."""

from __future__ import annotations

import nbformat
import pytest

from peermentor.notebooks.render import NotebookError, render_notebook


def template(tmp_path, body: str):
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("answer = 0")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(body)]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "template.ipynb"
    nbformat.write(notebook, str(path))
    return path


def test_a_rerun_gives_identical_files_and_the_html_hides_code(tmp_path):
    source = template(tmp_path, "print(f'the answer is {answer}')")
    outputs = []
    for run in ("a", "b"):
        executed, html = tmp_path / run / "nb.ipynb", tmp_path / run / "nb.html"
        render_notebook(source, executed, html, {"answer": 42})
        outputs.append((executed.read_bytes(), html.read_text()))
    assert outputs[0][0].replace(b"/a/", b"/b/") == outputs[1][0]
    assert outputs[0][1] == outputs[1][1]
    executed = nbformat.read(tmp_path / "a" / "nb.ipynb", as_version=4)
    assert executed.metadata.papermill["output_path"] == str(tmp_path / "a" / "nb.ipynb")
    assert "the answer is 42" in outputs[0][1]
    assert "print(f" not in outputs[0][1]  # code hidden
    assert not list((tmp_path / "a").glob(".*.tmp"))


def test_a_failing_cell_is_named_and_leaves_no_output(tmp_path):
    source = template(tmp_path, "raise ValueError('no such site: ' + str(answer))")
    executed = tmp_path / "out" / "nb.ipynb"
    with pytest.raises(NotebookError, match=r"cell 2 raised ValueError: no such site: 7"):
        render_notebook(source, executed, tmp_path / "out" / "nb.html", {"answer": 7})
    assert not executed.exists()
