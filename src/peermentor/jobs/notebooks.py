"""Notebook jobs (workflow/rules/notebooks.smk): the narrative notebooks, executed and converted
to HTML without code, and an executed notebook as HTML with its code shown."""

import nbformat

from peermentor.io import write_text
from peermentor.report.render import notebook_html, render_notebook

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


# The same job: the site and partnership notebooks' rules differ only in inputs and parameters.
site_notebook = study_notebook
partnership_notebook = study_notebook


def notebook_with_code(input, output, params) -> None:
    """An executed notebook as HTML with its code cells shown."""
    notebook = nbformat.read(input.notebook, as_version=4)
    write_text(notebook_html(notebook, show_code=True), output.html)
