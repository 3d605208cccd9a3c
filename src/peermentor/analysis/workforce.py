"""Mentor workforce (P6): tenure, caseload, and how mentors' employment ended.

The paper reports that 18 of 28 mentors (64.3 %) had stability or career advancement
and about a third left through relapse, boundary or policy violations. Exit reasons
are grouped with ``contract.STABLE_OR_ADVANCED`` and ``contract.CHALLENGE_EXITS``;
``other_exit`` (and anything else) is "other". Shares carry Wilson score intervals,
which behave well for the small counts of a 28-mentor workforce.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis.estimable import not_estimable
from peermentor.analysis.profile import DAYS_PER_MONTH, contacts_until
from peermentor.contract import CHALLENGE_EXITS, EXIT_REASONS, STABLE_OR_ADVANCED

OUTCOME_GROUPS: tuple[str, ...] = ("stable_or_advanced", "challenge", "other")
# The contacts' columns mentor_workforce reads; the job reads only these (at 100x the whole
# contacts table made it the largest job after combine_sites, over 2 GB).
WORKFORCE_CONTACT_COLUMNS: list[str] = ["mentor_id", "contact_date", "status"]


def wilson_ci(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n``; (nan, nan) when n is 0."""
    # The normal quantile from scipy.special (scipy.stats would cost ~1 s to import), imported
    # here: the figures and the notebooks import this module for its constants only.
    from scipy.special import ndtri

    if n <= 0:
        return (float("nan"), float("nan"))
    z = ndtri(0.5 + level / 2)
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1e-17.
    low = 0.0 if successes <= 0 else max(centre - half, 0.0)
    high = 1.0 if successes >= n else min(centre + half, 1.0)
    return (float(low), float(high))


def outcome_group(exit_reason: pd.Series) -> pd.Series:
    """stable_or_advanced / challenge / other for each exit reason."""
    group = pd.Series("other", index=exit_reason.index, dtype=object)
    group[exit_reason.isin(STABLE_OR_ADVANCED)] = "stable_or_advanced"
    group[exit_reason.isin(CHALLENGE_EXITS)] = "challenge"
    return group.astype(str)


def mentor_workforce(
    mentors: pd.DataFrame,
    families: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    data_cutoff: str | pd.Timestamp,
) -> pd.DataFrame:
    """One row per mentor (in ``mentors`` order).

    tenure_months runs from hire to the end date or the cut-off, whichever is first
    (calendar days / 30.4375, never negative). families_served counts families whose
    primary mentor this is and whose case opened by the cut-off; contacts counts
    completed contacts the mentor logged up to the cut-off, for any family.
    """
    cutoff = pd.Timestamp(data_cutoff).normalize()
    mentors = mentors.reset_index(drop=True)
    end = mentors["end_date"].where(mentors["end_date"] <= cutoff, cutoff).dt.normalize()
    days = (end - mentors["hire_date"].dt.normalize()).dt.days.clip(lower=0)

    opened = families.loc[families["case_open_date"] <= cutoff, "mentor_id"]
    completed = contacts_until(contacts, cutoff) & (contacts["status"] == "completed").to_numpy()
    ids = pd.Index(mentors["mentor_id"])
    return pd.DataFrame(
        {
            "mentor_id": mentors["mentor_id"],
            "site_id": mentors["site_id"],
            "hire_date": mentors["hire_date"],
            "end_date": mentors["end_date"],
            "tenure_months": days.astype(float) / DAYS_PER_MONTH,
            "families_served": _count_per_mentor(ids, opened),
            "contacts": _count_per_mentor(ids, contacts.loc[completed, "mentor_id"]),
            "exit_reason": mentors["exit_reason"],
            "outcome_group": outcome_group(mentors["exit_reason"]),
        }
    )


def _count_per_mentor(ids: pd.Index, mentor_ids: pd.Series) -> np.ndarray:
    codes = ids.get_indexer(mentor_ids)
    return np.bincount(codes[codes >= 0], minlength=len(ids)).astype("int64")


def summarize_workforce(per_mentor: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Long table: one "overall" row, then one row per exit reason and per outcome group.

    Columns: row_type ("overall" / "exit_reason" / "outcome_group"), category, count,
    unit ("mentors": the count is suppressible), n_mentors, share, ci_low, ci_high
    (Wilson), tenure_mean_months, tenure_median_months. Every contract exit reason and
    every outcome group gets a row, zero or not, so the table's shape is stable. A row
    whose tenure (no mentor in the category) or share (no mentors at all) cannot be
    computed has ``estimable`` False and says why in ``note``.
    """
    n = len(per_mentor)
    tenure = per_mentor["tenure_months"]
    rows = [_row("overall", "all", n, n, tenure, level=None)]
    for row_type, categories in (
        ("exit_reason", EXIT_REASONS),
        ("outcome_group", OUTCOME_GROUPS),
    ):
        for category in categories:
            members = per_mentor[row_type] == category
            rows.append(_row(row_type, category, int(members.sum()), n, tenure[members], level))
    return pd.DataFrame(rows)


def _row(
    row_type: str, category: str, count: int, n: int, tenure: pd.Series, level: float | None
) -> dict[str, object]:
    low, high = wilson_ci(count, n, level) if level is not None else (np.nan, np.nan)
    if n == 0:
        note = not_estimable("no mentors")
    elif count == 0:
        # 0 of n is a share (0, with its Wilson CI); the tenure of no mentors is not.
        note = not_estimable("no mentor in this category (tenure); count and share are 0")
    else:
        note = ""
    return {
        "row_type": row_type,
        "category": category,
        "count": count,
        "unit": "mentors",
        "n_mentors": n,
        "share": count / n if n else np.nan,
        "ci_low": low,
        "ci_high": high,
        "tenure_mean_months": tenure.mean(),
        "tenure_median_months": tenure.median(),
        "estimable": not note,
        "note": note,
    }
