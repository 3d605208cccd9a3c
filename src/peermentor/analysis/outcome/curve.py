"""The predicted probability of unification over the headline predictor (P5).

Computed by the model step from the primary model it has just fitted (no refit), and
written as a table the figure draws: data flows forward, the figures never fit. The
curve is a Wald band on the linear predictor mapped through the logistic function (the
delta method on the logit scale, which keeps the band inside 0..1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from peermentor.analysis.estimable import estimable_terms, not_estimable
from peermentor.analysis.outcome.diagnostics import design_matrices, formula_variables
from peermentor.analysis.outcome.fit import FitResult, fit_logit_clustered
from peermentor.analysis.outcome.frame import model_frame
from peermentor.analysis.prediction import PredictionCurve

CURVE_COLUMNS = ["probability", "ci_low", "ci_high"]


def prediction_curve(
    fit: FitResult,
    frame: pd.DataFrame,
    *,
    predictor: str = "face_to_face_with_children",
    grid: Sequence[float] | None = None,
    level: float = 0.95,
) -> PredictionCurve:
    """Predict unification over ``predictor`` from a fitted model (``fit`` on ``frame``).

    Other numeric covariates are held at their mean over the model's families and
    categorical ones at their reference (first sorted) level; the CI uses the fit's
    covariance (cluster-robust CR1 for the primary model; model-based under the Firth
    fallback). The default grid runs from 0 to the 99th percentile of the predictor.
    """
    # Imported here: patsy and scipy.stats are needed by this function only.
    import patsy
    from scipy import stats
    from scipy.special import expit

    curve = _empty_curve(fit, predictor, level)
    if predictor in fit.dropped:
        curve.not_estimable = f"{predictor}: {not_estimable(fit.dropped[predictor])}"
        return curve
    if fit.result is None:
        curve.not_estimable = (
            f"not estimable: model {fit.formula!r} could not be fitted: {'; '.join(fit.warnings)}"
        )
        return curve
    _, design = design_matrices(frame, fit.formula)
    beta = np.asarray(pd.Series(fit.result.params).reindex(design.columns), dtype=float)
    cov = _covariance(fit.result, design.columns)
    curve.held = typical_covariates(frame, fit.formula, predictor)
    values = _grid(frame[predictor], grid)
    new = pd.DataFrame({var: [info["value"]] * len(values) for var, info in curve.held.items()})
    new[predictor] = values
    (x,) = patsy.build_design_matrices([design.design_info], new, return_type="dataframe")
    eta = x.to_numpy() @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", x.to_numpy(), cov, x.to_numpy()))
    z = stats.norm.ppf(0.5 + level / 2)
    curve.frame = pd.DataFrame(
        {
            predictor: values,
            "probability": expit(eta),
            "ci_low": expit(eta - z * se),
            "ci_high": expit(eta + z * se),
        }
    )
    return curve


def unification_curve(
    profile: pd.DataFrame,
    formula: str,
    cluster: str,
    *,
    predictor: str = "face_to_face_with_children",
    grid: Sequence[float] | None = None,
    level: float = 0.95,
) -> PredictionCurve:
    """Fit the primary model as ``fit_models`` does and predict over ``predictor``.

    For callers without a fit (tests, ``describe``); the model step passes its own
    primary fit to ``prediction_curve`` instead of fitting twice."""
    frame = model_frame(profile, formula, cluster)
    fitted, dropped = estimable_terms(frame, formula)
    fit = fit_logit_clustered(frame, fitted, cluster, jackknife=False)
    fit.dropped = dropped
    return prediction_curve(fit, frame, predictor=predictor, grid=grid, level=level)


def typical_covariates(frame: pd.DataFrame, formula: str, predictor: str) -> dict[str, dict]:
    """Each other right-hand-side variable: its mean (numeric) or reference level."""
    _, variables = formula_variables(formula, frame.columns)
    held = {}
    for var in (v for v in variables if v != predictor):
        column = frame[var]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            held[var] = {"value": float(column.mean()), "how": "mean"}
        else:
            # patsy's default treatment coding takes the first sorted level as reference.
            held[var] = {"value": sorted(column.dropna().unique())[0], "how": "reference level"}
    return held


def _empty_curve(fit: FitResult, predictor: str, level: float) -> PredictionCurve:
    notes = list(fit.warnings)
    notes += [f"{term}: {not_estimable(reason)}" for term, reason in fit.dropped.items()]
    return PredictionCurve(
        frame=pd.DataFrame(columns=[predictor, *CURVE_COLUMNS], dtype=float),
        predictor=predictor,
        held={},
        formula=fit.formula,
        n=fit.n,
        events=fit.events,
        clusters=fit.clusters,
        cov_type=fit.cov_type,
        method=fit.method,
        level=level,
        notes=notes,
    )


def _covariance(result, columns: pd.Index) -> np.ndarray:
    cov = result.cov if hasattr(result, "cov") else result.cov_params()
    return pd.DataFrame(cov, index=columns, columns=columns).to_numpy(dtype=float)


def _grid(values: pd.Series, grid: Sequence[float] | None) -> np.ndarray:
    if grid is not None:
        return np.asarray(grid, dtype=float)
    top = float(np.quantile(values.to_numpy(dtype=float), 0.99))
    return np.linspace(0.0, max(top, 1.0), 101)
