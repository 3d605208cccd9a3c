"""Tidy tables of the fitted outcome models (P5): coefficients with their variance
variant, the clustered inference used, and the replication figures.

Kept apart from ``fit`` (fitting) so each module stays short. See ``clusters`` for CR1
vs the CR3 cluster jackknife.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis import clusters as cl
from peermentor.analysis.estimable import not_estimable
from peermentor.analysis.outcome.fit import FitResult

TIDY_COLUMNS: tuple[str, ...] = (
    "model",
    "term",
    "coef",
    "se",
    "odds_ratio",
    "or_low",
    "or_high",
    "p_value",
    "n",
    "events",
    "clusters",
    "cov_type",
    "converged",
    "method",
    "se_variant",
    "estimable",
    "note",
)


def tidy_coefficients(fits: list[FitResult], alpha: float = 0.05) -> pd.DataFrame:
    """One row per model and term, models in ``fits`` order, terms in design order.

    Odds ratios and their (1 - alpha) Wald intervals are exp(coef) and exp(CI) on
    the model's own covariance (``cov_type``, named in ``se_variant``). Full
    precision: the writer rounds. Terms left out of a fit (``FitResult.dropped``)
    follow its rows with blank numbers, ``estimable`` False and the reason in
    ``note``; a failed fit gives one row with term "(not estimated)" and the real
    cause of the failure. With fewer than ``clusters.MIN_CLUSTERS`` mentors the
    clustered SEs, CIs and p-values are blank and say why. After all models, the
    CR3 cluster-jackknife rows of each clustered ML fit (``se_variant`` CR3; t(G-1)
    intervals).
    """
    rows = []
    for fit in fits:
        rows += _model_rows(fit, alpha)
    for fit in fits:
        rows += _jackknife_rows(fit, alpha)
    table = pd.DataFrame(rows, columns=list(TIDY_COLUMNS))
    table["clusters"] = table["clusters"].astype("Int64")
    table["estimable"] = table["estimable"].astype(bool)
    table["note"] = table["note"].fillna("")
    return table


def _common(fit: FitResult, variant: str) -> dict:
    return {
        "model": fit.name,
        "n": fit.n,
        "events": fit.events,
        "clusters": fit.clusters,
        "cov_type": fit.cov_type,
        "converged": fit.converged,
        "method": fit.method,
        "se_variant": variant,
        "estimable": True,
        "note": "",
    }


def _variant(fit: FitResult) -> str:
    if fit.cov_type == "cluster":
        return cl.CR1
    return "GEE robust sandwich" if fit.cov_type == "gee-robust" else cl.NAIVE


def _model_rows(fit: FitResult, alpha: float) -> list[dict]:
    common = _common(fit, _variant(fit))
    if fit.result is None:
        failure = next((w for w in reversed(fit.warnings) if "failed" in w), "fit failed")
        note = not_estimable(failure)
        return [{**common, "term": "(not estimated)", "estimable": False, "note": note}]
    res = fit.result
    ci = np.asarray(res.conf_int(alpha), dtype=float)
    few = cl.too_few_clusters(fit.clusters) if fit.cov_type == "cluster" else None
    rows = []
    for i, term in enumerate(res.params.index):
        coef = float(res.params.iloc[i])
        row = {**common, "term": term, "coef": coef, "odds_ratio": float(np.exp(coef))}
        if few:
            row |= {"estimable": False, "note": not_estimable(few)}
        else:
            row |= {
                "se": float(res.bse.iloc[i]),
                "or_low": float(np.exp(ci[i, 0])),
                "or_high": float(np.exp(ci[i, 1])),
                "p_value": float(res.pvalues.iloc[i]),
            }
        rows.append(row)
    return rows + _dropped_rows(fit, common)


def _dropped_rows(fit: FitResult, common: dict) -> list[dict]:
    return [
        {**common, "term": term, "estimable": False, "note": not_estimable(reason)}
        for term, reason in fit.dropped.items()
    ]


def _jackknife_rows(fit: FitResult, alpha: float) -> list[dict]:
    if fit.jackknife is None or fit.result is None:
        return []
    common = _common(fit, cl.CR3)
    if fit.jackknife["cov"] is None:
        note = fit.jackknife["note"]
        rows = [
            {
                **common,
                "term": term,
                "coef": float(coef),
                "odds_ratio": float(np.exp(coef)),
                "estimable": False,
                "note": note,
            }
            for term, coef in fit.result.params.items()
        ]
        return rows + _dropped_rows(fit, common)
    inference = cl.t_inference(fit.result.params, fit.jackknife["cov"], fit.clusters, alpha)
    rows = [
        {
            **common,
            "term": term,
            "coef": r.coef,
            "se": r.se,
            "odds_ratio": float(np.exp(r.coef)),
            "or_low": float(np.exp(r.low)),
            "or_high": float(np.exp(r.high)),
            "p_value": r.p_value,
        }
        for term, r in inference.iterrows()
    ]
    return rows + _dropped_rows(fit, common)


def jackknife_lines(fit: FitResult) -> list[str]:
    """Summary lines of the CR3 jackknife of a clustered fit (none for other fits)."""
    if fit.jackknife is None:
        return []
    if fit.jackknife["cov"] is None:
        return [f"{cl.CR3}: {fit.jackknife['note']}"]
    inference = cl.t_inference(fit.result.params, fit.jackknife["cov"], fit.clusters)
    table = inference.to_string(float_format=lambda v: f"{v:.4f}")
    return [f"{cl.CR3}, t({fit.clusters - 1}) intervals:", table]


def inference_table(fits: list[FitResult]) -> pd.DataFrame:
    """Per clustered model: the number of mentor clusters (``value``) and the inference the
    narrative reads (``note`` of statistic "relied_on": CR1, or CR3 with few clusters, or
    none with too few); check "inference". Text stays out of ``value`` so the numbers of
    the diagnostics table keep their float format."""
    rows = []
    for fit in fits:
        if fit.cov_type != "cluster":
            continue
        common = {"check": "inference", "model": fit.name}
        rows.append({**common, "statistic": "clusters", "value": fit.clusters, "note": ""})
        note = cl.relied_on(fit.clusters)
        rows.append({**common, "statistic": "relied_on", "value": np.nan, "note": note})
    table = pd.DataFrame(rows, columns=["check", "model", "statistic", "value", "note"])
    return table.astype({"value": float})


def replication_values(
    coefficients: pd.DataFrame, gap: dict | float, model="primary"
) -> dict[str, float | str]:
    """The three P5 figures from this run, for the replication table.

    - or_face_to_face_with_children: OR of unification per face-to-face visit
    - or_no_show_or_refusal_separation: 1 / OR of no_shows_or_refusals, i.e. the OR
      of separation per no-show or refusal (the paper's 1.24)
    - face_to_face_gap: ``visit_gap`` difference, unified minus separated

    A figure the study cannot support is its ``not estimable: <reason>`` text: the
    term was left out of the fit (its note), or the fit failed (its real cause). A
    term absent from a fitted model is a configuration error.
    """
    rows = coefficients[(coefficients["model"] == model) & (coefficients["se_variant"] != cl.CR3)]
    rows = rows.set_index("term")
    needed = ["face_to_face_with_children", "no_shows_or_refusals"]
    if "(not estimated)" in rows.index:
        failed = str(rows.loc["(not estimated)", "note"])
        values: dict[str, float | str] = dict.fromkeys(_P5_ORS, failed)
    else:
        absent = [t for t in needed if t not in rows.index]
        if absent:
            raise ValueError(f"model {model!r} has no term(s) {absent}; check config model.primary")
        values = {
            "or_face_to_face_with_children": _odds_ratio(rows.loc[needed[0]]),
            "or_no_show_or_refusal_separation": _odds_ratio(rows.loc[needed[1]], invert=True),
        }
    difference = float(gap["difference"] if isinstance(gap, dict) else gap)
    values["face_to_face_gap"] = (
        difference
        if np.isfinite(difference)
        else not_estimable("no closed family in one outcome group (unified or separated)")
    )
    return values


_P5_ORS = ("or_face_to_face_with_children", "or_no_show_or_refusal_separation")


def _odds_ratio(row: pd.Series, invert: bool = False) -> float | str:
    value = row["odds_ratio"]
    if pd.isna(value):
        return str(row["note"]) or not_estimable("no estimate")
    return float(1.0 / value if invert else value)
