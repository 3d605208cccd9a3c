"""Reader-facing wording and published values: helpers of the notebooks and the figures.

The notebooks only read result files and call these functions (and ``figures``), so
every sentence they print is computed here and tested. They read the PUBLISHED tables
(CSV, disclosure control applied) and never undo a suppression: a marker such as "<11"
or "[c]" is shown as it is, and a sentence built on a suppressed value says so.
The one row-level input, the family profile, is only plotted (the site notebook), never
tabulated.

``strip_volatile`` removes what makes two executions of the same notebook differ
(papermill's and nbclient's timestamps and durations); ``peermentor.report.render`` applies it
to every executed notebook before writing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from peermentor.analysis import clusters as clusters_module
from peermentor.analysis.estimable import is_not_estimable, not_estimable
from peermentor.publish.disclosure import is_marker

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
    factor = re.fullmatch(r"C\((\w+)[^)]*\)", measure)  # a whole term, e.g. left out of a fit
    if factor:
        return factor.group(1).capitalize()
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
    """Markdown bullets: each published figure of ``analysis`` (P1..P6) beside this run's.

    A figure this run could not compute shows its ``not estimable: <reason>`` note; a
    claim the paper states without a number (P4) is said to be one."""
    rows = replication[replication["analysis"] == analysis]
    if rows.empty:
        return f"No published figure of {analysis} is in the replication table."
    return "\n".join(_replication_bullet(row) for row in rows.itertuples(index=False))


def _replication_bullet(row) -> str:
    published = _published(row.published)
    published = "a claim without a number" if published == CLAIM else f"{published} published"
    note = computed_note(row)
    if note:
        return f"- **{row.figure}**: {note} in this run; {published}"
    if is_marker(row.computed) or as_number(row.published) is None:
        return f"- **{row.figure}**: {shown(row.computed)} in this run; {published}"
    return (
        f"- **{row.figure}**: {shown(row.computed)} in this run; {published}"
        f" (difference {shown(row.difference)})"
    )


CLAIM = "claim (no number)"


def _published(value: object) -> str:
    """A published figure as the paper gives it; the P4 claim has no number."""
    number = as_number(value)
    return CLAIM if number is None else f"{number:g}"


def computed_note(row) -> str:
    """The row's ``not estimable: <reason>`` note when its statistic was not computed."""
    note = getattr(row, "note", "")
    estimable = getattr(row, "estimable", True)
    if isinstance(note, str) and is_not_estimable(note):
        return note
    if not is_true(estimable) and estimable is not True:
        return not_estimable("not computed in this run")
    return ""


def replication_rows(replication: pd.DataFrame, analysis: str | None = None) -> pd.DataFrame:
    """The replication table (one analysis, or all) formatted for reading; a figure not
    computed shows its not-estimable note in ``computed``."""
    rows = replication if analysis is None else replication[replication["analysis"] == analysis]
    columns = REPLICATION_COLUMNS if analysis else ("analysis", *REPLICATION_COLUMNS)
    table = format_table(rows, columns)
    table["published"] = [_published(value) for value in rows["published"]]
    notes = [computed_note(row) for row in rows.itertuples(index=False)]
    table["computed"] = [n or c for n, c in zip(notes, table["computed"], strict=True)]
    return table


def overall_rows(summary: pd.DataFrame, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """The overall rows of a published summary (service profile, early engagement)."""
    rows = summary[summary["group_type"] == "overall"]
    if measures is not None and "measure" in rows.columns:
        rows = rows[rows["measure"].isin(measures)]
    return rows


def rural_urban_answer(comparison: pd.DataFrame, clustering: pd.DataFrame) -> str:
    """What the P4 tables say: significant measures at family level, and how many of them
    survive the site-level sensitivity analysis. A comparison no measure could make
    (one stratum) says ``not estimable: <reason>``; a site-level test that cannot reach
    alpha says so in words, and one that did not run gives its reason."""
    untested = _common_note(comparison)
    if untested:
        return f"Rural versus urban families: {untested}. No comparison was computed."
    continuous = comparison[comparison["kind"] == "continuous"]
    shares = comparison[comparison["kind"] == "share_receiving"]
    adjust = _first(comparison, "adjust", "adjusted")
    sentences = [
        _significant_sentence(continuous, "service measures (distributions)", adjust),
        _significant_sentence(shares, "shares of families receiving a service", adjust),
        site_sensitivity_sentence(clustering),
    ]
    return " ".join(s for s in sentences if s)


def site_sensitivity_sentence(clustering: pd.DataFrame) -> str:
    """The site-level sensitivity analysis in one or two sentences, from the published
    clustering table; never a number the test did not compute."""
    ran = clustering[clustering["p_permutation"].map(as_number).notna()]
    if ran.empty:
        reason = _common_note(clustering) or not_estimable("no measure could be permuted")
        return f"Site-level sensitivity analysis (rurality permuted across sites): {reason}."
    first = ran.iloc[0]
    sites = f"{shown(first['n_sites'])} sites ({shown(first['n_rural_sites'])} rural)"
    if is_true(first.get("exact")):
        how = f"all {shown(first['n_assignments'])} assignments enumerated"
    else:
        how = (
            f"{shown(first['n_permutations_drawn'])} of {shown(first['n_assignments'])} "
            "assignments drawn at random (seeded Monte Carlo, p = (1 + extreme) / (1 + draws))"
        )
    survives = int(ran["survives_clustering"].map(is_true).sum())
    sentence = (
        f"{survives} of {len(ran)} measures tested at site level also differ when rurality "
        f"is permuted across the {sites}; {how}; smallest attainable p = "
        f"{shown(first['min_attainable_p'])}."
    )
    if not is_true(first["permutation_can_reach_alpha"]):
        sentence += (
            f" With {sites} the site-level test cannot reach alpha {_published(first['alpha'])}: "
            "no measure can survive it, whatever the data."
        )
    skipped = len(clustering) - len(ran)
    if skipped:
        sentence += f" {skipped} measure(s) were not tested at site level (see the table's note)."
    return sentence


def _common_note(table: pd.DataFrame) -> str:
    """The not-estimable note every row shares (e.g. one stratum), or ""."""
    if table.empty or "note" not in table.columns:
        return "" if not table.empty else not_estimable("no rows")
    notes = table["note"].map(lambda n: n if is_not_estimable(n) else "")
    return notes.iloc[0] if (notes != "").all() and notes.nunique() == 1 else ""


def _significant_sentence(rows: pd.DataFrame, what: str, adjust: str) -> str:
    tested = rows["p_adjusted"].map(as_number).notna()
    if not tested.any():
        note = _common_note(rows) or not_estimable("no measure could be tested")
        return f"Rural versus urban {what}: {note}." if len(rows) else ""
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
    """The best predictor by drop-one likelihood ratio, and the visit gap with its CI.

    Terms the model was fitted without are named with their note; a ranking or a gap
    that was not computed says ``not estimable: <reason>``."""
    return " ".join([_ranking_sentence(ranking), _gap_sentence(visit_gap)])


def _ranking_sentence(ranking: pd.DataFrame) -> str:
    ranked = ranking[ranking["rank"].map(as_number).notna()]
    dropped = ranking[ranking["note"].map(is_not_estimable)] if "note" in ranking else ranking[:0]
    left_out = "".join(
        f" {measure_label(row.term)}: {row.note}." for row in dropped.itertuples(index=False)
    )
    if ranked.empty:
        reason = _common_note(ranking) or not_estimable("no predictor could be ranked")
        return f"Predictor ranking: {reason}.{left_out}"
    best = ranked.sort_values("rank", key=lambda r: r.map(as_number)).iloc[0]
    predictor = _lowercase(measure_label(best["term"]))
    return (
        f"The strongest predictor of unification (largest drop-one likelihood-ratio chi-square, "
        f"{shown(best['lr_chi2'])} on {shown(best['df'])} df) is **{predictor}**.{left_out}"
    )


def _gap_sentence(visit_gap: pd.DataFrame) -> str:
    gap = visit_gap.iloc[0]
    measure = _lowercase(measure_label(gap["measure"]))
    difference = gap["difference"]
    if not is_marker(difference) and as_number(difference) is None:
        reason = not_estimable("no closed family in one outcome group (unified or separated)")
        return f"The gap in {measure} between unified and separated families: {reason}."
    interval = (
        f"95 % CI {shown(gap['ci_low'])} to {shown(gap['ci_high'])}"
        if as_number(gap["ci_low"]) is not None or is_marker(gap["ci_low"])
        else "95 % CI " + not_estimable("too few families in an outcome group")
    )
    return (
        f"Unified families had {shown(difference)} more {measure} than separated "
        f"families ({interval}; "
        f"{shown(gap['n_unified'])} unified, {shown(gap['n_separated'])} separated closed cases)."
    )


COEFFICIENT_COLUMNS: tuple[str, ...] = (
    "term", "se_variant", "odds_ratio", "or_low", "or_high", "p_value", "n", "events",
    "clusters", "note",
)  # fmt: skip


def primary_coefficients(coefficients: pd.DataFrame, model: str = "primary") -> pd.DataFrame:
    """Odds ratios of one model (each variance it reports: CR1 and the CR3 jackknife),
    intercept dropped, formatted for reading; a term the model was fitted without keeps
    its row with blank numbers and its note."""
    rows = coefficients[(coefficients["model"] == model) & (coefficients["term"] != "Intercept")]
    columns = [c for c in COEFFICIENT_COLUMNS if c in rows.columns]
    return format_table(rows, columns)


def inference_answer(coefficients: pd.DataFrame, model: str = "primary") -> str:
    """Which clustered inference the text relies on, from the number of mentor clusters:
    CR1 with many mentors; the CR3 jackknife (t(G-1)) with few (or a suppressed count,
    which means fewer than the minimum cell size); none with too few."""
    rows = coefficients[coefficients["model"] == model]
    if rows.empty or "se_variant" not in rows.columns:
        return f"Model {model}: " + not_estimable("no coefficients")
    first = rows.iloc[0]
    clusters, count = first["clusters"], as_number(first["clusters"])
    if count is None and not is_marker(clusters):
        return f"Model {model}: " + str(first.get("note") or not_estimable("the fit failed"))
    relied = clusters_module.CR3 if count is None else clusters_module.relied_on(int(count))
    with_count = f"{shown(clusters)} mentor clusters"
    if relied == clusters_module.CR1:
        return (
            f"The {model} model has {with_count}: its intervals use {clusters_module.CR1}; "
            f"the {clusters_module.CR3} rows beside them agree or show how much they depend "
            "on single mentors."
        )
    jackknife = rows[rows["se_variant"] == clusters_module.CR3]
    estimable = jackknife["estimable"].map(is_true) if len(jackknife) else jackknife
    if len(jackknife) == 0 or not estimable.any():
        note = _common_note(rows[rows["term"] != "Intercept"]) or not_estimable(
            "too few mentor clusters for clustered inference"
        )
        return f"The {model} model has {with_count}: clustered inference {note}."
    return (
        f"The {model} model has only {with_count}, too few for the usual cluster-robust "
        f"SEs ({clusters_module.CR1}), which are then too small: read the "
        f"{clusters_module.CR3} rows (t intervals with mentors - 1 degrees of freedom; "
        "MacKinnon, Nielsen & Webb 2023)."
    )


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
    from peermentor.publish.disclosure import suppress_small_cells

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
