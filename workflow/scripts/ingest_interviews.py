"""Adapter: the coded interviews onto the canonical tables (peermentor.jobs.interviews)."""

from peermentor.jobs.interviews import ingest_interviews
from peermentor.runner import run_step

run_step(
    "ingest_interviews",
    snakemake.log[0],
    ingest_interviews,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
