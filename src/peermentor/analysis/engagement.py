"""Early engagement (P3): how fast and how intensively a family's first N contacts came.

Only counted contacts (config ``profile.count_statuses``) make up the first N, ordered
by (contact_date, contact_id) so that same-day contacts have a fixed order. Days to
the Nth contact are calendar days (times of day ignored) from the anchor:

- ``first_contact``: the family's first counted contact (day 0);
- ``case_open``: the case opening date (can be negative when the Nth contact falls in
  the cleaning grace window before opening).

Families with fewer than N counted contacts are kept: ``early_reached_n`` is False,
days are NaN, and hours and mix cover the contacts they had.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from peermentor.analysis.profile import (
    TICKS_PER_HOUR,
    contact_ticks,
    contacts_until,
    counted_contact_flags,
    exact_ratio,
    family_index,
    overall_and_sites,
    per_family_sum,
    per_family_ticks,
)
from peermentor.contract import ACTIVITY_COLUMNS, MODES

ANCHORS: tuple[str, ...] = ("first_contact", "case_open")
MIX_COLUMNS: tuple[str, ...] = (
    *(f"early_{col}" for col in ACTIVITY_COLUMNS),
    *(f"early_mode_{mode}" for mode in MODES),
)


def early_engagement(
    contacts: pd.DataFrame,
    families: pd.DataFrame,
    *,
    n_contacts: int = 7,
    anchor: str = "first_contact",
    count_statuses: Sequence[str] = ("completed",),
    hours_include_collateral: bool = True,
    data_cutoff: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per family (in ``families`` order) describing its first ``n_contacts``.

    Columns: family_id, site_id, early_contacts (counted contacts in the window, at most
    N), early_reached_n, early_days_to_nth, early_hours, early_act_<code>,
    early_mode_<mode>. ``data_cutoff``, when given, ignores contacts after that day
    (pass it so the window agrees with the family profile).
    """
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {ANCHORS}, not {anchor!r}")
    if n_contacts < 1:
        raise ValueError("n_contacts must be at least 1")
    families = families.reset_index(drop=True)
    n = len(families)

    codes = family_index(families["family_id"], contacts["family_id"])
    counted = (codes >= 0) & contacts["status"].isin(list(count_statuses)).to_numpy()
    if data_cutoff is not None:
        counted &= contacts_until(contacts, pd.Timestamp(data_cutoff).normalize())

    rank = _contact_rank(contacts, codes, counted)
    window = (rank >= 0) & (rank < n_contacts)
    dates = contacts["contact_date"].to_numpy()

    nth_day = _day_at_rank(codes, dates, rank == n_contacts - 1, n)
    if anchor == "first_contact":
        anchor_day = _day_at_rank(codes, dates, rank == 0, n)
    else:
        anchor_day = families["case_open_date"].to_numpy().astype("datetime64[D]")

    out = pd.DataFrame(
        {
            "family_id": families["family_id"],
            "site_id": families["site_id"],
            "early_contacts": per_family_sum(codes, n, window).astype("int64"),
        }
    )
    out["early_reached_n"] = out["early_contacts"] >= n_contacts
    out["early_days_to_nth"] = (nth_day - anchor_day) / np.timedelta64(1, "D")
    # Duration ticks summed, then one division: equal totals are equal hours (profile).
    ticks = contact_ticks(contacts, window, hours_include_collateral)
    out["early_hours"] = exact_ratio(per_family_ticks(codes, n, ticks), TICKS_PER_HOUR)
    flags = counted_contact_flags(contacts, window)
    for col in ACTIVITY_COLUMNS:
        out[f"early_{col}"] = per_family_sum(codes, n, flags[col]).astype("int64")
    for mode in MODES:
        out[f"early_mode_{mode}"] = per_family_sum(codes, n, flags[f"mode_{mode}"]).astype("int64")
    return out


def _contact_rank(contacts: pd.DataFrame, codes: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """0-based position of each counted contact within its family; -1 for the others."""
    positions = np.flatnonzero(counted)
    family = codes[positions]
    when = contacts["contact_date"].to_numpy()[positions].view("int64")
    order = np.lexsort((when, family))
    family, when = family[order], when[order]

    # contact_id breaks ties between contacts at the same date and time. Only the tied
    # contacts are sorted by it: sorting millions of strings would dominate the run time.
    same = (family[1:] == family[:-1]) & (when[1:] == when[:-1])
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    if tied.any():
        at = np.flatnonzero(tied)
        ties = pd.DataFrame(
            {
                "family": family[at],
                "when": when[at],
                "contact_id": contacts["contact_id"].iloc[positions[order[at]]].to_numpy(),
            }
        )
        # Runs of ties keep their (family, when) order, so re-sorting in place is safe.
        order[at] = order[at][ties.sort_values(["family", "when", "contact_id"]).index.to_numpy()]

    rank = np.full(len(contacts), -1, dtype="int64")
    rank[positions[order]] = pd.Series(family).groupby(family, sort=False).cumcount().to_numpy()
    return rank


def _day_at_rank(codes: np.ndarray, dates: np.ndarray, at_rank: np.ndarray, n: int) -> np.ndarray:
    """Per family, the calendar day of its contact flagged in ``at_rank`` (NaT when none)."""
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    out[codes[at_rank]] = dates[at_rank].astype("datetime64[D]")
    return out


# --- summaries -------------------------------------------------------------------------


def summarize_early_engagement(
    early: pd.DataFrame, *, n_contacts: int, by: str | None = None
) -> pd.DataFrame:
    """One row per group (``by=None``: the single group "all").

    Counts: n_families, n_reached, n_not_reached (families with fewer than N counted
    contacts are reported, not dropped) and share_reached. Days to the Nth contact,
    hours and the mix (``mean_early_*``) describe the families that reached N, so every
    figure refers to the same window of N contacts; hours_mean_all_families adds the
    mean over all families for completeness.
    """
    groups = early[by].astype(str) if by else pd.Series("all", index=early.index)
    mix = [col for col in MIX_COLUMNS if col in early.columns]
    reached = early["early_reached_n"].astype(bool)
    frame = early.assign(
        group=groups.to_numpy(),
        n_reached=reached,
        days=early["early_days_to_nth"].where(reached),
        hours_reached=early["early_hours"].where(reached),
        **{f"mean_{col}": early[col].where(reached).astype(float) for col in mix},
    )
    grouped = frame.groupby("group", sort=True)
    days = grouped["days"]
    out = pd.DataFrame(
        {
            "n_contacts": n_contacts,
            "n_families": grouped.size(),
            "n_reached": grouped["n_reached"].sum(),
            "days_to_nth_mean": days.mean(),
            "days_to_nth_sd": days.std(),
            "days_to_nth_median": days.median(),
            "days_to_nth_q1": days.quantile(0.25),
            "days_to_nth_q3": days.quantile(0.75),
            "hours_mean": grouped["hours_reached"].mean(),
            "hours_mean_all_families": grouped["early_hours"].mean(),
            **{f"mean_{col}": grouped[f"mean_{col}"].mean() for col in mix},
        }
    )
    out.insert(3, "n_not_reached", out["n_families"] - out["n_reached"])
    out.insert(4, "share_reached", out["n_reached"] / out["n_families"])
    return out.rename_axis("group").reset_index()


def summarize_early_engagement_overall_and_sites(
    early: pd.DataFrame, *, n_contacts: int, site_column: str = "site_id"
) -> pd.DataFrame:
    """Overall summary followed by one row per site, with ``group_type`` "overall" / "site"."""
    return overall_and_sites(summarize_early_engagement, early, site_column, n_contacts=n_contacts)
