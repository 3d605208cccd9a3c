"""Rules study_figures (workflow/rules/figures.smk) and figure_interviews (interviews.smk): the
two studies' figures, each as PNG and SVG.

One script serves both rules; the job is the function named like the rule."""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine

import json

import pandas as pd

from peermentor import figures
from peermentor.analysis.prediction import PredictionCurve
from peermentor.figures import interviews as interview_figures
from peermentor.io import read_published
from peermentor.runner import run_step


def save(fig, output, name: str) -> None:
    """``fig`` to the rule's outputs ``<name>_png`` and ``<name>_svg``."""
    figures.save_figure(fig, getattr(output, f"{name}_png"), getattr(output, f"{name}_svg"))


def study_figures(input, output, params) -> None:
    """Every figure of the study (P1-P6), in the order of the paper."""
    service_profile(input, output, params)
    early_engagement(input, output, params)
    rural_urban(input, output, params)
    outcome_models(input, output, params)
    workforce(input, output, params)


def service_profile(input, output, p) -> None:
    """Hours and contacts per family (row-level histograms), and the service mix (P1-P2)."""
    profile = pd.read_parquet(input.profile)
    fig = figures.service_distribution(profile, min_cell_size=p.min_cell_size)
    save(fig, output, "service_distribution")
    # The mix is drawn from the published table's overall rows (no second summary here).
    published = read_published(input.service_profile)
    mix = published[published["group_type"] == "overall"]
    save(figures.service_mix(mix, min_cell_size=p.min_cell_size), output, "service_mix")


def early_engagement(input, output, p) -> None:
    """Cumulative contacts over each family's first days (P3), as the profile stage wrote."""
    curve = pd.read_parquet(input.engagement_curve)
    summary = pd.read_csv(input.early_engagement)
    observed = summary.loc[summary["group_type"] == "overall", "days_to_nth_mean"].iloc[0]
    fig = figures.early_engagement_curve(
        curve,
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        observed_days_to_nth=observed,
        min_cell_size=p.min_cell_size,
    )
    save(fig, output, "early_engagement")


def rural_urban(input, output, p) -> None:
    """Rural versus urban effect sizes with their CIs (P4)."""
    comparison = pd.read_csv(input.comparison)
    save(
        figures.rural_urban_effects(comparison, min_cell_size=p.min_cell_size),
        output,
        "rural_urban",
    )


def outcome_models(input, output, p) -> None:
    """Odds ratios across models and the predicted probability of unification (P5), from the
    model step's coefficients and curve (nothing is refitted)."""
    coefficients = pd.read_csv(input.coefficients)
    fig = figures.odds_ratio_forest(coefficients, min_cell_size=p.min_cell_size)
    save(fig, output, "odds_ratios")
    with open(input.unification_curve, encoding="utf-8") as handle:
        curve = PredictionCurve.from_dict(json.load(handle))
    fig = figures.unification_curve_figure(curve, min_cell_size=p.min_cell_size)
    save(fig, output, "unification_curve")


def workforce(input, output, p) -> None:
    """Mentor exits by reason, from the published workforce table (P6)."""
    table = pd.read_csv(input.workforce)
    save(figures.workforce_exits(table, min_cell_size=p.min_cell_size), output, "workforce_exits")


def figure_interviews(input, output, params) -> None:
    """Themes by role (heatmap) and the saturation curve, from the partnership study's
    published tables."""
    heatmap = interview_figures.theme_role_heatmap(read_published(input.prevalence))
    save(heatmap, output, "heatmap")
    curve = interview_figures.saturation_curve(read_published(input.saturation))
    save(curve, output, "saturation")


run_step(snakemake, globals()[snakemake.rule])
