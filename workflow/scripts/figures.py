"""Adapter: the study's figures (peermentor.jobs.figures), each written as PNG and SVG.

One script serves every figure rule; ``snakemake.rule`` picks the figure job.
"""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine

from peermentor.jobs import figures
from peermentor.runner import run_step

FIGURES = {
    "figure_service_profile": figures.figure_service_profile,
    "figure_early_engagement": figures.figure_early_engagement,
    "figure_outcome_models": figures.figure_outcome_models,
    "figure_workforce": figures.figure_workforce,
    "figure_rural_urban": figures.figure_rural_urban,
}

run_step(
    snakemake.rule,
    snakemake.log[0],
    FIGURES[snakemake.rule],
    snakemake.input,
    snakemake.output,
    snakemake.params,
)
