"""Rule notebook_with_code (workflow/rules/notebooks.smk): an executed notebook as HTML with
its code cells shown."""

import nbformat

from peermentor.io import write_text
from peermentor.notebooks.render import notebook_html
from peermentor.runner import run_step


def notebook_with_code(input, output, params) -> None:
    notebook = nbformat.read(input.notebook, as_version=4)
    write_text(notebook_html(notebook, show_code=True), output.html)


run_step(snakemake, notebook_with_code)
