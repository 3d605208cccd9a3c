"""P5 figures: odds ratios of unification across models, and the predicted probability of
unification over the headline predictor, drawn from the curve the model step wrote
(``analysis.outcome.curve``): nothing is fitted here.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.analysis.prediction import PredictionCurve
from peermentor.figures.style import (
    BLUE,
    GREY,
    PALETTE,
    PAPER_COLOUR,
    PAPER_LABEL,
    PAPER_VALUES,
    new_figure,
    not_estimable_panel,
    show_count,
    theme,
)
from peermentor.notebooks import as_number, measure_label

# --- odds ratios across models (P5) -------------------------------------------------------

MODEL_STYLES = {
    "cluster": "cluster-robust SE",
    "gee-robust": "GEE robust SE",
    "nonrobust": "model-based SE",
}
METHODS = {"mle": "maximum likelihood", "firth": "Firth penalized likelihood", "gee": "GEE"}
TERM_UNITS = {
    "face_to_face_with_children": "per contact",
    "no_shows_or_refusals": "per no-show or refusal",
    "months_of_service": "per month",
}


def odds_ratio_forest(coefficients: pd.DataFrame, *, min_cell_size: int = 11) -> Figure:
    """Odds ratios of unification with 95 % CIs, every term (no intercept) of every model
    and variance (``se_variant``: the CR3 jackknife beside CR1); log scale, OR = 1
    marked; the paper's two odds ratios for reference. A term no model could estimate
    shows its ``not estimable: <reason>`` note on its row."""
    table = coefficients[~coefficients["term"].isin(["Intercept", "(not estimated)"])]
    variant = table["se_variant"] if "se_variant" in table else pd.Series("", index=table.index)
    series = list(dict.fromkeys(zip(table["model"], variant, strict=True)))
    terms = list(dict.fromkeys(table["term"]))
    offsets = np.linspace(-0.3, 0.3, len(series)) if len(series) > 1 else np.zeros(1)
    with theme():
        fig, (ax,) = new_figure(8.0, 2.2 + 0.6 * max(len(terms), 1))
        ax.axvline(1, color=GREY, linewidth=1, zorder=1)
        for key, offset, marker, colour in zip(series, offsets, "osD^vPX*", PALETTE, strict=False):
            rows = table[(table["model"] == key[0]) & (variant == key[1])]
            _model_points(ax, rows, terms, offset, marker, colour)
        _not_estimable_terms(ax, table, terms)
        _paper_odds_ratios(ax, terms)
        _log_axis(ax)
        ax.set_yticks(range(len(terms)), [textwrap.fill(_term_label(t), 34) for t in terms])
        ax.invert_yaxis()
        ax.set_xlabel("Odds ratio of unification (log scale; 95 % CI)")
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        fig.suptitle(
            f"What predicts unification: odds ratios across models\n"
            f"({_model_sizes(coefficients, min_cell_size)})"
        )
    return fig


def _log_axis(ax) -> None:
    """Log scale with plain tick labels (0.2, 0.5, 1, 2) instead of powers of ten."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(mpl.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())


def _not_estimable_terms(ax, table: pd.DataFrame, terms: list[str]) -> None:
    odds = pd.to_numeric(table["odds_ratio"], errors="coerce")
    for term in terms:
        here = table["term"] == term
        if odds[here].notna().any():
            continue
        column = table["note"] if "note" in table else pd.Series(dtype=object)
        notes = [n for n in column[here].dropna() if str(n).startswith("not est")]
        text = textwrap.fill(notes[0] if notes else "not estimable", 60)
        # x in axes fractions (the panel's middle), y on the term's row.
        ax.text(0.5, terms.index(term), text, transform=ax.get_yaxis_transform(), ha="center",
                va="center", fontsize=8, color="#555555")  # fmt: skip


def _model_points(ax, rows: pd.DataFrame, terms, offset, marker, colour) -> None:
    first = rows.iloc[0]
    style = MODEL_STYLES.get(first["cov_type"], first["cov_type"])
    if str(first.get("se_variant", "")).startswith("CR3"):
        style = "CR3 jackknife SE, t(G-1)"
    label = f"{first['model']} ({style})"
    for row in rows.itertuples(index=False):
        odds, low, high = (as_number(v) for v in (row.odds_ratio, row.or_low, row.or_high))
        if odds is None:
            continue
        y = terms.index(row.term) + offset
        if low is not None and high is not None:
            ax.hlines(y, low, high, color=colour, linewidth=1.8, zorder=2)
        ax.scatter([odds], [y], marker=marker, color=colour, s=28, zorder=3, label=label)
        label = None  # one legend entry per model


def _paper_odds_ratios(ax, terms: list[str]) -> None:
    # The paper's 1.24 is the OR of separation per no-show; unification's OR is its inverse.
    paper = {
        "face_to_face_with_children": PAPER_VALUES["or_face_to_face_with_children"],
        "no_shows_or_refusals": 1 / PAPER_VALUES["or_no_show_or_refusal_separation"],
    }
    points = [(value, terms.index(t)) for t, value in paper.items() if t in terms]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(xs, ys, marker="x", color=PAPER_COLOUR, s=50, zorder=4, label=PAPER_LABEL)


def _term_label(term: str) -> str:
    unit = TERM_UNITS.get(term) or ("per 1 a month" if term.endswith("_per_month") else None)
    label = measure_label(term)
    if term.startswith("C("):
        return f"{label} (vs reference level)"
    return f"{label} ({unit})" if unit else label


def _model_sizes(coefficients: pd.DataFrame, min_cell_size: int) -> str:
    primary = coefficients[coefficients["model"] == "primary"]
    first = (primary if len(primary) else coefficients).iloc[0]
    n = show_count(first["n"], min_cell_size)
    clusters = show_count(first["clusters"], min_cell_size)
    return f"primary model: n = {n} closed cases, {clusters} mentors"


# --- predicted probability of unification (P5) --------------------------------------------
# The curve's data is the model step's output (analysis.outcome.curve, written by the rule
# outcome_models): this module only draws it.


def unification_curve_figure(curve: PredictionCurve, *, min_cell_size: int = 11) -> Figure:
    """The predicted probability with its CI band; the held covariates are stated. A curve
    the primary model could not give is a text panel with its reason."""
    if curve.not_estimable:
        title = f"Unification by {measure_label(curve.predictor).lower()}"
        return not_estimable_panel(title, curve.not_estimable)
    data = curve.frame
    x = data[curve.predictor]
    with theme():
        fig, (ax,) = new_figure(7.5, 4.6)
        ax.fill_between(
            x,
            data["ci_low"],
            data["ci_high"],
            color=BLUE,
            alpha=0.25,
            linewidth=0,
            label=f"{curve.level:.0%} CI ({MODEL_STYLES.get(curve.cov_type, curve.cov_type)})",
        )
        ax.plot(x, data["probability"], color=BLUE, linewidth=2, label="predicted probability")
        ax.set(
            ylim=(0, 1),
            xlim=(float(x.min()), float(x.max())),
            xlabel=f"{measure_label(curve.predictor)} during the case (contacts)",
            ylabel="Probability of unification at closure",
        )
        held = "; ".join(
            f"{measure_label(var)} = {_held_value(info['value'])} ({info['how']})"
            for var, info in curve.held.items()
        )
        ax.text(
            0.98,
            0.04,
            f"Held: {held}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            wrap=True,
        )
        ax.legend(loc="upper left", fontsize=8)
        n = show_count(curve.n, min_cell_size)
        clusters = show_count(curve.clusters, min_cell_size)
        ax.set_title(
            f"Unification by {measure_label(curve.predictor).lower()}\n"
            f"(primary model, {METHODS.get(curve.method, curve.method)}; n = {n} closed cases, "
            f"{clusters} mentors)"
        )
    return fig


def _held_value(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)
