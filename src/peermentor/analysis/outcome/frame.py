"""The analysis frame of the outcome models (P5): closed cases a formula can use.

``model_frame`` keeps the closed cases with an outcome and every formula variable (and
the cluster id) present, and counts each excluded family under its first reason, so the
exclusions reported beside every model are the whole story (nothing is dropped later).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis.outcome.diagnostics import formula_variables

CASE_CLOSED = "case_closed"


def model_frame(profile: pd.DataFrame, formula: str, cluster: str | None) -> pd.DataFrame:
    """Closed cases with an outcome and every formula variable (and cluster id) present.

    Each excluded family is counted under the first reason that applies, in this
    order: ``case_open``, ``outcome_missing``, ``missing_<variable>`` for each
    predictor in formula order (missing or non-finite, e.g. a rate over zero
    months), ``missing_<cluster>``. The counts (zeros included) are in
    ``frame.attrs["exclusions"]``, with ``attrs["rows_in"]``; ``len(frame)`` is the
    number used.
    """
    outcome_vars, predictors = formula_variables(formula, profile.columns)
    if len(outcome_vars) != 1:
        raise ValueError(f"the outcome of {formula!r} must be one column of the profile")
    outcome = outcome_vars[0]
    keep = np.ones(len(profile), dtype=bool)
    exclusions: dict[str, int] = {}

    def exclude(reason: str, bad: np.ndarray) -> None:
        nonlocal keep
        exclusions[reason] = int((keep & bad).sum())
        keep &= ~bad

    exclude("case_open", ~_is_closed(profile))
    exclude("outcome_missing", ~_present(profile[outcome]))
    for var in [v for v in predictors if v != cluster]:
        exclude(f"missing_{var}", ~_present(profile[var]))
    if cluster is not None:
        exclude(f"missing_{cluster}", ~_present(profile[cluster]))

    frame = profile.loc[keep].reset_index(drop=True)
    _check_binary(frame[outcome], outcome)
    frame.attrs = {"rows_in": len(profile), "exclusions": exclusions}
    return frame


def _is_closed(profile: pd.DataFrame) -> np.ndarray:
    if CASE_CLOSED not in profile.columns:
        raise ValueError(f"the profile has no {CASE_CLOSED!r} column")
    return profile[CASE_CLOSED].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _present(values: pd.Series) -> np.ndarray:
    """Not missing and, for numbers, finite."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    return values.notna().to_numpy(dtype=bool)


def _check_binary(y: pd.Series, name: str) -> None:
    bad = ~y.isin([0, 1])
    if bad.any():
        raise ValueError(f"{name} must be 0/1 on closed cases; found {sorted(y[bad].unique())}")
