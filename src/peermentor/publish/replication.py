"""The replication table: each published figure of Huebner et al. (2018) beside this run's.

``PUBLISHED`` lists every figure the pipeline reproduces, keyed by a stable id. Each
stage supplies computed values by id (``p1_p3_p6_computed`` for the descriptive
stages; the outcome model adds the odds ratios and the visit gap), and
``replication_rows`` lines them up. Approximate published figures ("about 8 hours")
are entered at the stated value and say so in their label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from peermentor.analysis.estimable import is_not_estimable, not_estimable


@dataclass(frozen=True)
class PublishedFigure:
    """One figure of the paper and how it is defined."""

    id: str
    analysis: str  # P1..P6
    label: str
    published: float  # NaN for a claim the paper states without a number
    unit: str
    definition: str


PUBLISHED: tuple[PublishedFigure, ...] = (
    PublishedFigure(
        "mean_hours_per_family",
        "P1",
        "Mean contact hours per family",
        55.3,
        "hours",
        "mean over families of hours of counted contacts during the case",
    ),
    PublishedFigure(
        "mean_contacts_per_family",
        "P1",
        "Mean contacts per family",
        60.5,
        "contacts",
        "mean over families of counted contacts during the case",
    ),
    PublishedFigure(
        "mean_months_of_service",
        "P1",
        "Mean months of service (about)",
        15.0,
        "months",
        "mean over families of months from opening to closure or the data cut-off; "
        "the paper implies about 15 (55.3 hours at about 3.7 hours a month)",
    ),
    PublishedFigure(
        "hours_per_month",
        "P1",
        "Contact hours per month (about)",
        3.7,
        "hours/month",
        "mean hours per family divided by mean months of service (ratio of means)",
    ),
    PublishedFigure(
        "mean_recovery_coaching_contacts",
        "P2",
        "Mean recovery coaching contacts",
        40.2,
        "contacts",
        "mean over families of counted contacts coded recovery_coaching "
        "(multi-label: a contact counts for each of its codes)",
    ),
    PublishedFigure(
        "mean_daily_living_coaching_contacts",
        "P2",
        "Mean daily living coaching contacts",
        38.5,
        "contacts",
        "mean over families of counted contacts coded daily_living_coaching (multi-label)",
    ),
    PublishedFigure(
        "mean_days_to_7th_contact",
        "P3",
        "Mean calendar days to the 7th contact",
        23.6,
        "days",
        "mean over families reaching 7 counted contacts of calendar days from the anchor "
        "(first contact) to the 7th",
    ),
    PublishedFigure(
        "mean_hours_first_7_contacts",
        "P3",
        "Hours in the first 7 contacts (about)",
        8.0,
        "hours",
        "mean over families reaching 7 counted contacts of hours in those contacts",
    ),
    PublishedFigure(
        "p4_measures_differing",
        "P4",
        "Services differ significantly between rural and more urban settings (claim, no "
        "number published): compared measures that differ after adjustment",
        float("nan"),
        "measures",
        "number of the compared service measures (continuous and share receiving) whose "
        "rural vs urban test is significant after multiple-testing adjustment",
    ),
    PublishedFigure(
        "or_face_to_face_with_children",
        "P5",
        "Odds ratio of unification per face-to-face contact with the children",
        1.09,
        "odds ratio",
        "primary outcome model, closed cases",
    ),
    PublishedFigure(
        "or_no_show_or_refusal_separation",
        "P5",
        "Odds ratio of separation per no-show or refusal",
        1.24,
        "odds ratio",
        "primary outcome model, closed cases (inverse of the unification odds ratio)",
    ),
    PublishedFigure(
        "face_to_face_gap",
        "P5",
        "Extra face-to-face contacts with the children of unified families (about)",
        14.0,
        "contacts",
        "mean face_to_face_with_children of unified minus separated closed cases",
    ),
    PublishedFigure(
        "pct_mentors_stable_or_advanced",
        "P6",
        "Mentors with stability or career advancement, % (18 of 28)",
        64.3,
        "percent",
        "mentors whose exit reason is still_employed, promoted or left_for_advancement, "
        "as a percentage of all mentors",
    ),
)

COLUMNS: tuple[str, ...] = (
    "id",
    "analysis",
    "figure",
    "published",
    "computed",
    "difference",
    "relative_difference",
    "definition",
    "estimable",
    "note",
)


def replication_rows(
    computed: Mapping[str, float | str],
    definitions: Mapping[str, str] | None = None,
    published: Sequence[PublishedFigure] = PUBLISHED,
) -> pd.DataFrame:
    """One row per published figure that has a computed value, in ``published`` order
    (the quantitative paper's ``PUBLISHED``; the partnership study has its own list).

    ``definitions`` (by id) replaces the default definition text with the one this run
    used; ids without a computed value are left out, and unknown ids are an error. A
    computed value that is a ``not estimable: <reason>`` text gives a row with blank
    numbers, ``estimable`` False and that text as ``note``.
    """
    known = {fig.id for fig in published}
    unknown = sorted(set(computed) - known)
    if unknown:
        raise KeyError(f"not published figures: {unknown}")
    definitions = definitions or {}
    rows = [
        {
            "id": fig.id,
            "analysis": fig.analysis,
            "figure": fig.label,
            "published": fig.published,
            **_computed(computed[fig.id]),
            "definition": definitions.get(fig.id, fig.definition),
        }
        for fig in published
        if fig.id in computed
    ]
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in _DERIVED])
    table = table.astype({"published": float, "computed": float, "estimable": bool})
    table["difference"] = table["computed"] - table["published"]
    table["relative_difference"] = table["difference"] / table["published"]
    return table[list(COLUMNS)]


_DERIVED = ("difference", "relative_difference")


def _computed(value: float | str) -> dict[str, object]:
    if isinstance(value, str):
        if not is_not_estimable(value):
            raise ValueError(f"a computed figure must be a number or a note, not {value!r}")
        return {"computed": np.nan, "estimable": False, "note": value}
    return {"computed": float(value), "estimable": True, "note": ""}


def p4_computed(comparison: pd.DataFrame) -> tuple[dict[str, float | str], dict[str, str]]:
    """The P4 figure and its definition from the rural/urban comparison table.

    Counts the measures whose test is significant after adjustment, among those the
    study could test; when none could be tested, the first row's not-estimable note
    (e.g. "one stratum (all families urban)"). Accepts the published table (markers).
    """
    tested = comparison[comparison["estimable"].map(_truthy)]
    if tested.empty:
        notes = comparison.get("note", pd.Series(dtype=object)).dropna()
        notes = [n for n in notes if is_not_estimable(n)]
        value: float | str = notes[0] if notes else not_estimable("no measure could be compared")
        return {"p4_measures_differing": value}, {}
    significant = int(tested["significant"].map(_truthy).sum())
    adjust = tested["adjust"].dropna().iloc[0] if "adjust" in tested else "adjusted"
    kinds = ", ".join(
        f"{n} {k.replace('_', ' ')}" for k, n in tested["kind"].value_counts(sort=False).items()
    )
    definition = (
        f"number of the {len(tested)} compared measures ({kinds}) whose rural vs urban "
        f"{adjust}-adjusted p is below alpha, of {len(comparison)} in the comparison "
        "(the others not estimable)"
        if len(tested) < len(comparison)
        else f"number of the {len(tested)} compared measures ({kinds}) whose rural vs urban "
        f"{adjust}-adjusted p is below alpha"
    )
    return {"p4_measures_differing": float(significant)}, {"p4_measures_differing": definition}


def _truthy(value: object) -> bool:
    return (
        value is True
        or (isinstance(value, str) and value.strip().lower() == "true")
        or (isinstance(value, (bool, np.bool_)) and bool(value))
    )


def run_definitions(
    *,
    n_contacts: int,
    anchor: str,
    count_statuses: tuple[str, ...] | list[str],
    hours_include_collateral: bool,
    data_cutoff: str,
) -> dict[str, str]:
    """Definition texts of the descriptive figures as this run's config computed them."""
    counted = f"contacts with status {' or '.join(count_statuses)}"
    collateral = "including" if hours_include_collateral else "excluding"
    cutoff = f"open cases measured to {data_cutoff}"
    return {
        "mean_hours_per_family": f"mean hours of {counted}, {collateral} collateral; {cutoff}",
        "mean_contacts_per_family": f"mean number of {counted}; {cutoff}",
        "mean_months_of_service": f"mean of (closure or cut-off - opening) days / 30.4375; "
        f"{cutoff}",
        "hours_per_month": "mean hours per family / mean months of service",
        "mean_recovery_coaching_contacts": f"mean {counted} coded recovery_coaching (multi-label)",
        "mean_daily_living_coaching_contacts": f"mean {counted} coded daily_living_coaching "
        "(multi-label)",
        "mean_days_to_7th_contact": f"mean calendar days from {anchor.replace('_', ' ')} to "
        f"contact {n_contacts}, families reaching {n_contacts} {counted}",
        "mean_hours_first_7_contacts": f"mean hours in the first {n_contacts} {counted} "
        f"({collateral} collateral), families reaching {n_contacts}",
        "pct_mentors_stable_or_advanced": "100 x share of mentors with exit reason "
        "still_employed, promoted or left_for_advancement",
    }


def p1_p3_p6_computed(
    profile_summary: pd.DataFrame,
    early_summary: pd.DataFrame,
    workforce_summary: pd.DataFrame,
) -> dict[str, float | str]:
    """Computed values of the descriptive figures, from the overall rows of each summary.

    The inputs are the unsuppressed summaries of ``profile.summarize_profile``
    (or ``..._overall_and_sites``), ``engagement.summarize_early_engagement`` and
    ``workforce.summarize_workforce``. Figures whose measure is absent are left out; a
    figure without a value (e.g. no family reached the 7th contact) is a not-estimable note.
    """
    means = _overall(profile_summary).set_index("measure")["mean"]
    computed = {
        "mean_hours_per_family": means.get("hours"),
        "mean_contacts_per_family": means.get("contacts"),
        "mean_months_of_service": means.get("months_of_service"),
        "mean_recovery_coaching_contacts": means.get("act_recovery_coaching"),
        "mean_daily_living_coaching_contacts": means.get("act_daily_living_coaching"),
    }
    if "hours" in means and "months_of_service" in means:
        computed["hours_per_month"] = means["hours"] / means["months_of_service"]

    early = _overall(early_summary).iloc[0]
    computed["mean_days_to_7th_contact"] = early["days_to_nth_mean"]
    computed["mean_hours_first_7_contacts"] = early["hours_mean"]

    groups = workforce_summary.loc[workforce_summary["row_type"] == "outcome_group"]
    stable = groups.set_index("category")["share"].get("stable_or_advanced")
    computed["pct_mentors_stable_or_advanced"] = None if stable is None else 100 * stable
    no_value = not_estimable("no family (or mentor) has a value for this figure")
    return {
        key: no_value if np.isnan(value) else float(value)
        for key, value in computed.items()
        if value is not None
    }


def _overall(summary: pd.DataFrame) -> pd.DataFrame:
    """The overall rows of a summary, with or without a group_type column."""
    if "group_type" in summary.columns:
        return summary.loc[summary["group_type"] == "overall"]
    return summary.loc[summary["group"] == "all"]
