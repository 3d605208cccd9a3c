"""Adapter: service-profile and early-engagement summaries (jobs.aggregate)."""

from peermentor.jobs.aggregate import service_summaries
from peermentor.runner import run_step

run_step(
    "service_summaries",
    snakemake.log[0],
    service_summaries,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
