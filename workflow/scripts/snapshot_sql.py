"""Adapter: one SQL table read into its Parquet snapshot (peermentor.jobs.ingest)."""

from peermentor.jobs.ingest import snapshot_sql
from peermentor.runner import run_step

run_step(
    f"snapshot {snakemake.wildcards.site} {snakemake.wildcards.table}",
    snakemake.log[0],
    snapshot_sql,
    snakemake.wildcards,
    snakemake.output,
    snakemake.params,
)
