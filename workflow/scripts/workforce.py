"""Adapter: mentor workforce per mentor and summary (peermentor.jobs.aggregate)."""

from peermentor.jobs.aggregate import workforce
from peermentor.runner import run_step

run_step(
    "workforce", snakemake.log[0], workforce, snakemake.input, snakemake.output, snakemake.params
)
