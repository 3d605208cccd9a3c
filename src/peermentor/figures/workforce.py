"""P6 figure: mentors by exit reason and by outcome group (published workforce table)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.analysis.workforce import OUTCOME_GROUPS
from peermentor.contract import EXIT_REASONS
from peermentor.figures.style import (
    GREEN,
    GREY,
    PAPER_LABEL,
    PAPER_VALUES,
    VERMILLION,
    new_figure,
    show_count,
    suppressed_band,
    theme,
)
from peermentor.notebooks import as_number

GROUP_COLOURS = {"stable_or_advanced": GREEN, "challenge": VERMILLION, "other": GREY}
_GROUP_OF = {
    "still_employed": "stable_or_advanced",
    "promoted": "stable_or_advanced",
    "left_for_advancement": "stable_or_advanced",
    "relapse": "challenge",
    "boundary_violation": "challenge",
    "policy_violation": "challenge",
}


def workforce_exits(workforce: pd.DataFrame, *, min_cell_size: int = 11) -> Figure:
    """Mentors by exit reason and by outcome group (published workforce table).

    Suppressed counts are hatched bands across the axis labelled "suppressed", never
    numbers or bar lengths.
    """
    overall = workforce[workforce["row_type"] == "overall"]
    total = as_number(overall["count"].iloc[0]) if len(overall) else None
    reasons = _ordered(workforce, "exit_reason", EXIT_REASONS)
    groups = _ordered(workforce, "outcome_group", OUTCOME_GROUPS)
    span = (0.0, total if total else max([*_shown_counts(workforce), 1.0]))
    with theme():
        fig, axes = new_figure(9.0, 4.2, ncols=2, width_ratios=[1.4, 1.0])
        for ax, rows, colour_of in (
            (axes[0], reasons, lambda c: GROUP_COLOURS[_GROUP_OF.get(c, "other")]),
            (axes[1], groups, lambda c: GROUP_COLOURS.get(c, GREY)),
        ):
            _count_bars(ax, rows, span, colour_of)
            ax.set(xlim=span, xlabel="Mentors (count)")
        for group, colour in GROUP_COLOURS.items():
            axes[0].barh([], [], color=colour, label=group.replace("_", " "))
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        axes[0].set_title("By exit reason")
        axes[1].set_title("By outcome group")
        n = overall["count"].iloc[0] if len(overall) else None
        size = "no mentors" if n is None else f"n = {show_count(n, min_cell_size)} mentors"
        paper = PAPER_VALUES["pct_mentors_stable_or_advanced"]
        fig.suptitle(
            f"Mentor workforce: how employment ended ({size})"
            f"\n{PAPER_LABEL}: 18 of 28 ({paper:g} %) stable or advanced"
        )
    return fig


def _ordered(workforce: pd.DataFrame, row_type: str, order: Sequence[str]) -> pd.DataFrame:
    rows = workforce[workforce["row_type"] == row_type]
    rank = {c: i for i, c in enumerate(order)}
    return rows.sort_values("category", key=lambda s: s.map(rank).fillna(len(rank)))


def _shown_counts(workforce: pd.DataFrame) -> list[float]:
    return [n for n in (as_number(v) for v in workforce["count"]) if n is not None]


def _count_bars(ax, rows: pd.DataFrame, span, colour_of) -> None:
    y = np.arange(len(rows))
    for position, (category, count) in zip(
        y, zip(rows["category"], rows["count"], strict=True), strict=True
    ):
        number = as_number(count)
        if number is None:
            suppressed_band(ax, position, 0.7, count, span)
            continue
        ax.barh(position, number, height=0.7, color=colour_of(category), zorder=2)
        ax.text(number, position, f" {number:.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [c.replace("_", " ") for c in rows["category"]])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
