# Not named notebook.py: Snakemake puts workflow/scripts on sys.path, where that name would
# shadow the jupyter "notebook" package that nbconvert tries to import.
"""Adapter: execute a narrative notebook and convert it to HTML (peermentor.report.render).

Every named input except the template and the package code becomes a notebook parameter
(its path), so the notebook reads exactly its rule's inputs; ``params.parameters`` adds
the settings.
"""

from peermentor.report.render import render_notebook
from peermentor.runner import run_step

NOT_PARAMETERS = ("code", "notebook")


def main():
    inputs = {k: v for k, v in snakemake.input.items() if k not in NOT_PARAMETERS}
    render_notebook(
        snakemake.input.notebook,
        snakemake.output.notebook,
        snakemake.output.html,
        parameters={**inputs, **snakemake.params.parameters},
    )


run_step(f"notebook {snakemake.output.notebook}", snakemake.log[0], main)
