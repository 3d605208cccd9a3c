"""P4 figure: Cliff's delta, rural vs urban, with its CI per measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.figures.style import (
    BLUE,
    GREY,
    VERMILLION,
    new_figure,
    not_estimable_panel,
    show_count,
    theme,
)
from peermentor.notebooks import as_number, is_true, measure_label
from peermentor.publish.disclosure import is_marker


def rural_urban_effects(
    comparison: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Cliff's delta (rural vs urban) with its CI per measure, significant ones highlighted.

    ``comparison`` is ``analysis.rural_urban.compare_strata`` output or the published
    ``rural_urban.csv`` (markers allowed). Only rows whose effect is Cliff's delta are
    drawn (the share-receiving rows have a different scale); rows that are not
    estimable or suppressed say so instead of showing a value.
    """
    rows = comparison[comparison["effect_measure"] == "cliffs_delta"].reset_index(drop=True)
    reason = _shared_not_estimable(rows)
    if reason:
        return not_estimable_panel(f"Rural vs urban, {label}", reason)
    y = np.arange(len(rows))
    with theme():
        fig, (ax,) = new_figure(7.5, max(3.0, 1.6 + 0.27 * len(rows)))
        ax.axvline(0, color=GREY, linewidth=1, zorder=1)
        for position, row in zip(y, rows.itertuples(index=False), strict=True):
            _effect_row(ax, position, row)
        ax.set_yticks(y, [measure_label(m) for m in rows["measure"]])
        for tick, significant in zip(ax.get_yticklabels(), rows["significant"], strict=True):
            if is_true(significant):
                tick.set_fontweight("bold")
        ax.invert_yaxis()
        ax.set(
            xlim=(-1, 1),
            xlabel="Cliff's delta, rural vs urban families (-1 to 1; > 0: rural higher)",
        )
        _significance_legend(fig, ax, rows)
        ax.set_title(f"Rural vs urban, {label} ({_strata_sizes(rows, min_cell_size)})")
    return fig


def _shared_not_estimable(rows: pd.DataFrame) -> str:
    """The note every row shares when no row is estimable (e.g. one stratum), or ""."""
    if rows.empty or "note" not in rows or rows["estimable"].map(is_true).any():
        return "" if not rows.empty else "not estimable: no measure in the comparison"
    notes = set(rows["note"].dropna())
    return notes.pop() if len(notes) == 1 and str(next(iter(notes))).startswith("not est") else ""


def _effect_row(ax, position: float, row) -> None:
    effect, low, high = (as_number(v) for v in (row.effect, row.effect_low, row.effect_high))
    if not is_true(row.estimable) or effect is None:
        note = getattr(row, "note", "")
        note = note if isinstance(note, str) and note.startswith("not est") else "not estimable"
        reason = "suppressed" if is_marker(row.effect) else note
        ax.text(0, position, reason, ha="center", va="center", fontsize=8, color="#555555")
        return
    colour = VERMILLION if is_true(row.significant) else BLUE
    if low is not None and high is not None:
        ax.hlines(position, low, high, color=colour, linewidth=2, zorder=2)
    ax.scatter([effect], [position], color=colour, s=25, zorder=3)


def _significance_legend(fig: Figure, ax, rows: pd.DataFrame) -> None:
    adjust = rows["adjust"].dropna().iloc[0] if rows["adjust"].notna().any() else "adjusted"
    ax.scatter([], [], color=VERMILLION, label=f"significant ({adjust}-adjusted p), 95 % CI")
    ax.scatter([], [], color=BLUE, label="not significant, 95 % CI")
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)


def _strata_sizes(rows: pd.DataFrame, min_cell_size: int) -> str:
    first = rows[rows["measure"] == "contacts"]
    first = first if len(first) else rows.head(1)
    if first.empty:
        return "no measures"
    rural = show_count(first["n_rural"].iloc[0], min_cell_size)
    urban = show_count(first["n_urban"].iloc[0], min_cell_size)
    return f"n = {rural} rural, {urban} urban families"
