"""Adapter: every site's notebook in one job, one kernel (peermentor.jobs.notebooks).

The job's own log is ``log.job``; each site's progress and error go to its ``log.sites`` item.
"""

from peermentor.jobs import notebooks
from peermentor.runner import run_step

run_step(
    f"site notebooks ({len(snakemake.params.sites)} sites)",
    snakemake.log.job,
    notebooks.site_notebooks,
    snakemake.input,
    snakemake.output,
    snakemake.params,
    snakemake.log,
)
