"""The site notebook's tables and sentences: one site's rows, its reconciliation and
quarantine counts (published: small counts suppressed), and whether it has outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

QUARANTINE_TABLES: tuple[str, ...] = ("families", "contacts", "mentors")


def site_rows(summary: pd.DataFrame, site_id: str) -> pd.DataFrame:
    """A published summary's rows of one site (group_type "site", group = site_id)."""
    return summary[(summary["group_type"] == "site") & (summary["group"].astype(str) == site_id)]


def site_reconciliation(
    reconciliation: pd.DataFrame, site_id: str, min_cell_size: int | None = None
) -> pd.DataFrame:
    """Rows in, kept and quarantined per table of one site, and the quarantine reasons used.

    With ``min_cell_size`` the counts are published: rows of the families and mentors
    tables are counts of families and mentors, so small ones are suppressed (with
    complementary cells, since read = kept + quarantined + excluded by a study rule).
    ``balanced`` is computed from the full counts and still shows whether the site reconciles.
    """
    rows = reconciliation[reconciliation["site_id"].astype(str) == site_id]
    reasons = [c for c in rows.columns if c.startswith("quarantined_") and rows[c].sum() > 0]
    # read = kept + quarantined + excluded by a study rule (older tables have no exclusions)
    parts = ["rows_kept", "rows_quarantined"]
    if "rows_excluded_by_study_rule" in rows:
        parts.append("rows_excluded_by_study_rule")
    table = rows[["table", "rows_read", *parts, "balanced", *reasons]]
    if min_cell_size is None:
        return table
    from peermentor.publish.disclosure import suppress_small_cells

    groups = {"rows_read": parts}
    if reasons:  # a clean site has no reason columns: no group of reasons to protect
        groups["rows_quarantined"] = reasons
    return suppress_small_cells(
        table.reset_index(drop=True),
        count_columns=["rows_read", *parts, *reasons],
        min_cell_size=min_cell_size,
        column_groups=groups,
    ).drop(columns="suppressed")


def quarantine_summary(
    paths: Sequence[str | Path], min_cell_size: int | None = None
) -> pd.DataFrame:
    """Quarantined rows by table and reason, from a site's quarantine files: counts only.

    Only the ``table`` and ``reason`` columns are read, so no quarantined value,
    identifier or source row can reach the notebook. With ``min_cell_size`` small
    counts are suppressed (the reasons of one table add up to its quarantined rows).
    """
    frames = [pd.read_csv(path, usecols=["table", "reason"]) for path in paths]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame({"table": [], "reason": [], "rows": []})
    counts = rows.groupby(["table", "reason"], sort=True).size().rename("rows").reset_index()
    counts["order"] = counts["table"].map({t: i for i, t in enumerate(QUARANTINE_TABLES)})
    counts = counts.sort_values(["order", "reason"], kind="stable").drop(columns="order")
    counts = counts.reset_index(drop=True)
    if min_cell_size is None:
        return counts
    from peermentor.publish.disclosure import suppress_small_cells

    return suppress_small_cells(
        counts, count_columns=["rows"], min_cell_size=min_cell_size, group_columns=["table"]
    ).drop(columns="suppressed")


def site_profile(profile: pd.DataFrame, site_id: str) -> pd.DataFrame:
    """The family profile's rows of one site (for plots only)."""
    return profile[profile["site_id"].astype(str) == site_id].reset_index(drop=True)


def site_outcomes(profile: pd.DataFrame, site_id: str, min_cell_size: int) -> str:
    """One sentence: whether the site's closed cases give outcomes to the study's models.

    A site whose cases are all open at the cut-off has no outcome at closure; the outcome models
    are fitted on the other sites' closed cases. Counts under ``min_cell_size`` are not shown.
    """
    rows = site_profile(profile, site_id)
    n, closed = len(rows), int(rows["case_closed"].astype(bool).sum())

    def count(k: int) -> str:
        return f"fewer than {min_cell_size}" if 0 < k < min_cell_size else f"{k}"

    if closed == 0:
        return (
            f"All of site {site_id}'s cases ({count(n)}) were still open at the data cut-off: "
            "the site has no outcome at closure, and the outcome models are fitted on the other "
            "sites' closed cases."
        )
    if n >= min_cell_size and 0 < n - closed < min_cell_size:
        # the site's family count is published (reconciliation): the closed count would reveal
        # the small number of open cases, so it is withheld (complementary suppression)
        return (
            f"Site {site_id} has closed cases by the data cut-off (count [c]); their outcomes at "
            "closure enter the study's outcome models."
        )
    return (
        f"Site {site_id} has {count(closed)} closed cases by the data cut-off; their outcomes at "
        "closure enter the study's outcome models."
    )


def enough_to_plot(n_families: int, min_cell_size: int) -> bool:
    """Row-level plots of fewer families than the minimum cell size would show a small count."""
    return n_families >= min_cell_size
