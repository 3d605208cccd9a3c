"""Adapter: concatenate every site's clean tables into the study tables (jobs.clean)."""

from peermentor.jobs.clean import combine_sites
from peermentor.runner import run_step

run_step(
    "combine_sites",
    snakemake.log[0],
    combine_sites,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
