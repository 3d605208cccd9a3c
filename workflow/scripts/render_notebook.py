# Not named notebook.py: Snakemake puts workflow/scripts on sys.path, where that name would
# shadow the jupyter "notebook" package that nbconvert tries to import.
"""Adapter: execute a narrative notebook and convert it to HTML (peermentor.jobs.notebooks).

One script serves the study and partnership notebooks; ``snakemake.rule`` picks the job
(the site notebooks, all in one job, have render_site_notebooks.py).
"""

from peermentor.jobs import notebooks
from peermentor.runner import run_step

run_step(
    f"notebook {snakemake.output.notebook}",
    snakemake.log[0],
    getattr(notebooks, snakemake.rule),
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
