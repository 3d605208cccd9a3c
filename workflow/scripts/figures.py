"""Adapter: the study's figures (peermentor.report.figures), each written as PNG and SVG.

One script serves every figure rule; ``snakemake.rule`` picks the figure family.
"""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine

import pandas as pd

from peermentor.report import figures
from peermentor.runner import log, run_step


def save(fig, name: str) -> None:
    output = snakemake.output
    figures.save_figure(fig, getattr(output, f"{name}_png"), getattr(output, f"{name}_svg"))


def service_profile():
    p = snakemake.params
    profile = pd.read_parquet(snakemake.input.profile)
    save(figures.service_distribution(profile, min_cell_size=p.min_cell_size), "distribution")
    mix = figures.service_mix_table(profile, min_cell_size=p.min_cell_size)
    save(figures.service_mix(mix, min_cell_size=p.min_cell_size), "mix")


def early_engagement():
    p = snakemake.params
    curve = figures.cumulative_contacts_curve(
        pd.read_parquet(snakemake.input.contacts),
        pd.read_parquet(snakemake.input.families),
        days=p.window_days,
        anchor=p.anchor,
        count_statuses=p.count_statuses,
        data_cutoff=p.data_cutoff,
    )
    summary = pd.read_csv(snakemake.input.early_engagement)
    observed = summary.loc[summary["group_type"] == "overall", "days_to_nth_mean"].iloc[0]
    fig = figures.early_engagement_curve(
        curve,
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        observed_days_to_nth=observed,
        min_cell_size=p.min_cell_size,
    )
    save(fig, "curve")


def outcome_models():
    p = snakemake.params
    coefficients = pd.read_csv(snakemake.input.coefficients)
    save(figures.odds_ratio_forest(coefficients, min_cell_size=p.min_cell_size), "forest")
    profile = pd.read_parquet(snakemake.input.profile)
    curve = figures.unification_curve(profile, p.primary, p.cluster, predictor=p.predictor)
    for note in curve.notes:
        log.warning("primary model refit: %s", note)
    save(figures.unification_curve_figure(curve, min_cell_size=p.min_cell_size), "curve")


def workforce():
    table = pd.read_csv(snakemake.input.workforce)
    save(figures.workforce_exits(table, min_cell_size=snakemake.params.min_cell_size), "exits")


def rural_urban():
    comparison = pd.read_csv(snakemake.input.comparison)
    fig = figures.rural_urban_effects(comparison, min_cell_size=snakemake.params.min_cell_size)
    save(fig, "effects")


FIGURES = {
    "figure_service_profile": service_profile,
    "figure_early_engagement": early_engagement,
    "figure_outcome_models": outcome_models,
    "figure_workforce": workforce,
    "figure_rural_urban": rural_urban,
}

run_step(snakemake.rule, snakemake.log[0], FIGURES[snakemake.rule])
