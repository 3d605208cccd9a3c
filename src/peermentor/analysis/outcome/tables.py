"""What a reader judges each fitted outcome model by (P5), beside its coefficients.

The families excluded before each model, discrimination and calibration (AUC,
Hosmer-Lemeshow), the long diagnostics table (results/models/diagnostics.csv) and the
readable summaries (summaries.txt). Small counts in the diagnostics table are
suppressed by ``peermentor.publish.outcome.publish_diagnostics``, not here: the
analysis layer does not publish.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from peermentor.analysis.estimable import estimable_terms, not_estimable
from peermentor.analysis.outcome.coefficients import inference_table, jackknife_lines
from peermentor.analysis.outcome.diagnostics import auc, hosmer_lemeshow, vif
from peermentor.analysis.outcome.firth import FirthResult
from peermentor.analysis.outcome.fit import FitResult


def exclusions_table(fits: list[FitResult]) -> pd.DataFrame:
    """Families excluded before each model, by reason (model, reason, families)."""
    rows = [
        {"model": fit.name, "reason": reason, "families": count}
        for fit in fits
        for reason, count in fit.exclusions.items()
    ]
    return pd.DataFrame(rows, columns=["model", "reason", "families"])


def model_summary_text(fit: FitResult) -> str:
    """Readable summary: what was fitted on whom, warnings, then the statsmodels table.

    The statsmodels Date/Time cells are blanked so two runs give identical text.
    """
    lines = [
        f"Model: {fit.name}",
        f"Formula: {fit.formula}",
        f"Method: {fit.method}; covariance: {fit.cov_type}",
        f"Families: {fit.n}; unified: {fit.events}; clusters: {fit.clusters}",
        f"Converged: {fit.converged}",
        f"Separation check: {fit.separation.get('separation', 'not run')}",
    ]
    if fit.exclusions:
        lines.append("Excluded: " + ", ".join(f"{k}={v}" for k, v in fit.exclusions.items()))
    lines += [f"Term {t}: {not_estimable(r)}" for t, r in fit.dropped.items()]
    lines += [f"WARNING: {w}" for w in fit.warnings] or ["Warnings: none"]
    lines += jackknife_lines(fit)
    body = "(no estimates)" if fit.result is None else _summary_body(fit.result)
    return "\n".join([*lines, "", body, ""])


def _summary_body(result) -> str:
    text = result.summary()
    text = text if isinstance(text, str) else text.as_text()
    return "\n".join(_blank_timestamp(line) for line in text.splitlines())


def _blank_timestamp(line: str) -> str:
    if "Date:" not in line and "Time:" not in line:
        return line
    for pattern in (r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4}", r"\b\d{2}:\d{2}:\d{2}\b"):
        line = re.sub(pattern, lambda m: "-".rjust(len(m.group())), line)
    return line


def fit_quality(fits: list[FitResult], groups: int = 10) -> pd.DataFrame:
    """Discrimination (AUC) and calibration (Hosmer-Lemeshow) of each fitted model."""
    rows = []
    for fit in fits:
        row = {"model": fit.name, "n": fit.n}
        if fit.result is not None:
            y = _endog(fit.result)
            p = np.asarray(fit.result.predict(), dtype=float)
            hl = hosmer_lemeshow(y, p, groups)
            row |= {"auc": auc(y, p), "hl_statistic": hl["statistic"], "hl_df": hl["df"]}
            row["hl_p_value"] = hl["p_value"]
        rows.append(row)
    columns = ["model", "n", "auc", "hl_statistic", "hl_df", "hl_p_value"]
    return pd.DataFrame(rows, columns=columns)


def diagnostics_table(
    fits: list[FitResult], frame: pd.DataFrame, formula: str, *, excluded: pd.DataFrame
) -> pd.DataFrame:
    """One long table (check, model, statistic, value): fit quality of every model, VIFs
    of the primary model's terms (a term left out of the fit: blank value, its
    not-estimable ``note``), families excluded before each model (``excluded``: the
    ``exclusions_table`` as published, small counts suppressed by
    ``publish.outcome.publish_diagnostics``), and the clustered inference used."""
    quality = fit_quality(fits).melt(id_vars="model", var_name="statistic")
    quality.insert(0, "check", "fit_quality")
    fitted, dropped = estimable_terms(frame, formula)
    vifs = vif(frame, fitted).rename(columns={"term": "statistic", "vif": "value"})
    left_out = [{"statistic": t, "note": not_estimable(r)} for t, r in dropped.items()]
    vifs = pd.concat([vifs.assign(note=""), pd.DataFrame(left_out)], ignore_index=True)
    vifs.insert(0, "check", "vif")
    vifs.insert(1, "model", "primary")
    excluded = excluded.rename(columns={"reason": "statistic", "families": "value"})
    excluded.insert(0, "check", "excluded_families")
    table = pd.concat([quality, vifs, excluded, inference_table(fits)], ignore_index=True)
    return table.assign(note=table["note"].fillna(""))


def _endog(result) -> np.ndarray:
    endog = result.endog if isinstance(result, FirthResult) else result.model.endog
    return np.asarray(endog, dtype=float)
