"""Reader-facing wording and published values: helpers of the notebooks and the figures.

The notebooks only read result files and call these functions (and ``figures``), so
every sentence they print is computed here and tested. They read the PUBLISHED tables
(CSV, disclosure control applied) and never undo a suppression: a marker such as "<11"
or "[c]" is shown as it is, and a sentence built on a suppressed value says so.
The one row-level input, the family profile, is only plotted (the site notebook), never
tabulated.

``strip_volatile`` removes what makes two executions of the same notebook differ
(papermill's and nbclient's timestamps and durations); ``peermentor.render`` applies it
to every executed notebook before writing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from peermentor.publish import COMPLEMENTARY_MARKER

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
    "fig_odds_ratios": "results/figures/odds_ratios.png",
    "fig_unification_curve": "results/figures/unification_curve.png",
    "fig_workforce_exits": "results/figures/workforce_exits.png",
}
QUARANTINE_TABLES: tuple[str, ...] = ("families", "contacts", "mentors")

# Timing fields: papermill's (notebook and cell metadata) and nbclient's (cell metadata).
VOLATILE_PAPERMILL_KEYS: tuple[str, ...] = ("start_time", "end_time", "duration")
VOLATILE_CELL_KEYS: tuple[str, ...] = ("execution",)
INJECTED_TAG = "injected-parameters"  # papermill's tag of the cell it adds


# --- reading ---------------------------------------------------------------------------


def read_study_tables(paths: Mapping[str, str | Path]) -> dict[str, pd.DataFrame]:
    """The published tables (name -> path), read as written: markers stay strings."""
    missing = sorted(name for name in STUDY_TABLES if name not in paths)
    if missing:
        raise KeyError(f"no path given for table(s) {missing}")
    return {name: pd.read_csv(path) for name, path in paths.items()}


# --- values of published tables, and labels ---------------------------------------------


def is_marker(value: object) -> bool:
    """A suppression marker of the publish step ("<11", "[c]")."""
    return isinstance(value, str) and (value.startswith("<") or value == COMPLEMENTARY_MARKER)


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


def measure_label(measure: str) -> str:
    """Reader's label of a family-profile measure or model term."""
    special = {
        "contacts": "Contacts",
        "hours": "Contact hours",
        "no_shows_or_refusals": "No-shows or refusals",
        "face_to_face_with_children": "Face-to-face contacts with the children",
        "face_to_face_with_children_per_month": "Face-to-face contacts with the children per month",
        "no_shows_or_refusals_per_month": "No-shows or refusals per month",
        "early_days_to_nth": "Days to the Nth contact",
        "early_hours": "Hours in the first N contacts",
        "collateral": "Collateral contacts (on behalf of the family)",
        "with_parent": "Contacts with a parent",
        "with_children": "Contacts with the children",
    }
    if measure in special:
        return special[measure]
    if measure == "act_other":
        return "Other activity"  # not to be confused with mode_other
    category = re.fullmatch(r"C\((\w+)[^)]*\)\[T\.(.+)\]", measure)
    if category:
        return f"{category.group(1).capitalize()}: {category.group(2).replace('_', ' ')}"
    for prefix, name in (("act_", ""), ("mode_", "Mode: ")):
        if measure.startswith(prefix):
            return name + measure[len(prefix) :].replace("_", " ").capitalize()
    return measure.replace("_", " ").capitalize()


# --- formatting ------------------------------------------------------------------------


def format_value(value: object, digits: int = 3) -> str:
    """A table cell for reading: markers as they are, whole numbers with separators,
    other numbers to ``digits`` significant digits, blanks for missing values."""
    if is_marker(value):
        return str(value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    number = as_number(value)
    if number is None:
        return value if isinstance(value, str) else ""  # text as is; NaN, NA, None blank
    if number == round(number) and abs(number) < 1e15:
        return f"{number:,.0f}"
    if abs(number) < 10 ** -(digits - 1) or abs(number) >= 1e15:
        return f"{number:.{digits}g}"  # p-values and the like: 1.46e-26
    # Fixed decimals for ``digits`` significant digits, kept when they are zeros (14.0, not 14).
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(number)))))
    return f"{number:,.{decimals}f}"


def format_table(
    table: pd.DataFrame, columns: Sequence[str] | None = None, digits: int = 3
) -> pd.DataFrame:
    """Selected columns as display strings (see ``format_value``), index reset."""
    table = table[list(columns)] if columns is not None else table
    shown_table = table.map(lambda v: format_value(v, digits))
    shown_table.index = [""] * len(shown_table)  # row numbers mean nothing to a reader
    return shown_table


def shown(value: object, digits: int = 3) -> str:
    """A value inside a sentence: "suppressed (<11)" for a marker."""
    if is_marker(value):
        return f"suppressed ({value})"
    return format_value(value, digits)


# --- the study notebook ----------------------------------------------------------------

REPLICATION_COLUMNS: tuple[str, ...] = (
    "figure",
    "published",
    "computed",
    "difference",
    "definition",
)


def replication_answer(replication: pd.DataFrame, analysis: str) -> str:
    """Markdown bullets: each published figure of ``analysis`` (P1..P6) beside this run's."""
    rows = replication[replication["analysis"] == analysis]
    if rows.empty:
        return f"No published figure of {analysis} is in the replication table."
    return "\n".join(
        f"- **{row.figure}**: {shown(row.computed)} in this run; {row.published:g} published"
        + ("" if is_marker(row.computed) else f" (difference {shown(row.difference)})")
        for row in rows.itertuples(index=False)
    )


def replication_rows(replication: pd.DataFrame, analysis: str | None = None) -> pd.DataFrame:
    """The replication table (one analysis, or all) formatted for reading."""
    rows = replication if analysis is None else replication[replication["analysis"] == analysis]
    columns = REPLICATION_COLUMNS if analysis else ("analysis", *REPLICATION_COLUMNS)
    table = format_table(rows, columns)
    table["published"] = [f"{value:g}" for value in rows["published"]]  # as the paper gives it
    return table


def overall_rows(summary: pd.DataFrame, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """The overall rows of a published summary (service profile, early engagement)."""
    rows = summary[summary["group_type"] == "overall"]
    if measures is not None and "measure" in rows.columns:
        rows = rows[rows["measure"].isin(measures)]
    return rows


def rural_urban_answer(comparison: pd.DataFrame, clustering: pd.DataFrame) -> str:
    """What the P4 tables say: significant measures at family level, and how many of them
    survive the site-level sensitivity analysis."""
    continuous = comparison[comparison["kind"] == "continuous"]
    shares = comparison[comparison["kind"] == "share_receiving"]
    adjust = _first(comparison, "adjust", "adjusted")
    sentences = [
        _significant_sentence(continuous, "service measures (distributions)", adjust),
        _significant_sentence(shares, "shares of families receiving a service", adjust),
    ]
    survives = clustering["survives_clustering"].map(is_true)
    sentences.append(
        f"{int(survives.sum())} of {len(clustering)} measures also differ when rurality is "
        f"permuted across the {shown(_first(clustering, 'n_sites', '?'))} sites (the site-level "
        f"sensitivity analysis; smallest attainable p = "
        f"{shown(_first(clustering, 'min_attainable_p', '?'))})."
    )
    return " ".join(sentences)


def _significant_sentence(rows: pd.DataFrame, what: str, adjust: str) -> str:
    tested = rows["p_adjusted"].notna()
    significant = rows[rows["significant"].map(is_true)]
    names = ", ".join(_lowercase(measure_label(m)) for m in significant["measure"])
    listed = f": {names}" if names else ""
    return (
        f"{len(significant)} of {int(tested.sum())} tested {what} differ between rural and "
        f"urban families after {adjust} adjustment{listed}."
    )


def _lowercase(label: str) -> str:
    """A label inside a sentence: first letter lowercased only (keeps "N", "GEE")."""
    return label[:1].lower() + label[1:]


def _first(table: pd.DataFrame, column: str, default: object) -> object:
    values = table[column].dropna() if column in table.columns else pd.Series(dtype=object)
    return values.iloc[0] if len(values) else default


def outcome_answer(ranking: pd.DataFrame, visit_gap: pd.DataFrame) -> str:
    """The best predictor by drop-one likelihood ratio, and the visit gap with its CI."""
    best = ranking.sort_values("rank").iloc[0]
    gap = visit_gap.iloc[0]
    predictor, measure = (_lowercase(measure_label(m)) for m in (best["term"], gap["measure"]))
    return (
        f"The strongest predictor of unification (largest drop-one likelihood-ratio chi-square, "
        f"{shown(best['lr_chi2'])} on {shown(best['df'])} df) is **{predictor}**. Unified "
        f"families had {shown(gap['difference'])} more {measure} than separated "
        f"families (95 % CI {shown(gap['ci_low'])} to {shown(gap['ci_high'])}; "
        f"{shown(gap['n_unified'])} unified, {shown(gap['n_separated'])} separated closed cases)."
    )


def primary_coefficients(coefficients: pd.DataFrame, model: str = "primary") -> pd.DataFrame:
    """Odds ratios of one model, intercept dropped, formatted for reading."""
    rows = coefficients[(coefficients["model"] == model) & (coefficients["term"] != "Intercept")]
    columns = ["term", "odds_ratio", "or_low", "or_high", "p_value", "n", "events", "clusters"]
    return format_table(rows, columns)


# --- the site notebook -----------------------------------------------------------------


def site_rows(summary: pd.DataFrame, site_id: str) -> pd.DataFrame:
    """A published summary's rows of one site (group_type "site", group = site_id)."""
    return summary[(summary["group_type"] == "site") & (summary["group"].astype(str) == site_id)]


def site_reconciliation(
    reconciliation: pd.DataFrame, site_id: str, min_cell_size: int | None = None
) -> pd.DataFrame:
    """Rows in, kept and quarantined per table of one site, and the quarantine reasons used.

    With ``min_cell_size`` the counts are published: rows of the families and mentors
    tables are counts of families and mentors, so small ones are suppressed (with
    complementary cells, since read = kept + quarantined). ``balanced`` is computed
    from the full counts and still shows whether the site reconciles.
    """
    rows = reconciliation[reconciliation["site_id"].astype(str) == site_id]
    reasons = [c for c in rows.columns if c.startswith("quarantined_") and rows[c].sum() > 0]
    table = rows[["table", "rows_read", "rows_kept", "rows_quarantined", "balanced", *reasons]]
    if min_cell_size is None:
        return table
    from peermentor.publish import suppress_small_cells

    groups = {"rows_read": ["rows_kept", "rows_quarantined"]}
    if reasons:  # a clean site has no reason columns: no group of reasons to protect
        groups["rows_quarantined"] = reasons
    return suppress_small_cells(
        table.reset_index(drop=True),
        count_columns=["rows_read", "rows_kept", "rows_quarantined", *reasons],
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
    from peermentor.publish import suppress_small_cells

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
        return f"fewer than {min_cell_size}" if 0 < k < min_cell_size else f"{k:,}"

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


# --- executed notebooks: volatile fields -------------------------------------------------


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between two executions of one notebook, in place.

    - papermill's start_time, end_time and duration (notebook and cell metadata);
    - nbclient's per-cell ``execution`` timestamps;
    - the random id papermill gives the cell it injects (HTML anchors are cell ids):
      it becomes "injected-parameters".
    """
    _drop(notebook.metadata.get("papermill", {}), VOLATILE_PAPERMILL_KEYS)
    for cell in notebook.cells:
        _drop(cell.metadata, VOLATILE_CELL_KEYS)
        _drop(cell.metadata.get("papermill", {}), VOLATILE_PAPERMILL_KEYS)
        if INJECTED_TAG in cell.metadata.get("tags", []) and "id" in cell:
            cell.id = INJECTED_TAG
    return notebook


def _drop(mapping, keys: Sequence[str]) -> None:
    for key in keys:
        mapping.pop(key, None)
