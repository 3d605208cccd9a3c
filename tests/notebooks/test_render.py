"""Executing a notebook and converting it to HTML in one process (peermentor.notebooks.render)."""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from peermentor.notebooks.render import NotebookError, NotebookSession, render_notebook


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


def test_the_injected_parameters_do_not_depend_on_an_installed_formatter(tmp_path):
    # papermill runs the parameters cell through Black when Black imports; Black would
    # split this list over lines. The cell is papermill's plain assignment either way.
    pytest.importorskip("black")  # installed with the dev tools: the case that mattered
    source = template(tmp_path, "len(answer)")
    sites = [f"site_number_{i}" for i in range(8)]
    executed = tmp_path / "nb.ipynb"
    before = sys.modules.get("black")
    render_notebook(source, executed, tmp_path / "nb.html", {"answer": sites})
    cell = nbformat.read(executed, as_version=4).cells[1]
    assert "injected-parameters" in cell.metadata.tags
    assert cell.source == f"# Parameters\nanswer = {sites!r}\n".replace("'", '"')
    assert sys.modules.get("black") is before  # the process's modules as they were


def test_a_failing_cell_is_named_and_leaves_no_output(tmp_path):
    source = template(tmp_path, "raise ValueError('no such site: ' + str(answer))")
    executed = tmp_path / "out" / "nb.ipynb"
    with pytest.raises(NotebookError, match=r"cell 2 raised ValueError: no such site: 7"):
        render_notebook(source, executed, tmp_path / "out" / "nb.html", {"answer": 7})
    assert not executed.exists()


def test_a_session_runs_each_notebook_as_a_fresh_kernel_would(tmp_path):
    # A name left by the previous execution, a module-level warning shown once, and the
    # execution counter: each must look as on a new kernel.
    body = (
        "import warnings\n"
        "assert 'leftover' not in globals(), 'name left from the previous notebook'\n"
        "leftover = answer\n"
        "warnings.warn('shown in every notebook')\n"
        "answer * 2"
    )
    source = template(tmp_path, body)
    alone = [tmp_path / "alone" / "nb.ipynb", tmp_path / "alone" / "nb.html"]
    render_notebook(source, *alone, {"answer": 21})
    runs = [[tmp_path / run / "nb.ipynb", tmp_path / run / "nb.html"] for run in "abc"]
    with NotebookSession() as session:
        for (executed, html), answer in zip(runs, (5, 21, 21), strict=True):
            session.render(source, executed, html, {"answer": answer})
    assert session.executions == 3
    last = nbformat.read(runs[2][0], as_version=4)
    assert [c.execution_count for c in last.cells] == [1, 2, 3]
    (stderr, result) = last.cells[2].outputs
    assert "shown in every notebook" in stderr.text
    assert result.data["text/plain"] == "42"

    # The third notebook of a session is the notebook a new kernel gives, byte for byte, but
    # for the kernel's process id in the warning's file name (any two kernels differ there).
    def same(path):
        return re.sub(rb"ipykernel_\d+", b"ipykernel_N", path.read_bytes())

    assert same(runs[2][1]) == same(alone[1])
    assert same(runs[2][0]).replace(b"/c/", b"/alone/") == same(alone[0])


def test_a_failing_notebook_in_a_session_is_named_and_the_next_one_runs(tmp_path):
    source = template(tmp_path, "assert answer != 7, 'no such site: 7'\nanswer")
    bad, good = tmp_path / "bad" / "nb.ipynb", tmp_path / "good" / "nb.ipynb"
    with NotebookSession() as session:
        with pytest.raises(NotebookError, match=r"cell 2 raised AssertionError: no such site: 7"):
            session.render(source, bad, tmp_path / "bad" / "nb.html", {"answer": 7})
        session.render(source, good, tmp_path / "good" / "nb.html", {"answer": 8})
    assert not bad.exists()
    assert nbformat.read(good, as_version=4).cells[2].outputs[0].data["text/plain"] == "8"


# --- the kernel client's readiness check ----------------------------------------------------


class FakeChannel:
    """A channel that returns its messages in order, then stays silent."""

    def __init__(self, messages):
        self.messages = list(messages)
        self.waits = []

    async def get_msg(self, timeout=None):
        from queue import Empty

        self.waits.append(timeout)
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def message(msg_type, parent, **content):
    return {"msg_type": msg_type, "parent_header": {"msg_id": parent}, "content": content}


def test_ready_waits_for_the_idle_status_of_its_own_request_only():
    import asyncio

    from peermentor.notebooks.render import PromptReadyClient

    iopub = FakeChannel(
        [
            message("status", "older", execution_state="idle"),  # an earlier request's
            message("status", "mine", execution_state="busy"),
            message("stream", "mine", name="stdout", text=""),
            message("status", "mine", execution_state="idle"),
            message("status", "later", execution_state="busy"),
        ]
    )
    found = asyncio.run(PromptReadyClient._next(iopub, "mine", 0.01, "status"))
    assert found["content"]["execution_state"] == "idle"
    assert found["parent_header"]["msg_id"] == "mine"
    assert len(iopub.messages) == 1  # what follows is left for the notebook's execution
    silent = FakeChannel([message("status", "other", execution_state="idle")])
    assert asyncio.run(PromptReadyClient._next(silent, "mine", 0.01, "status")) is None


def test_sessions_use_the_prompt_client_and_a_session_is_ready_at_once(tmp_path):
    import time

    from peermentor.notebooks.render import ClientClosingManager, PromptReadyClient

    assert isinstance(ClientClosingManager(kernel_name="python3").client(), PromptReadyClient)
    source = template(tmp_path, "print(answer)")
    with NotebookSession() as session:
        session.render(source, tmp_path / "a.ipynb", tmp_path / "a.html", {"answer": 1})
        started = time.perf_counter()
        session.render(source, tmp_path / "b.ipynb", tmp_path / "b.html", {"answer": 2})
        seconds = time.perf_counter() - started
    assert "2" in (tmp_path / "b.html").read_text()
    # jupyter_client's own check waits for 0.2 s of IOPub silence per notebook.
    print(f"second notebook in the session: {seconds:.2f} s")
