"""Adapter: the replication table (peermentor.jobs.report)."""

from peermentor.jobs.report import replication_table
from peermentor.runner import run_step

run_step(
    "replication_table",
    snakemake.log[0],
    replication_table,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
