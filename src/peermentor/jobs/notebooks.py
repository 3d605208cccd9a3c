"""Notebook jobs (workflow/rules/notebooks.smk): the narrative notebooks, executed and converted
to HTML without code, and an executed notebook as HTML with its code shown."""

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import nbformat

from peermentor.io import write_text
from peermentor.report.render import NotebookError, NotebookSession, notebook_html, render_notebook

# Inputs that are not notebook parameters: the package code and the template itself.
NOT_PARAMETERS = ("code", "notebook")


def study_notebook(input, output, params) -> None:
    """Execute ``input.notebook`` into ``output.notebook`` and ``output.html``.

    Every named input except the template and the package code becomes a notebook parameter
    (its path), so the notebook reads exactly its rule's inputs; ``params.parameters`` adds the
    settings. ``input`` needs ``items()``, as Snakemake's named lists have.
    """
    inputs = {k: v for k, v in input.items() if k not in NOT_PARAMETERS}
    render_notebook(
        input.notebook,
        output.notebook,
        output.html,
        parameters={**inputs, **params.parameters},
    )


# The same job: the partnership notebook's rule differs only in inputs and parameters.
partnership_notebook = study_notebook


def site_notebooks(input, output, params, log) -> None:
    """Every site's notebook (``params.sites``) in one kernel session, each with its own log.

    A named input that is a list holds one path per site, in the order of ``params.sites``
    (the site's quarantine files); the others are shared by every site (the study's tables).
    ``output.notebook``, ``output.html`` and ``log.sites`` are per site in that order too.
    The first site that fails stops the job, named in the error and in its own log.
    """
    inputs = {k: v for k, v in input.items() if k not in NOT_PARAMETERS}
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


def notebook_with_code(input, output, params) -> None:
    """An executed notebook as HTML with its code cells shown."""
    notebook = nbformat.read(input.notebook, as_version=4)
    write_text(notebook_html(notebook, show_code=True), output.html)
