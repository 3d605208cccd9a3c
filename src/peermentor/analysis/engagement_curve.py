"""Early engagement over time (P3): cumulative counted contacts over each family's first days.

Computed by the profile stage (rule ``family_profile``) and written as a table; the P3
figure draws it (``report.figures.early``): nothing is summarized again at drawing time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def cumulative_contacts_curve(
    contacts: pd.DataFrame,
    families: pd.DataFrame,
    *,
    days: int = 60,
    anchor: str = "first_contact",
    count_statuses: Sequence[str] = ("completed",),
    data_cutoff: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Cumulative counted contacts per family by calendar day 0..``days`` from the anchor.

    Rows: one per day with n_families, mean, q1, median, q3 across families. Families
    enter when their anchor is known (a first counted contact, or case opening) and
    they were followed for all ``days`` (case closure or the data cut-off at least
    ``days`` after the anchor), so a short case does not look like slow engagement.
    Contacts before a case-opening anchor (cleaning grace window) count on day 0.
    """
    if anchor not in ("first_contact", "case_open"):
        raise ValueError(f"anchor must be first_contact or case_open, not {anchor!r}")
    counted = _counted_contacts(contacts, families, count_statuses, data_cutoff)
    start = _anchor_days(counted, families, anchor)
    followed = _followed_families(families, start, days, data_cutoff)
    anchor_day = followed.reindex(counted["family_id"]).to_numpy()  # NaT: not followed
    offsets = pd.Series((counted["day"].to_numpy() - anchor_day) / np.timedelta64(1, "D"))
    keep = (offsets.notna() & (offsets <= days)).to_numpy()
    rows = pd.Index(followed.index).get_indexer(counted["family_id"].to_numpy()[keep])
    per_day = np.zeros((len(followed), days + 1))
    np.add.at(per_day, (rows, offsets[keep].clip(lower=0).astype(int).to_numpy()), 1)
    cumulative = per_day.cumsum(axis=1)
    return _curve_summary(cumulative, days)


def _counted_contacts(contacts, families, count_statuses, data_cutoff) -> pd.DataFrame:
    keep = contacts["status"].isin(list(count_statuses)) & contacts["family_id"].isin(
        families["family_id"]
    )
    if data_cutoff is not None:
        # Same rule as the family profile: contacts after the cut-off day are ignored.
        keep &= contacts["contact_date"] < pd.Timestamp(data_cutoff).normalize() + pd.Timedelta(
            days=1
        )
    counted = contacts.loc[keep, ["family_id", "contact_date"]]
    return counted.assign(day=counted["contact_date"].dt.normalize())


def _anchor_days(counted: pd.DataFrame, families: pd.DataFrame, anchor: str) -> pd.Series:
    if anchor == "first_contact":
        return counted.groupby("family_id")["day"].min()
    return families.set_index("family_id")["case_open_date"].dt.normalize()


def _followed_families(families, start: pd.Series, days: int, data_cutoff) -> pd.Series:
    """Anchor day of the families observed for ``days`` days after it (family_id index)."""
    end = families.set_index("family_id")["case_close_date"].dt.normalize()
    if data_cutoff is not None:
        cutoff = pd.Timestamp(data_cutoff).normalize()
        end = end.where(end <= cutoff, cutoff)  # open cases (NaT) are followed to the cut-off
    start = start.reindex(end.index)
    long_enough = end.isna() | ((end - start).dt.days >= days)
    return start[start.notna() & long_enough].sort_index()


def _curve_summary(cumulative: np.ndarray, days: int) -> pd.DataFrame:
    n = cumulative.shape[0]
    if n == 0:
        nan = np.full(days + 1, np.nan)
        return pd.DataFrame(
            {
                "day": np.arange(days + 1),
                "n_families": 0,
                "mean": nan,
                "q1": nan,
                "median": nan,
                "q3": nan,
            }
        )
    q1, median, q3 = np.quantile(cumulative, [0.25, 0.5, 0.75], axis=0)
    return pd.DataFrame(
        {
            "day": np.arange(days + 1),
            "n_families": n,
            "mean": cumulative.mean(axis=0),
            "q1": q1,
            "median": median,
            "q3": q3,
        }
    )
