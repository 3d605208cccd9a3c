"""Fitting the outcome models (P5): logistic regressions with clustered SEs, GEE, Firth.

Huebner et al. (2018) report that face-to-face mentor contacts with the children
best predict unification (OR about 1.09 per visit), that each parent no-show or
refusal raises the odds of separation about 24 % (OR about 1.24), and that intact
families had about 14 more face-to-face visits. This module fits the configured
logistic regressions on closed cases, with standard errors clustered by mentor
(families of one mentor share that mentor), a GEE alternative, a naive fit for
comparison, and exposure-adjusted sensitivity models (``fit_models``).

Separation (a predictor combination that perfectly predicts the outcome) makes the
ML odds ratios infinite. It is detected exactly (``diagnostics.detect_separation``),
announced with a ``SeparationWarning``, and the fit falls back to Firth's penalized
likelihood (method "firth", ``firth.fit_firth``), which always gives finite estimates.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# The model modules themselves, not statsmodels.api / formula.api: those import every model,
# dataset and plot statsmodels has (about 0.3 s more in each job that fits).
from statsmodels.discrete.discrete_model import Logit
from statsmodels.genmod.cov_struct import Exchangeable
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_estimating_equations import GEE
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from peermentor.analysis import clusters as cl
from peermentor.analysis.estimable import estimable_terms
from peermentor.analysis.outcome.diagnostics import (
    SeparationWarning,
    design_matrices,
    detect_separation,
)
from peermentor.analysis.outcome.firth import MAXITER, fit_firth
from peermentor.analysis.outcome.frame import model_frame


@dataclass
class FitResult:
    """One fitted outcome model with what a reader needs to judge it."""

    name: str
    formula: str
    cov_type: str  # "cluster", "nonrobust" or "gee-robust"
    result: Any  # statsmodels results, FirthResult, or None when the fit failed
    n: int
    events: int  # unified families
    clusters: int | None
    converged: bool
    warnings: list[str] = field(default_factory=list)
    separation: dict = field(default_factory=dict)
    method: str = "mle"  # "mle", "gee" or "firth"
    exclusions: dict = field(default_factory=dict)
    # Terms of the configured formula the data cannot support -> not-estimable note.
    dropped: dict[str, str] = field(default_factory=dict)
    # CR3 cluster jackknife of a cluster-robust ML fit (clusters.cluster_jackknife).
    jackknife: dict | None = None


def fit_logit(
    data: pd.DataFrame,
    formula: str,
    *,
    cluster: str | None = None,
    cov_type: str = "cluster",
    name: str = "logit",
    jackknife: bool = True,
) -> FitResult:
    """ML logistic regression (statsmodels Logit, Newton) with robust or naive SEs.

    ``cov_type="cluster"`` clusters by ``cluster`` (statsmodels' default small-sample
    correction G/(G-1)*(N-1)/(N-K), CR1); ``"nonrobust"`` uses the inverse information.
    A converged clustered fit also gets the CR3 cluster jackknife (``jackknife``;
    ``clusters.cluster_jackknife``: one refit per cluster).
    Under separation the fit falls back to Firth (see module docstring).
    """
    if cov_type not in ("cluster", "nonrobust"):
        raise ValueError(f"cov_type must be 'cluster' or 'nonrobust', not {cov_type!r}")
    if cov_type == "cluster" and cluster is None:
        raise ValueError("cov_type='cluster' needs a cluster column")
    base = _base_fit(data, formula, cluster, name, cov_type)
    if base.separation["detected"]:
        return _firth_fallback(base, data)
    model = Logit.from_formula(formula, data, missing="raise")
    fit_kwargs: dict[str, Any] = {"disp": 0, "maxiter": MAXITER}
    if cov_type == "cluster":
        fit_kwargs |= {"cov_type": "cluster", "cov_kwds": {"groups": _codes(data, cluster)}}
    result, caught, error = _capture(lambda: model.fit(**fit_kwargs))
    base.warnings += caught
    if _numerically_separated(result, caught, error):
        base.separation = {**base.separation, "separation": "numerical", "detected": True}
        return _firth_fallback(base, data)
    if error is not None:
        base.warnings.append(f"fit failed: {error}")
        return base
    base.result = result
    base.converged = bool(result.mle_retvals.get("converged", False))
    if not base.converged:
        base.warnings.append(f"ML fit did not converge in {MAXITER} Newton iterations")
    elif cov_type == "cluster" and jackknife:
        y, X = design_matrices(data, formula)
        base.jackknife = cl.cluster_jackknife(y, X, _codes(data, cluster), result.params)
    return base


def fit_logit_clustered(
    data: pd.DataFrame, formula: str, cluster: str, *, name="primary", jackknife: bool = True
):
    """Logistic regression with standard errors clustered by ``cluster`` (mentor)."""
    return fit_logit(
        data, formula, cluster=cluster, cov_type="cluster", name=name, jackknife=jackknife
    )


def fit_gee(data: pd.DataFrame, formula: str, cluster: str, *, name: str = "primary_gee"):
    """Population-averaged logistic GEE, exchangeable correlation within ``cluster``.

    SEs are GEE robust (sandwich) SEs. Under separation GEE has no finite solution
    either, so it falls back to the same Firth fit as the ML models.
    """
    base = _base_fit(data, formula, cluster, name, "gee-robust")
    base.method = "gee"
    if base.separation["detected"]:
        return _firth_fallback(base, data)
    model = GEE.from_formula(
        formula,
        groups=_codes(data, cluster),
        data=data,
        family=Binomial(),
        cov_struct=Exchangeable(),
        missing="raise",
    )
    result, caught, error = _capture(lambda: model.fit(maxiter=MAXITER))
    base.warnings += caught
    if error is not None:
        base.warnings.append(f"fit failed: {error}")
        return base
    base.result = result
    base.converged = bool(result.converged)
    if not base.converged:
        base.warnings.append(f"GEE did not converge in {MAXITER} iterations")
    return base


def fit_models(
    profile: pd.DataFrame,
    *,
    primary: str,
    cluster: str,
    sensitivity: dict[str, str] | None = None,
) -> list[FitResult]:
    """The configured models, in this order: primary (cluster-robust), primary_gee,
    primary_naive (non-robust SEs, to show what clustering changes), then each
    sensitivity formula (cluster-robust) under its configured name.

    A term the closed cases cannot support (one stratum, a predictor without
    variation, aliased columns: ``estimable.estimable_terms``) is left out of the fit
    and kept in ``FitResult.dropped`` with its reason."""
    frame = model_frame(profile, primary, cluster)
    fitted, dropped = estimable_terms(frame, primary)
    fits = [
        fit_logit_clustered(frame, fitted, cluster, name="primary"),
        fit_gee(frame, fitted, cluster, name="primary_gee"),
        fit_logit(frame, fitted, cluster=cluster, cov_type="nonrobust", name="primary_naive"),
    ]
    for fit in fits:
        fit.dropped = dict(dropped)
    for name, formula in (sensitivity or {}).items():
        frame = model_frame(profile, formula, cluster)
        fitted, dropped = estimable_terms(frame, formula)
        fits.append(fit_logit_clustered(frame, fitted, cluster, name=name))
        fits[-1].dropped = dropped
    return fits


def _base_fit(data, formula, cluster, name, cov_type) -> FitResult:
    y, _ = design_matrices(data, formula)
    if cluster is not None and data[cluster].isna().any():
        raise ValueError(f"missing {cluster}; build the data with model_frame() first")
    return FitResult(
        name=name,
        formula=formula,
        cov_type=cov_type,
        result=None,
        n=len(y),
        events=int((y == 1).sum()),
        clusters=int(data[cluster].nunique()) if cluster is not None else None,
        converged=False,
        separation=detect_separation(data, formula),
        exclusions=dict(data.attrs.get("exclusions", {})),
    )


def _codes(data: pd.DataFrame, cluster: str) -> np.ndarray:
    return pd.factorize(data[cluster], sort=True)[0]


def _capture(fn):
    """Run ``fn`` recording its warnings; an exception is returned, not raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = fn(), None
        except (np.linalg.LinAlgError, ValueError, ArithmeticError, PerfectSeparationError) as exc:
            value, error = None, f"{type(exc).__name__}: {exc}"
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    return value, list(dict.fromkeys(messages)), error


def _numerically_separated(result, caught: list[str], error: str | None) -> bool:
    """statsmodels' own perfect-prediction check, or estimates that blew up."""
    flagged = [m for m in [*caught, error or ""] if m.startswith("PerfectSeparation")]
    if result is None:
        return bool(flagged)
    finite = np.isfinite(result.params).all() and np.isfinite(result.bse).all()
    return bool(flagged) or not finite


def _firth_fallback(base: FitResult, data: pd.DataFrame) -> FitResult:
    sep = base.separation
    message = (
        f"{sep['separation']} separation in model {base.name!r} "
        f"({sep.get('n_separated', '?')} families perfectly predicted; columns "
        f"{sep.get('terms', [])}): ML odds ratios would be infinite, so this model is "
        "fitted by Firth penalized likelihood with model-based (not clustered) SEs"
    )
    warnings.warn(message, SeparationWarning, stacklevel=3)
    base.warnings.append(f"SeparationWarning: {message}")
    base.method, base.cov_type = "firth", "nonrobust"
    y, X = design_matrices(data, base.formula)
    result, _, error = _capture(lambda: fit_firth(y, X))
    if error is not None:  # e.g. collinear columns on top of separation
        base.warnings.append(f"Firth fit failed: {error}")
        base.result, base.converged = None, False
        return base
    if not result.converged:
        base.warnings.append(f"Firth fit did not converge in {MAXITER} iterations")
    base.result, base.converged = result, result.converged
    return base
