"""P3 figure: cumulative counted contacts over each family's first days.

The curve's data is the profile stage's table (``analysis.engagement_curve``, written by
the rule ``family_profile``); ``early_engagement_curve`` only draws it.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from peermentor.figures.style import (
    BLUE,
    GREY,
    PAPER_COLOUR,
    PAPER_LABEL,
    PAPER_VALUES,
    VERMILLION,
    new_figure,
    show_count,
    theme,
)
from peermentor.notebooks import as_number
from peermentor.publish.disclosure import is_marker


def early_engagement_curve(
    curve: pd.DataFrame,
    *,
    n_contacts: int = 7,
    anchor: str = "first_contact",
    observed_days_to_nth: object = None,
    label: str = "all sites",
    min_cell_size: int = 11,
) -> Figure:
    """Mean cumulative counted contacts with an interquartile band over the first days,
    the paper's "7 contacts in 23.6 days" and (when given) this run's mean days to the
    Nth contact from the published early-engagement table."""
    anchor_text = "first contact" if anchor == "first_contact" else "case opening"
    with theme():
        fig, (ax,) = new_figure(7.5, 4.4)
        ax.fill_between(
            curve["day"],
            curve["q1"],
            curve["q3"],
            color=BLUE,
            alpha=0.25,
            linewidth=0,
            label="interquartile range across families",
        )
        ax.plot(curve["day"], curve["mean"], color=BLUE, linewidth=2, label="mean")
        ax.axhline(n_contacts, color=GREY, linestyle=":", linewidth=1)
        ax.scatter(
            [PAPER_VALUES["mean_days_to_7th_contact"]],
            [7],
            marker="D",
            s=40,
            color=PAPER_COLOUR,
            zorder=4,
            label=f"{PAPER_LABEL}: 7 contacts in a mean "
            f"{PAPER_VALUES['mean_days_to_7th_contact']:g} days",
        )
        observed = as_number(observed_days_to_nth)
        if observed is not None:
            ax.scatter(
                [observed],
                [n_contacts],
                marker="o",
                s=40,
                color=VERMILLION,
                zorder=4,
                label=f"this run: {n_contacts} contacts in a mean {observed:.1f} days"
                " (families reaching them)",
            )
        elif is_marker(observed_days_to_nth):
            ax.text(
                0.98,
                0.04,
                f"this run's mean days to contact {n_contacts}: suppressed",
                transform=ax.transAxes,
                ha="right",
                fontsize=8,
            )
        days = int(curve["day"].max())
        ax.set(
            xlim=(0, days),
            ylim=(0, None),
            xlabel=f"Days since the {anchor_text} (days)",
            ylabel="Cumulative counted contacts (contacts)",
        )
        ax.legend(loc="upper left", fontsize=8)
        n = show_count(int(curve["n_families"].iloc[0]), min_cell_size)
        ax.set_title(
            f"Early engagement, {label}: the first {days} days "
            f"(n = {n} families followed {days}+ days)"
        )
    return fig
