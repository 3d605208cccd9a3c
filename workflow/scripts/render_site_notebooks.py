"""Rule site_notebooks (workflow/rules/notebooks.smk): every site's notebook in one job and one
kernel session (peermentor.notebooks.sites).

The job's own log is ``log.job``; each site's progress and error go to its ``log.sites`` item.
"""

from peermentor.notebooks.sites import render_site_notebooks
from peermentor.runner import run_step


def site_notebooks(input, output, params) -> None:
    render_site_notebooks(input, output, params, snakemake.log)


run_step(snakemake, site_notebooks, name=f"site notebooks ({len(snakemake.params.sites)} sites)")
