"""Reading the published tables: their paths, their values (markers stay as they are),
reader's labels, and the formatting of a cell or a value inside a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from peermentor.io import read_published
from peermentor.publish.disclosure import is_marker
from peermentor.notebooks.labels import labelled

# Published tables the study notebook reads: its parameter names and default paths (the
# workflow passes every path explicitly, so the notebook reads exactly its rule's inputs).
STUDY_TABLES: dict[str, str] = {
    "replication": "results/tables/replication.csv",
    "service_profile": "results/tables/service_profile.csv",
    "early_engagement": "results/tables/early_engagement.csv",
    "rural_urban": "results/tables/rural_urban.csv",
    "rural_urban_clustering": "results/tables/rural_urban_clustering.csv",
    "workforce": "results/tables/workforce.csv",
    "coefficients": "results/models/coefficients.csv",
    "predictor_ranking": "results/models/predictor_ranking.csv",
    "visit_gap": "results/models/visit_gap.csv",
}
# Figures (PNG) the study notebook embeds: parameter names and default paths.
STUDY_FIGURES: dict[str, str] = {
    "fig_service_distribution": "results/figures/service_distribution.png",
    "fig_service_mix": "results/figures/service_mix.png",
    "fig_early_engagement": "results/figures/early_engagement.png",
    "fig_rural_urban": "results/figures/rural_urban.png",
    "fig_odds_ratios": "results/figures/odds_ratios.png",
    "fig_unification_curve": "results/figures/unification_curve.png",
    "fig_workforce_exits": "results/figures/workforce_exits.png",
}


# --- reading ---------------------------------------------------------------------------


def read_study_tables(paths: Mapping[str, str | Path]) -> dict[str, pd.DataFrame]:
    """The published tables (name -> path), read as written (``read_published``)."""
    missing = sorted(name for name in STUDY_TABLES if name not in paths)
    if missing:
        raise KeyError(f"no path given for table(s) {missing}")
    return {name: read_published(path) for name, path in paths.items()}


# --- values of published tables, and labels ---------------------------------------------


def as_number(value: object) -> float | None:
    """A finite number, or None for markers, blanks and NaN."""
    if isinstance(value, bool) or value is None or is_marker(value):
        return None
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) or not np.isfinite(number) else float(number)


def is_true(value: object) -> bool:
    """True for True / "True" (a boolean read back from CSV); False for False, NaN, blank."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return isinstance(value, str) and value.strip().lower() == "true"


# --- formatting ------------------------------------------------------------------------


def format_value(value: object, digits: int = 3) -> str:
    """A table cell for reading. Text (a published cell, read by ``read_published``) as it
    is: the publish step printed it at the policy's precision. Booleans yes / no; a number
    computed here (a count of rows) as a whole number or to ``digits`` significant
    digits; blanks for missing values. No thousands separators: the published tables have
    none, and a count in a sentence reads as it does in its table."""
    if isinstance(value, str):
        return {"True": "yes", "False": "no"}.get(value, value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    number = as_number(value)
    if number is None:
        return ""  # NaN, NA, None blank
    if number == round(number) and abs(number) < 1e15:
        return f"{number:.0f}"
    if abs(number) < 10 ** -(digits - 1) or abs(number) >= 1e15:
        return f"{number:.{digits}g}"  # p-values and the like: 1.46e-26
    # Fixed decimals for ``digits`` significant digits, kept when they are zeros (14.0, not 14).
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(number)))))
    return f"{number:.{decimals}f}"


def format_table(
    table: pd.DataFrame, columns: Sequence[str] | None = None, digits: int = 3
) -> pd.DataFrame:
    """Selected columns as display strings (see ``format_value``), with the reader's
    labels for columns and row names (``labels``), index reset."""
    table = table[list(columns)] if columns is not None else table
    shown_table = labelled(table.map(lambda v: format_value(v, digits)))
    shown_table.index = [""] * len(shown_table)  # row numbers mean nothing to a reader
    return shown_table


def shown(value: object, digits: int = 3) -> str:
    """A value inside a sentence: "suppressed (<11)" for a marker."""
    if is_marker(value):
        return f"suppressed ({value})"
    return format_value(value, digits)
