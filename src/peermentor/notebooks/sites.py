"""Every site's notebook in one kernel session (rule site_notebooks), each with its own log.

One kernel and one HTML exporter serve all sites (``render.NotebookSession``, which resets the
kernel between sites, so each site's files are those of a kernel of its own); what is per site
here is the choice of its inputs and its log.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from peermentor.notebooks.render import NotebookError, NotebookSession

# A rule's inputs that are not notebook parameters: the package code and the template itself.
NOT_PARAMETERS = ("code", "notebook")


def notebook_parameters(input: Mapping) -> dict:
    """Every named input but the template and the code: the notebook reads exactly these."""
    return {k: v for k, v in input.items() if k not in NOT_PARAMETERS}


def render_site_notebooks(input, output, params, log) -> None:
    """Every site's notebook (``params.sites``) in one kernel session, each with its own log.

    A named input that is a list holds one path per site, in the order of ``params.sites``
    (the site's quarantine files); the others are shared by every site (the study's tables).
    ``output.notebook``, ``output.html`` and ``log.sites`` are per site in that order too.
    The first site that fails stops the job, named in the error and in its own log.
    """
    inputs = notebook_parameters(input)
    with NotebookSession() as session:
        for i, site in enumerate(params.sites):
            parameters = {**site_inputs(inputs, i), "site_id": site, **params.parameters}
            with site_log(log.sites[i], site):
                session.render(input.notebook, output.notebook[i], output.html[i], parameters)


def site_inputs(inputs: Mapping[str, str | Sequence[str]], index: int) -> dict[str, str]:
    """The ``index``-th site's paths: its item of every per-site list, and every shared path."""
    return {k: v if isinstance(v, str) else v[index] for k, v in inputs.items()}


@contextlib.contextmanager
def site_log(path: str | Path, site: str) -> Iterator[None]:
    """Write to one site's log that its notebook started, then how it ended.

    A failing notebook's error is written there and raised again with the site's name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"site notebook {site}: started\n", encoding="utf-8")
    started = time.perf_counter()
    try:
        yield
    except BaseException as err:
        with path.open("a", encoding="utf-8") as log:
            log.write(f"site notebook {site}: FAILED\n{err}\n")
        if isinstance(err, NotebookError):
            raise NotebookError(f"site {site}: {err}") from err
        raise
    with path.open("a", encoding="utf-8") as log:
        log.write(f"site notebook {site}: done in {time.perf_counter() - started:.1f} s\n")
