"""The study notebook's answers: replication (P1-P6), rural versus urban (P4), outcomes
(P5) and which clustered inference the text relies on; never a number a table suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from peermentor.analysis import clusters as clusters_module
from peermentor.analysis.estimable import is_not_estimable, not_estimable
from peermentor.publish.disclosure import is_marker
from peermentor.notebooks.labels import measure_label
from peermentor.notebooks.values import (
    as_number,
    format_table,
    is_true,
    shown,
)

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
    """A published figure as the table holds it; the P4 claim has no number."""
    number = as_number(value)
    if number is None:
        return CLAIM
    return value if isinstance(value, str) else f"{number:g}"


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
    notes = [computed_note(row) for row in rows.itertuples(index=False)]
    rows = rows.assign(
        published=[_published(value) for value in rows["published"]],
        computed=[n or c for n, c in zip(notes, rows["computed"], strict=True)],
    )
    return format_table(rows, columns)


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
