# Not named notebook.py: Snakemake puts workflow/scripts on sys.path, where that name would
# shadow the jupyter "notebook" package that nbconvert tries to import.
"""Rules study_notebook, site_notebook (workflow/rules/notebooks.smk) and partnership_notebook
(interviews.smk): a narrative notebook executed with papermill and converted to HTML without code.

Every named input except the template and the package code becomes a notebook parameter (its
path), so the notebook reads exactly its rule's inputs; ``params.parameters`` adds the settings.
"""

from peermentor.notebooks.render import render_notebook
from peermentor.runner import run_step

# Inputs that are not notebook parameters: the package code and the template itself.
NOT_PARAMETERS = ("code", "notebook")


def execute_notebook(input, output, params) -> None:
    """Execute ``input.notebook`` into ``output.notebook`` and ``output.html``."""
    inputs = {k: v for k, v in input.items() if k not in NOT_PARAMETERS}
    render_notebook(
        input.notebook,
        output.notebook,
        output.html,
        parameters={**inputs, **params.parameters},
    )


run_step(snakemake, execute_notebook, name=f"notebook {snakemake.output.notebook}")
