"""The study's published summary tables: each declares its additive groups and dependents.

Linked tables are protected only as far as these declarations go (see the policy in the
package docstring).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from peermentor.publish.disclosure.precision import (
    DEFAULT_DECIMALS,
    round_published,
    round_replication,
)
from peermentor.publish.disclosure.suppression import (
    COMPLEMENTARY_MARKER,
    small_cell_marker,
    suppress_small_cells,
)

PROFILE_STATS: tuple[str, ...] = ("mean", "sd", "median", "q1", "q3", "min", "max")


def publish_profile_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Service-profile summary (overall + sites): sites add up to the overall row."""
    coarse = means_protect_complements(min_cell_size, decimals)
    out = suppress_small_cells(
        summary,
        count_columns=["n_families", "n_receiving", "n_not_receiving"],
        min_cell_size=min_cell_size,
        primary_dependent_columns={"n_families": PROFILE_STATS} if coarse else None,
        dependent_columns={
            "n_families": [*([] if coarse else PROFILE_STATS), "share_receiving"],
            "n_receiving": ["share_receiving"],
            "n_not_receiving": ["share_receiving"],
        },
        total_row_mask=_overall_rows(summary),
        group_columns=["measure"],
        column_groups={"n_families": ["n_receiving", "n_not_receiving"]},
    ).pipe(round_published, decimals)
    return bound_near_complete_share(
        out, summary, share="share_receiving", count="n_receiving",
        complement="n_not_receiving", min_cell_size=min_cell_size, decimals=decimals,
    )  # fmt: skip


def means_protect_complements(min_cell_size: int, decimals: Mapping[str, int] | None) -> bool:
    """True when a mean at the published precision cannot reveal a complement's n."""
    places = {**DEFAULT_DECIMALS, **(decimals or {})}["mean"]
    return 10.0**-places * min_cell_size >= 1


def bound_near_complete_share(
    published: pd.DataFrame,
    raw: pd.DataFrame,
    *,
    share: str,
    count: str,
    complement: str,
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """A share hidden only because its complement is small, shown as a lower bound.

    Where ``complement`` is 1..min_cell_size-1 (hence ``count`` a complementary cell)
    and the denominator is shown, the share is at least (n - (min_cell_size - 1)) / n;
    that bound, rounded down at the share precision, is shown as ">=0.966". It says no
    more than the "<11" beside it (the complement is below min_cell_size), and the
    paper's headline share (families receiving recovery coaching) stays readable.
    """
    out = published.copy()
    places = {**DEFAULT_DECIMALS, **(decimals or {})}["share"]
    n = pd.to_numeric(raw["n_families"], errors="coerce").to_numpy(dtype=float)
    small = pd.to_numeric(raw[complement], errors="coerce").to_numpy(dtype=float)
    shown_total = pd.to_numeric(out["n_families"], errors="coerce").notna().to_numpy()
    target = (
        (small >= 1) & (small < min_cell_size) & shown_total
        & (out[count].astype(str) == COMPLEMENTARY_MARKER).to_numpy()
    )  # fmt: skip
    for i in np.flatnonzero(target):
        lower = math.floor((n[i] - (min_cell_size - 1)) / n[i] * 10**places) / 10**places
        if lower > 0:
            out.loc[out.index[i], share] = f">={lower:.{places}f}"
    return out


def publish_early_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Early-engagement summary (overall and/or sites)."""
    reached_stats = [
        c for c in summary.columns if c.startswith(("days_to_nth_", "hours_mean", "mean_early_"))
    ]
    group_stats = {"n_families": reached_stats, "n_reached": reached_stats}
    coarse = means_protect_complements(min_cell_size, decimals)
    out = suppress_small_cells(
        summary,
        count_columns=["n_families", "n_reached", "n_not_reached"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "n_families": ["share_reached", *([] if coarse else reached_stats)],
            "n_reached": ["share_reached", *([] if coarse else reached_stats)],
            "n_not_reached": ["share_reached"],
        },
        primary_dependent_columns=group_stats if coarse else None,
        total_row_mask=_overall_rows(summary),
        column_groups={"n_families": ["n_reached", "n_not_reached"]},
    ).pipe(round_published, decimals)
    return bound_near_complete_share(
        out, summary, share="share_reached", count="n_reached", complement="n_not_reached",
        min_cell_size=min_cell_size, decimals=decimals,
    )  # fmt: skip


def publish_workforce_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Workforce summary: exit reasons and outcome groups each add up to all mentors."""
    return suppress_small_cells(
        summary,
        count_columns=["count", "n_mentors"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "count": ["share", "ci_low", "ci_high", "tenure_mean_months", "tenure_median_months"],
            "n_mentors": ["share", "ci_low", "ci_high"],
        },
        total_row_mask=(summary["row_type"] == "overall").to_numpy(),
        group_columns=["row_type"],
    ).pipe(round_published, decimals)


def _overall_rows(summary: pd.DataFrame) -> np.ndarray | None:
    if "group_type" not in summary.columns:
        return None
    return (summary["group_type"] == "overall").to_numpy()


def publish_replication(
    table: pd.DataFrame,
    *,
    bases: Mapping[str, Sequence[int]],
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Replication table: blank a computed figure from which a small count can be derived.

    ``bases`` maps a figure id to the counts its value reveals (a share of 28 mentors
    reveals both the 18 and the 10): when any of them is 1..min_cell_size-1, the
    computed value and its differences get the small-cell marker. Values are rounded
    first (``round_replication``): odds ratios as ratios, everything else as a mean.
    """
    marker = small_cell_marker(min_cell_size)
    out = round_replication(table, decimals)
    out = out.astype({c: object for c in ("computed", "difference", "relative_difference")})
    out["suppressed"] = False
    for figure_id, counts in bases.items():
        if any(0 < c < min_cell_size for c in counts):
            rows = out["id"] == figure_id
            out.loc[rows, ["computed", "difference", "relative_difference"]] = marker
            out.loc[rows, "suppressed"] = True
    return out
