"""Rules figure_* (workflow/rules/figures.smk): the study's figures, each as PNG and SVG.

One script serves every figure rule; the job is the function named like the rule."""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine

import json

import pandas as pd

from peermentor import figures
from peermentor.analysis.prediction import PredictionCurve
from peermentor.runner import run_step


def save(fig, output, name: str) -> None:
    """``fig`` to the rule's outputs ``<name>_png`` and ``<name>_svg``."""
    figures.save_figure(fig, getattr(output, f"{name}_png"), getattr(output, f"{name}_svg"))


def figure_service_profile(input, output, params) -> None:
    """Hours and contacts per family (row-level histograms), and the service mix (P1-P2)."""
    p = params
    profile = pd.read_parquet(input.profile)
    save(
        figures.service_distribution(profile, min_cell_size=p.min_cell_size), output, "distribution"
    )
    # The mix is drawn from the published table's overall rows (no second summary here).
    published = pd.read_csv(input.service_profile, dtype=str, keep_default_na=False)
    mix = published[published["group_type"] == "overall"]
    save(figures.service_mix(mix, min_cell_size=p.min_cell_size), output, "mix")


def figure_early_engagement(input, output, params) -> None:
    """Cumulative contacts over each family's first days (P3), as the aggregate stage wrote."""
    p = params
    curve = pd.read_parquet(input.curve)
    summary = pd.read_csv(input.early_engagement)
    observed = summary.loc[summary["group_type"] == "overall", "days_to_nth_mean"].iloc[0]
    fig = figures.early_engagement_curve(
        curve,
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        observed_days_to_nth=observed,
        min_cell_size=p.min_cell_size,
    )
    save(fig, output, "curve")


def figure_outcome_models(input, output, params) -> None:
    """Odds ratios across models and the predicted probability of unification (P5)."""
    p = params
    coefficients = pd.read_csv(input.coefficients)
    save(figures.odds_ratio_forest(coefficients, min_cell_size=p.min_cell_size), output, "forest")
    with open(input.curve, encoding="utf-8") as handle:
        curve = PredictionCurve.from_dict(json.load(handle))
    save(figures.unification_curve_figure(curve, min_cell_size=p.min_cell_size), output, "curve")


def figure_workforce(input, output, params) -> None:
    """Mentor exits by reason, from the published workforce table (P6)."""
    table = pd.read_csv(input.workforce)
    save(figures.workforce_exits(table, min_cell_size=params.min_cell_size), output, "exits")


def figure_rural_urban(input, output, params) -> None:
    """Rural versus urban effect sizes with their CIs (P4)."""
    comparison = pd.read_csv(input.comparison)
    fig = figures.rural_urban_effects(comparison, min_cell_size=params.min_cell_size)
    save(fig, output, "effects")


run_step(snakemake, globals()[snakemake.rule])
