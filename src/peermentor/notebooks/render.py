"""Executing a narrative notebook with papermill and converting it to HTML, in one process.

One process per notebook: papermill, the timestamp strip and nbconvert share their imports
instead of paying three interpreter starts; the notebook's kernel is started once.

Many executions of one template (the site notebook, once per site) share a ``NotebookSession``:
one kernel and one HTML exporter for all of them. Starting a kernel, importing the notebook's
libraries in it and loading nbconvert's templates is most of a notebook's cost; the execution
itself is a fraction of a second. Before every execution but the first the kernel is reset as
a new IPython session (no name left from the previous one, execution counter back to 1), so
each executed notebook is the one a fresh kernel gives, byte for byte; only the modules it
imported stay loaded.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async
from traitlets import Type

from peermentor.errors import PeermentorError
from peermentor.io import atomic_path, write_text
from peermentor.notebooks.executed import strip_volatile

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # colours in IPython's tracebacks
# As nbclient starts a kernel itself: input history in memory, not in ~/.ipython.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
# Run silently between two executions. The warnings registries are invalidated (so a warning
# shown in one site's notebook is shown again in the next), open pyplot figures closed, then
# IPython's reset: every user name dropped and the execution counter set back to 1.
RESET_CODE = """\
import sys as _sys, warnings as _warnings
_warnings._filters_mutated()
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
get_ipython().reset(new_session=True)
"""
TIMEOUT = 60  # seconds to wait for a kernel to start or to reset
REPLY_WAIT = 1.0  # seconds for the kernel's reply to kernel_info before asking again
# Seconds for the idle status of a kernel_info request on IOPub before asking again: a new
# client's IOPub subscription takes a few milliseconds to connect, and what the kernel
# publishes before that is lost. Doubled at each retry, so a slow machine is waited for.
IOPUB_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


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
    with NotebookSession(kernel) as session:
        return session.render(template, executed, html, parameters)


class NotebookSession:
    """One kernel and one HTML exporter for many notebook executions (``render`` each).

    Use as a context manager: the kernel is started on entry and shut down on exit.
    """

    def __init__(self, kernel: str = "python3") -> None:
        self.kernel = kernel
        self.executions = 0

    def __enter__(self) -> NotebookSession:
        from jupyter_core.utils import run_sync
        from nbconvert import HTMLExporter

        self._run_sync = run_sync
        self._manager = ClientClosingManager(kernel_name=self.kernel)
        run_sync(self._manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
        self._exporter = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
        return self

    def __exit__(self, *exc) -> None:
        self._manager.close_clients()
        self._run_sync(self._manager.shutdown_kernel)(now=True)

    def render(
        self,
        template: str | Path,
        executed: str | Path,
        html: str | Path,
        parameters: Mapping[str, object],
    ) -> nbformat.NotebookNode:
        """Execute ``template`` with ``parameters`` in this session's kernel; write both files."""
        import papermill

        # Reset through papermill's own client, once it is connected (nbclient's start hook):
        # a client of our own would pay its connection and readiness check again.
        reset = {"on_notebook_start": self._reset_kernel} if self.executions else {}
        self.executions += 1
        try:
            # No output path: papermill would write (cell by cell) to a file we then rename,
            # and record that temporary name in the notebook. We write it once, atomically.
            with _without_black():
                notebook = papermill.execute_notebook(
                    str(template), None, parameters=dict(parameters), kernel_name=self.kernel,
                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    km=self._manager, **reset,
                )  # fmt: skip
        except papermill.PapermillExecutionError as err:
            trace = ANSI_ESCAPE.sub("", "\n".join(err.traceback[-3:]))
            raise NotebookError(
                f"{template}: cell {err.cell_index} raised {err.ename}: {err.evalue}\n{trace}"
            ) from err
        finally:
            self._manager.close_clients()
        notebook.metadata.papermill["output_path"] = str(executed)
        strip_volatile(notebook)
        with atomic_path(executed) as tmp:
            nbformat.write(notebook, str(tmp))
        body, _ = self._exporter.from_notebook_node(notebook)
        write_text(body, html)
        return notebook

    async def _reset_kernel(self, notebook: nbformat.NotebookNode) -> None:
        client = self._manager.open_clients[-1]  # papermill's, connected and ready
        reply = await client.execute_interactive(
            RESET_CODE, silent=True, store_history=False, allow_stdin=False, timeout=TIMEOUT
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise NotebookError(
                f"resetting the kernel between two notebooks failed: "
                f"{content.get('ename')}: {content.get('evalue')}"
            )


@contextmanager
def _without_black() -> Iterator[None]:
    """papermill formats the injected parameters cell with Black when Black can be imported.

    Black is a development tool here (snakefmt's), not a dependency of the run: whether it is
    installed must not change an executed notebook, and importing it costs about 0.25 s per
    notebook process. While papermill runs, ``import black`` fails (a None entry in
    ``sys.modules``), so the cell is papermill's own plain assignments, one per parameter.
    """
    missing = object()
    saved = sys.modules.get("black", missing)
    sys.modules["black"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if saved is missing:
            del sys.modules["black"]
        else:
            sys.modules["black"] = saved


class PromptReadyClient(AsyncKernelClient):
    """A kernel client that is ready once the kernel answered kernel_info and went idle.

    jupyter_client's readiness check ends by draining IOPub until it has been silent for
    0.2 s, and papermill opens a new client, so pays that wait, for every notebook (60
    times for 60 sites). The last message a kernel_info request causes is the kernel's idle
    status for it; waiting for that one drains IOPub as well and ends once it arrives. As in
    jupyter_client, a request whose messages do not all arrive (IOPub not connected yet, or
    the kernel still starting) is sent again until ``timeout``.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        limit = TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + limit
        attempt = 0
        while time.monotonic() < deadline:
            request = self.kernel_info()
            wait = IOPUB_WAITS[min(attempt, len(IOPUB_WAITS) - 1)]
            if await self._answered(request, wait):
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            attempt += 1
        raise RuntimeError(f"Kernel didn't respond in {limit} seconds")

    # AsyncKernelClient binds wait_for_ready to the base method: rebind it to this one.
    wait_for_ready = _async_wait_for_ready

    async def _answered(self, request: str, iopub_wait: float) -> bool:
        reply = await self._next(self.shell_channel, request, REPLY_WAIT, "kernel_info_reply")
        if reply is None:
            return False
        self._handle_kernel_info_reply(reply)
        return await self._next(self.iopub_channel, request, iopub_wait, "status") is not None

    @staticmethod
    async def _next(channel, request: str, wait: float, msg_type: str) -> dict | None:
        """The message of ``msg_type`` answering ``request`` (an idle status, on IOPub),
        skipping others; None if the channel stays silent for ``wait`` seconds."""
        while True:
            try:
                msg = await ensure_async(channel.get_msg(timeout=wait))
            except Empty:
                return None
            answers = msg["parent_header"].get("msg_id") == request
            idle = msg_type != "status" or msg["content"].get("execution_state") == "idle"
            if answers and msg["msg_type"] == msg_type and idle:
                return msg


class ClientClosingManager(AsyncKernelManager):
    """A kernel manager that closes the clients papermill opens on it.

    papermill (nbclient) leaves its client's channels (and heartbeat thread) open when it does
    not own the kernel: they are closed after each execution. Its clients are
    ``PromptReadyClient``s.
    """

    client_factory = Type(PromptReadyClient, klass=AsyncKernelClient)

    def client(self, **kwargs):
        client = super().client(**kwargs)
        self.open_clients.append(client)
        return client

    @property
    def open_clients(self) -> list:
        return self.__dict__.setdefault("_open_clients", [])

    def close_clients(self) -> None:
        while self.open_clients:
            self.open_clients.pop().stop_channels()


def notebook_html(notebook: nbformat.NotebookNode, *, show_code: bool = False) -> str:
    """HTML of an executed notebook; without code and prompts unless ``show_code``."""
    from nbconvert import HTMLExporter

    hide = not show_code
    exporter = HTMLExporter(
        exclude_input=hide, exclude_input_prompt=hide, exclude_output_prompt=hide
    )
    body, _ = exporter.from_notebook_node(notebook)
    return body
