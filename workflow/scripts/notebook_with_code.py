"""Adapter: an executed notebook as HTML with its code shown (jobs.notebooks)."""

from peermentor.jobs.notebooks import notebook_with_code
from peermentor.runner import run_step

run_step(
    f"notebook with code {snakemake.output.html}",
    snakemake.log[0],
    notebook_with_code,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
