"""Adapter: read, map and pseudonymize one site's export (peermentor.jobs.ingest)."""

from peermentor.jobs.ingest import ingest_site
from peermentor.runner import run_step

run_step(
    f"ingest {snakemake.wildcards.site}",
    snakemake.log[0],
    ingest_site,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
