"""Adapter: outcome models, predictor ranking and diagnostics (jobs.model)."""

from peermentor.jobs.model import outcome_models
from peermentor.runner import run_step

run_step(
    "outcome_models",
    snakemake.log[0],
    outcome_models,
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
