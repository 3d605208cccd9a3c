"""Per-family service profile (P1, P2) and its summaries.

``family_profile`` turns the canonical families and contacts tables into one row per
family with the columns of ``measures.IDENTITY`` and ``measures.SERVICE``.
Everything is measured as of the study's data cut-off:

- a case counts as closed only when its closure date is on or before the cut-off;
  a later closure (and its outcome) is not yet known at the cut-off, so
  ``case_close_date``, ``outcome_at_closure`` and ``unified_at_closure`` are blanked;
- contacts dated after the cut-off day are ignored, so counts and months of service
  cover the same period;
- months of service = calendar days from opening to closure (or the cut-off) divided
  by 30.4375 (365.25 / 12), never negative. When it is 0 (opened on the cut-off day or
  later) the per-month rates are NaN rather than infinite.

Exact arithmetic (docs/exact_arithmetic.md). The rural / urban rank tests compare these
values for equality, so equal quantities must be equal floats. Durations are counted in
hundredths of a second (``contact_ticks``), a grid that holds every duration a site logs
exactly (whole minutes or seconds, minutes to 3 decimals, hours to 4: 0.0001 h = 0.36 s),
so the rounding only removes the float noise of a conversion (0.3333 h x 60 =
19.997999999999998 minutes), and summed as integers; hours, months and every per-month
rate are then ONE division of two exact integers (``exact_ratio``), which IEEE arithmetic
rounds correctly: equal ratios (40 contacts over 420 days, 36 over 378) give the same
float. The old
``minutes / 60`` per contact and ``contacts / (days / 30.4375)`` split such ties.

Activity codes are multi-label: a contact carrying two codes counts once for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from peermentor.analysis.measures import EARLY, IDENTITY, SERVICE
from peermentor.contract import ACTIVITY_COLUMNS, MODES, columns

# The contacts' columns the family profile, early engagement and its curve read: all but who
# logged a contact. The job reads only these; at 100x mentor_id is 0.2 GB of its peak.
PROFILE_CONTACT_COLUMNS: list[str] = [c for c in columns("contacts") if c != "mentor_id"]

DAYS_PER_MONTH = 365.25 / 12  # 30.4375: the mean Gregorian month
# 30.4375 = 487 / 16 exactly: a rate per month is count * 487 / (16 * days), in integers.
MONTH_NUMERATOR, MONTH_DENOMINATOR = 487, 16
# Duration ticks: hundredths of a second (see the module docstring).
TICKS_PER_MINUTE = 6000
TICKS_PER_HOUR = 360_000

# Measures that count contacts; "share receiving" (value > 0) is reported for these.
COUNT_MEASURES: tuple[str, ...] = (
    "contacts",
    "attempted_contacts",
    "no_shows",
    "refusals",
    "no_shows_or_refusals",
    *(f"mode_{mode}" for mode in MODES),
    "with_parent",
    "with_children",
    "collateral",
    "face_to_face_with_children",
    *ACTIVITY_COLUMNS,
)
# Numeric early-engagement measures summarized beside the service measures when present.
# early_days_to_nth is left out of the profile summary: its n (families reaching N)
# would reveal the small not-reached count that the early-engagement table suppresses,
# and that table summarizes it already.
EARLY_NUMERIC: tuple[str, ...] = ("early_hours",)

SUMMARY_STATS: tuple[str, ...] = ("mean", "sd", "median", "q1", "q3", "min", "max")


def family_profile(
    families: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    data_cutoff: str | pd.Timestamp,
    count_statuses: Sequence[str] = ("completed",),
    hours_include_collateral: bool = True,
) -> pd.DataFrame:
    """One row per family (in ``families`` order): identity and service measures.

    Families without any contact get zero counts and zero hours. Contacts whose family
    is not in ``families`` are ignored (the cleaning stage quarantines them).
    """
    cutoff = pd.Timestamp(data_cutoff).normalize()
    families = families.reset_index(drop=True)
    profile = _case_columns(families, cutoff)
    service = _service_counts(
        families["family_id"], contacts, cutoff, count_statuses, hours_include_collateral
    )
    profile = pd.concat([profile, service], axis=1)
    profile = _add_rates(profile)
    return profile[[*IDENTITY, *SERVICE]]


def with_early_engagement(profile: pd.DataFrame, early: pd.DataFrame) -> pd.DataFrame:
    """The family profile with the ``measures.EARLY`` columns appended (by family_id)."""
    merged = profile.merge(early[["family_id", *EARLY]], on="family_id", how="left", validate="1:1")
    return merged[[*profile.columns, *EARLY]]


def family_index(family_ids: pd.Series, contact_family_ids: pd.Series) -> np.ndarray:
    """Position of each contact's family in ``family_ids``; -1 when unknown."""
    # Arrow's hash lookup is several times faster than pandas' get_indexer on strings.
    keys = pa.array(pd.Series(family_ids).astype("str"))
    values = pa.array(pd.Series(contact_family_ids).astype("str"))
    found = pc.index_in(values, value_set=keys).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype("int64")


def per_family_sum(codes: np.ndarray, n_families: int, values: np.ndarray) -> np.ndarray:
    """Sum ``values`` per family position; codes of -1 are dropped, absent families get 0."""
    slot = np.where(codes >= 0, codes, n_families)  # unknown families go to a spare slot
    return np.bincount(slot, weights=values, minlength=n_families + 1)[:n_families]


def contacts_until(contacts: pd.DataFrame, cutoff: pd.Timestamp) -> np.ndarray:
    """Mask of contacts dated on or before the cut-off day (any time of that day)."""
    return (contacts["contact_date"] < cutoff + pd.Timedelta(days=1)).to_numpy()


def _case_columns(families: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    close = families["case_close_date"]
    closed = (close.notna() & (close <= cutoff)).astype(bool)
    outcome = families["outcome_at_closure"].where(closed)
    end = close.where(closed, cutoff).dt.normalize()
    days = (end - families["case_open_date"].dt.normalize()).dt.days.clip(lower=0)
    return pd.DataFrame(
        {
            "family_id": families["family_id"],
            "site_id": families["site_id"],
            "mentor_id": families["mentor_id"],
            "rurality": families["rurality"],
            "rucc": families["rucc"],
            "n_children": families["n_children"],
            "case_open_date": families["case_open_date"],
            "case_close_date": close.where(closed),
            "case_closed": closed,
            "outcome_at_closure": outcome,
            "unified_at_closure": outcome.map({"unified": 1.0, "separated": 0.0}).astype(float),
            "days_of_service": days.astype("int64"),
            "months_of_service": days.astype(float) / DAYS_PER_MONTH,
        }
    )


def _service_counts(
    family_ids: pd.Series,
    contacts: pd.DataFrame,
    cutoff: pd.Timestamp,
    count_statuses: Sequence[str],
    hours_include_collateral: bool,
) -> pd.DataFrame:
    codes = family_index(family_ids, contacts["family_id"])
    logged = contacts_until(contacts, cutoff) & (codes >= 0)
    status = contacts["status"]
    counted = logged & status.isin(list(count_statuses)).to_numpy()
    flags = counted_contact_flags(contacts, counted)

    counts = {
        "contacts": counted,
        "attempted_contacts": logged,
        "no_shows": logged & (status == "no_show").to_numpy(),
        "refusals": logged & (status == "refused").to_numpy(),
        **flags,
    }
    n = len(family_ids)
    out = pd.DataFrame({name: per_family_sum(codes, n, mask) for name, mask in counts.items()})
    out = out.astype("int64")
    out["no_shows_or_refusals"] = out["no_shows"] + out["refusals"]
    out["ticks"] = per_family_ticks(
        codes, n, contact_ticks(contacts, counted, hours_include_collateral)
    )
    out["hours"] = exact_ratio(out["ticks"], TICKS_PER_HOUR)
    return out


def counted_contact_flags(contacts: pd.DataFrame, counted: np.ndarray) -> dict[str, np.ndarray]:
    """Per-contact masks (restricted to ``counted``) of every mode, presence and activity count."""
    mode = contacts["mode"]
    with_children = _bools(contacts["with_children"])
    face_to_face = (mode == "face_to_face").to_numpy()
    flags = {f"mode_{m}": counted & (mode == m).to_numpy() for m in MODES}
    flags["with_parent"] = counted & _bools(contacts["with_parent"])
    flags["with_children"] = counted & with_children
    flags["collateral"] = counted & _bools(contacts["collateral"])
    flags["face_to_face_with_children"] = counted & face_to_face & with_children
    flags.update({col: counted & _bools(contacts[col]) for col in ACTIVITY_COLUMNS})
    return flags


def contact_ticks(
    contacts: pd.DataFrame, counted: np.ndarray, include_collateral: bool
) -> np.ndarray:
    """Each counted contact's duration in hundredths of a second (0 elsewhere; collateral
    ones 0 when excluded): whole numbers, the float noise of a conversion from hours
    (0.03 h x 60 = 1.7999999999999998 minutes) rounded away."""
    minutes = contacts["duration_minutes"].to_numpy(dtype=float, na_value=0.0)
    keep = counted if include_collateral else counted & ~_bools(contacts["collateral"])
    return np.where(keep, np.rint(minutes * TICKS_PER_MINUTE), 0.0).astype("int64")


def per_family_ticks(codes: np.ndarray, n_families: int, ticks: np.ndarray) -> np.ndarray:
    """Duration ticks per family: an integer sum (bincount's float64 sum of whole numbers
    below 2**53 is exact), so families with the same total have the same total."""
    return np.rint(per_family_sum(codes, n_families, ticks)).astype("int64")


def exact_ratio(numerator, denominator):
    """numerator / denominator for whole numbers, in ONE correctly rounded division.

    Both must be exact integers below 2**53 (as floats); the result is then the float
    nearest the true ratio, so equal ratios give equal floats. Division by 0 gives NaN."""
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _bools(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=bool)


def per_month(count, days):
    """count / (days / 30.4375) as count * 487 / (16 * days): one division of integers
    (``exact_ratio``), NaN for a zero-day case (no meaningful rate, not inf)."""
    days = np.asarray(days, dtype="int64")
    return exact_ratio(np.asarray(count, dtype="int64") * MONTH_NUMERATOR, MONTH_DENOMINATOR * days)


def _add_rates(profile: pd.DataFrame) -> pd.DataFrame:
    days = profile["days_of_service"]
    hour_days = TICKS_PER_HOUR * days.to_numpy(dtype="int64")  # hours = ticks / 360,000
    return profile.assign(
        contacts_per_month=per_month(profile["contacts"], days),
        hours_per_month=exact_ratio(
            profile["ticks"] * MONTH_NUMERATOR, MONTH_DENOMINATOR * hour_days
        ),
        face_to_face_with_children_per_month=per_month(profile["face_to_face_with_children"], days),
        no_shows_or_refusals_per_month=per_month(profile["no_shows_or_refusals"], days),
    )


# --- summaries -------------------------------------------------------------------------


def summary_measures(profile: pd.DataFrame) -> list[str]:
    """Service measures, plus the numeric early measures when the profile carries them."""
    return [m for m in (*SERVICE, *EARLY_NUMERIC) if m in profile.columns]


def summarize_profile(
    profile: pd.DataFrame, *, by: str | None = None, measures: Iterable[str] | None = None
) -> pd.DataFrame:
    """Tidy summary: one row per (group, measure).

    Columns: group, measure, n_families (families with a value), n_receiving and
    n_not_receiving (count measures only: value > 0 and value == 0), share_receiving,
    mean, sd, median, q1, q3, min, max. ``by=None`` gives the single group "all".
    """
    measures = list(measures) if measures is not None else summary_measures(profile)
    groups = profile[by].astype(str) if by else pd.Series("all", index=profile.index)
    long = (
        profile[measures]
        .astype(float)
        .assign(group=groups.to_numpy())
        .melt(id_vars="group", var_name="measure", value_name="value")
    )
    value = long.groupby(["group", "measure"], sort=False)["value"]
    stats = value.agg(
        n_families="count", mean="mean", sd="std", median="median", min="min", max="max"
    )
    stats["q1"] = value.quantile(0.25)
    stats["q3"] = value.quantile(0.75)
    stats["n_receiving"] = (long["value"] > 0).groupby([long["group"], long["measure"]]).sum()
    stats = stats.reset_index()

    is_count = stats["measure"].isin(COUNT_MEASURES)
    stats["n_receiving"] = stats["n_receiving"].where(is_count).astype("Int64")
    stats["n_not_receiving"] = (stats["n_families"] - stats["n_receiving"]).astype("Int64")
    stats["share_receiving"] = (stats["n_receiving"] / stats["n_families"]).astype(float)

    stats["measure"] = pd.Categorical(stats["measure"], categories=measures)
    stats = stats.sort_values(["group", "measure"], kind="stable").reset_index(drop=True)
    stats["measure"] = stats["measure"].astype(str)
    columns = ["group", "measure", "n_families", "n_receiving", "n_not_receiving"]
    return stats[[*columns, "share_receiving", *SUMMARY_STATS]]


def summarize_profile_overall_and_sites(
    profile: pd.DataFrame, *, site_column: str = "site_id", measures: Iterable[str] | None = None
) -> pd.DataFrame:
    """Overall summary followed by one per site, with ``group_type`` "overall" / "site"."""
    measures = list(measures) if measures is not None else None
    return overall_and_sites(summarize_profile, profile, site_column, measures=measures)


def overall_and_sites(
    summarize: Callable[..., pd.DataFrame], frame: pd.DataFrame, site_column: str, **settings
) -> pd.DataFrame:
    """``summarize(frame)``, then per site (``by=site_column``), labelled by ``group_type``."""
    overall = summarize(frame, **settings)
    sites = summarize(frame, by=site_column, **settings)
    return pd.concat(
        [overall.assign(group_type="overall"), sites.assign(group_type="site")],
        ignore_index=True,
    )[["group_type", *overall.columns]]
