"""Adapter: an executed notebook as HTML with its code shown (peermentor.report.render)."""

import nbformat

from peermentor.io import write_text
from peermentor.report.render import notebook_html
from peermentor.runner import run_step


def main():
    notebook = nbformat.read(snakemake.input.notebook, as_version=4)
    write_text(notebook_html(notebook, show_code=True), snakemake.output.html)


run_step(f"notebook with code {snakemake.output.html}", snakemake.log[0], main)
