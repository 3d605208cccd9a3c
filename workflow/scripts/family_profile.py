"""Adapter: per-family service profile with early engagement (jobs.aggregate)."""

from peermentor.jobs.aggregate import family_profile
from peermentor.runner import run_step

run_step(
    "family_profile",
    snakemake.log[0],
    family_profile,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
