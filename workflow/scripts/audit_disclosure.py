"""Adapter: the disclosure audit over the published tables (peermentor.jobs.audit)."""

from peermentor.jobs.audit import audit_disclosure
from peermentor.runner import run_step

run_step(
    "audit_disclosure",
    snakemake.log[0],
    audit_disclosure,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
