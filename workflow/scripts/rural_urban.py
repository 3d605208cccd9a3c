"""Adapter: rural/urban comparison, clustering sensitivity, outcome by stratum (P4)."""

from peermentor.jobs.stratify import rural_urban
from peermentor.runner import run_step

run_step(
    "rural_urban",
    snakemake.log[0],
    rural_urban,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
