"""The reader's labels: one dictionary for every row and column a reader sees.

Published CSVs keep machine names (``act_recovery_coaching``, ``p_adjusted``); the
notebooks, figures and sentences show these labels instead ("Recovery coaching",
"Adjusted p"). Only the names change on the way: the values stay the published strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from peermentor.contract import ACTIVITY_COLUMNS, MODES

# Rows: family-profile measures and model terms.
MEASURE_LABELS: dict[str, str] = {
    "contacts": "Contacts",
    "attempted_contacts": "Attempted contacts",
    "no_shows": "No-shows",
    "refusals": "Refusals",
    "no_shows_or_refusals": "No-shows or refusals",
    "hours": "Contact hours",
    "months_of_service": "Months of service",
    "contacts_per_month": "Contacts per month",
    "hours_per_month": "Contact hours per month",
    "face_to_face_with_children": "Face-to-face contacts with the children",
    "face_to_face_with_children_per_month": "Face-to-face contacts with the children per month",
    "no_shows_or_refusals_per_month": "No-shows or refusals per month",
    "with_parent": "Contacts with a parent",
    "with_children": "Contacts with the children",
    "collateral": "Collateral contacts (on behalf of the family)",
    "early_days_to_nth": "Days to the Nth contact",
    "early_hours": "Hours in the first N contacts",
    # "Other activity": not to be confused with the contact mode "other".
    **{col: col[4:].replace("_", " ").capitalize() for col in ACTIVITY_COLUMNS},
    "act_other": "Other activity",
    **{f"mode_{mode}": "Mode: " + mode.replace("_", " ") for mode in MODES},
}

# Columns of the published tables.
COLUMN_LABELS: dict[str, str] = {
    "measure": "Measure",
    "term": "Term",
    "figure": "Figure",
    "analysis": "Analysis",
    "published": "Published",
    "computed": "This run",
    "difference": "Difference",
    "definition": "Definition",
    "n_families": "Families",
    "n_receiving": "Receiving",
    "n_not_receiving": "Not receiving",
    "share_receiving": "Share receiving",
    "n_contacts": "N contacts",
    "n_reached": "Reached N",
    "n_not_reached": "Not reached N",
    "share_reached": "Share reaching N",
    "days_to_nth_mean": "Days to Nth, mean",
    "days_to_nth_median": "Days to Nth, median",
    "hours_mean": "Hours, mean",
    "mean": "Mean",
    "sd": "SD",
    "median": "Median",
    "q1": "Q1",
    "q3": "Q3",
    "min": "Min",
    "max": "Max",
    "n_rural": "Rural n",
    "n_urban": "Urban n",
    "median_rural": "Rural median",
    "median_urban": "Urban median",
    "effect": "Effect",
    "effect_low": "Effect, low",
    "effect_high": "Effect, high",
    "statistic": "Statistic",
    "p_value": "p",
    "p_adjusted": "Adjusted p",
    "significant": "Significant",
    "note": "Note",
    "se_variant": "SE variant",
    "odds_ratio": "Odds ratio",
    "or_low": "OR, low",
    "or_high": "OR, high",
    "n": "n",
    "events": "Events",
    "clusters": "Clusters",
    "row_type": "Row",
    "category": "Category",
    "count": "Count",
    "share": "Share",
    "ci_low": "CI, low",
    "ci_high": "CI, high",
    "tenure_mean_months": "Tenure, mean months",
}

# Categories of the workforce table (P6).
CATEGORY_LABELS: dict[str, str] = {
    "all": "All mentors",
    "stable_or_advanced": "Stable or advanced",
    "challenge": "Exit through a challenge",
    "other_exit": "Other exit",
}

# Columns whose cells are row names (measures, terms, categories) rather than values.
ROW_NAME_COLUMNS: tuple[str, ...] = ("measure", "term", "row_type", "category")


def measure_label(measure: str) -> str:
    """Reader's label of a family-profile measure, model term or table category."""
    if measure in MEASURE_LABELS or measure in CATEGORY_LABELS:
        return MEASURE_LABELS.get(measure) or CATEGORY_LABELS[measure]
    category = re.fullmatch(r"C\((\w+)[^)]*\)\[T\.(.+)\]", measure)
    if category:
        return f"{category.group(1).capitalize()}: {category.group(2).replace('_', ' ')}"
    factor = re.fullmatch(r"C\((\w+)[^)]*\)", measure)  # a whole term, e.g. left out of a fit
    if factor:
        return factor.group(1).capitalize()
    return measure.replace("_", " ").capitalize()


def column_label(column: str) -> str:
    """Reader's label of a published column (its machine name, readable, when unlisted)."""
    return COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())


def labelled(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The selected columns with readable column labels and row names (measures, terms);
    every other cell exactly as given."""
    table = table[list(columns)] if columns is not None else table
    out = table.copy()
    for column in ROW_NAME_COLUMNS:
        if column in out.columns:
            out[column] = [measure_label(str(v)) for v in out[column]]
    extra = extra or {}
    return out.rename(columns=lambda c: extra.get(c) or column_label(str(c)))
