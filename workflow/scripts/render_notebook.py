# Not named notebook.py: Snakemake puts workflow/scripts on sys.path, where that name would
# shadow the jupyter "notebook" package that nbconvert tries to import.
"""Rules study_notebook (workflow/rules/notebooks.smk) and partnership_notebook
(interviews.smk): a narrative notebook executed with papermill and converted to HTML without code.

Every named input except the template and the package code becomes a notebook parameter (its
path), so the notebook reads exactly its rule's inputs; ``params.parameters`` adds the settings.

The site notebooks, all in one job, have render_site_notebooks.py.
"""

from peermentor.notebooks.render import render_notebook
from peermentor.notebooks.sites import notebook_parameters
from peermentor.runner import run_step


def execute_notebook(input, output, params) -> None:
    """Execute ``input.notebook`` into ``output.notebook`` and ``output.html``."""
    render_notebook(
        input.notebook,
        output.notebook,
        output.html,
        parameters={**notebook_parameters(input), **params.parameters},
    )


run_step(snakemake, execute_notebook, name=f"notebook {snakemake.output.notebook}")
