"""P1-P2 figures: hours and contacts per family, and the service mix by activity code."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.contract import ACTIVITY_COLUMNS
from peermentor.figures.style import (
    BLUE,
    GREEN,
    ORANGE,
    PAPER_COLOUR,
    PAPER_LABEL,
    PAPER_VALUES,
    VERMILLION,
    new_figure,
    show_count,
    suppressed_band,
    theme,
)
from peermentor.notebooks import as_number, measure_label

# --- hours and contacts per family (P1) ---------------------------------------------------


def service_distribution(
    profile: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Histograms of contact hours and contacts per family, mean and median marked,
    with the paper's means (55.3 hours, 60.5 contacts) for reference."""
    panels = (
        ("hours", "Contact hours per family (hours)", "mean_hours_per_family"),
        ("contacts", "Counted contacts per family (contacts)", "mean_contacts_per_family"),
    )
    with theme():
        fig, axes = new_figure(9.0, 3.8, ncols=2)
        for ax, (column, xlabel, paper_id) in zip(axes, panels, strict=True):
            values = pd.to_numeric(profile[column]).dropna()
            ax.hist(values, bins=30, color=BLUE, alpha=0.6, edgecolor="white")
            _vline(ax, values.mean(), VERMILLION, "-", f"mean {values.mean():.1f}")
            _vline(ax, values.median(), ORANGE, "--", f"median {values.median():.1f}")
            paper = PAPER_VALUES[paper_id]
            _vline(ax, paper, PAPER_COLOUR, ":", f"{PAPER_LABEL} mean {paper:g}")
            ax.set(xlabel=xlabel, ylabel="Families (count)")
            ax.set_xlim(left=0)
            ax.legend(loc="upper right", fontsize=8)
        n = show_count(len(profile), min_cell_size)
        fig.suptitle(f"Service per family, {label} (n = {n} families)")
    return fig


def _vline(ax, x: float, colour, style: str, label: str) -> None:
    ax.axvline(x, color=colour, linestyle=style, linewidth=1.5, label=label, zorder=3)


# --- service mix (P2) ---------------------------------------------------------------------


def service_mix(
    summary: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Share of families receiving each activity, and mean contacts per family carrying it
    (activity codes are multi-label: one contact can count for several).

    ``summary`` holds published service-profile rows of ONE group (the overall or a site's
    rows of ``service_profile.csv``, as published); only its ``act_*`` measures are
    drawn. Site rows must come from the published table: their complementary
    suppression protects the other sites, which a site-only publish step would not.
    """
    table = summary[summary["measure"].isin(ACTIVITY_COLUMNS)].reset_index(drop=True)
    labels = [measure_label(m) for m in table["measure"]]
    y = np.arange(len(table))
    with theme():
        fig, (share_ax, mean_ax) = new_figure(9.0, 3.9, ncols=2, sharey=True)
        _bars_or_suppressed(share_ax, y, table["share_receiving"], scale=100, span=(0, 100))
        share_ax.set(xlabel="Families receiving the activity (%)", xlim=(0, 100))
        means = [as_number(v) for v in table["mean"]]
        top = 1.15 * max([m for m in means if m is not None] + [45.0])
        _bars_or_suppressed(mean_ax, y, table["mean"], scale=1, span=(0, top), colour=GREEN)
        _paper_coaching_marks(mean_ax, list(table["measure"]))
        mean_ax.set(xlabel="Mean contacts per family (contacts)", xlim=(0, top))
        mean_ax.legend(loc="lower right", fontsize=8)
        share_ax.set_yticks(y, labels)
        share_ax.invert_yaxis()
        n = show_count(table["n_families"].iloc[0] if len(table) else 0, min_cell_size)
        fig.suptitle(f"Service mix by activity code, {label} (n = {n} families)")
    return fig


def _bars_or_suppressed(ax, y, values, *, scale: float, span, colour=BLUE) -> None:
    for position, value in zip(y, values, strict=True):
        bound = str(value).startswith(">=")  # publish.bound_near_complete_share
        number = float(str(value)[2:]) if bound else as_number(value)
        if number is None:
            suppressed_band(ax, position, 0.7, value, span)
            continue
        ax.barh(position, number * scale, height=0.7, color=colour, zorder=2)
        label = f" {'≥ ' if bound else ''}{number * scale:.1f}"
        ax.text(number * scale, position, label, va="center", fontsize=8)


def _paper_coaching_marks(ax, measures: list[str]) -> None:
    marks = {
        "act_recovery_coaching": PAPER_VALUES["mean_recovery_coaching_contacts"],
        "act_daily_living_coaching": PAPER_VALUES["mean_daily_living_coaching_contacts"],
    }
    points = [(value, measures.index(m)) for m, value in marks.items() if m in measures]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(
            xs, ys, marker="D", color=PAPER_COLOUR, s=22, zorder=4, label=f"{PAPER_LABEL} mean"
        )
