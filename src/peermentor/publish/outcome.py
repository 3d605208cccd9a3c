"""Publishing the outcome models (P5): small counts suppressed, every statistic rounded.

``diagnostics_table`` (analysis) lists the families excluded before each model; like every
published count below ``disclosure.min_cell_size`` they are suppressed
(``disclosure.suppress_small_cells``) before results/models/diagnostics.csv is written.
The coefficients, the predictor ranking and the visit gap go through the same precision
as every other public table (``publish_model_table``, ``MODEL_KINDS``), and
``readable_summary`` replaces statsmodels' full-precision text in the public report (that
text, with its exact counts, stays in the audit report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from peermentor.analysis.outcome import FitResult, diagnostics_table, exclusions_table
from peermentor.publish.disclosure import round_published, suppress_small_cells

#: Precision kinds of the model tables' columns the name prefixes would misread: log-odds
#: coefficients, SEs, LR chi2 and degrees of freedom; the visit gap is in contacts (a mean
#: difference, its CI too), not a share.
MODEL_KINDS: dict[str, str] = {
    "coef": "coefficient",
    "se": "coefficient",
    "lr_chi2": "coefficient",
    "welch_df": "coefficient",
    "standardized_or": "ratio",
    "difference": "mean",
    "ci_low": "mean",
    "ci_high": "mean",
}


def publish_diagnostics(
    fits: list[FitResult], frame: pd.DataFrame, formula: str, *, min_cell_size: int
) -> pd.DataFrame:
    """``diagnostics_table`` with the excluded families below ``min_cell_size`` suppressed."""
    excluded = suppress_small_cells(
        exclusions_table(fits), count_columns=["families"], min_cell_size=min_cell_size
    ).drop(columns="suppressed")
    return diagnostics_table(fits, frame, formula, excluded=excluded)


def publish_model_table(
    table: pd.DataFrame,
    *,
    counts: Sequence[str] = (),
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """A model table with its small ``counts`` suppressed and every statistic rounded."""
    if counts:
        table = suppress_small_cells(table, count_columns=list(counts), min_cell_size=min_cell_size)
    return round_published(table, decimals, MODEL_KINDS)


SUMMARY_COLUMNS: dict[str, str] = {
    "term": "term",
    "se_variant": "variance",
    "odds_ratio": "OR",
    "or_low": "OR low",
    "or_high": "OR high",
    "p_value": "p",
    "note": "note",
}


def readable_summary(coefficients: pd.DataFrame) -> str:
    """The public model summary: per model, what was fitted on how many (counts as
    published, small ones suppressed) and its odds ratios with 95 % CIs and p-values,
    every cell the published coefficients table's text (``format_published``)."""
    blocks = []
    for model, rows in coefficients.groupby("model", sort=False):
        first = rows.iloc[0]
        head = (
            f"Model: {model}\nMethod: {first['method']}; covariance: {first['cov_type']}\n"
            f"Closed cases: {_cell(first['n'])}; unified: {_cell(first['events'])}; "
            f"clusters: {_cell(first['clusters'])}"
        )
        terms = rows[rows["term"] != "Intercept"]
        columns = [c for c in SUMMARY_COLUMNS if c in terms.columns]
        body = (
            terms[columns].map(_cell).rename(columns=SUMMARY_COLUMNS).to_string(index=False)
            if len(terms)
            else "(no terms)"
        )
        blocks.append(f"{head}\n\n{body}\n")
    return "\n".join(blocks) if blocks else "(no model)\n"


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None or pd.isna(value) else str(value)
