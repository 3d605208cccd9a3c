"""Adapter: the run manifest (peermentor.jobs.report)."""

from peermentor.jobs.report import manifest
from peermentor.runner import run_step

run_step(
    "manifest",
    snakemake.log[0],
    manifest,
    snakemake.input,
    snakemake.output,
    snakemake.params,
    snakemake.scriptdir,
)
