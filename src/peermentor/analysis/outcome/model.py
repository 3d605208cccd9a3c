"""Outcome model (P5): what predicts unification at case closure.

Huebner et al. (2018) report that face-to-face mentor contacts with the children
best predict unification (OR about 1.09 per visit), that each parent no-show or
refusal raises the odds of separation about 24 % (OR about 1.24), and that intact
families had about 14 more face-to-face visits. This module fits the configured
logistic regressions on closed cases, with standard errors clustered by mentor
(families of one mentor share that mentor), a GEE alternative, a naive fit for
comparison, exposure-adjusted sensitivity models, and a drop-one ranking of
predictors.

Separation (a predictor combination that perfectly predicts the outcome) makes the
ML odds ratios infinite. It is detected exactly (``diagnostics.detect_separation``),
announced with a ``SeparationWarning``, and the fit falls back to Firth's penalized
likelihood (method "firth"), which always gives finite estimates.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from scipy.special import expit
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from peermentor.analysis import clusters as cl
from peermentor.analysis.estimable import estimable_terms, not_estimable
from peermentor.analysis.outcome.coefficients import (  # noqa: F401 - tidy tables, re-exported here
    TIDY_COLUMNS,
    inference_table,
    jackknife_lines,
    replication_values,
    tidy_coefficients,
)
from peermentor.analysis.outcome.diagnostics import (
    SeparationWarning,
    auc,
    design_matrices,
    detect_separation,
    formula_variables,
    hosmer_lemeshow,
    vif,
)
from peermentor.publish.disclosure import suppress_small_cells

RANK_COLUMNS: tuple[str, ...] = (
    "term",
    "lr_chi2",
    "df",
    "p_value",
    "standardized_or",
    "rank",
    "likelihood",
    "converged",
    "estimable",
    "note",
)
CASE_CLOSED = "case_closed"
MAXITER = 100


# --- results ----------------------------------------------------------------------


@dataclass
class FirthResult:
    """Firth penalized-likelihood logistic fit, with the attributes tidy output needs.

    Standard errors are model based: the inverse Fisher information at the penalized
    estimate. Confidence intervals are Wald intervals on that scale (profile
    penalized-likelihood intervals would be better for small samples; not done).
    """

    params: pd.Series
    cov: pd.DataFrame
    llf: float  # penalized log-likelihood
    llf_unpenalized: float
    converged: bool
    n_iter: int
    endog: np.ndarray
    fitted: np.ndarray

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index)

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.norm.sf(np.abs(self.params / self.bse)), index=self.params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({0: self.params - z * self.bse, 1: self.params + z * self.bse})

    def predict(self) -> np.ndarray:
        return self.fitted

    def summary(self) -> str:
        ci = self.conf_int()
        table = pd.DataFrame(
            {
                "coef": self.params,
                "std err": self.bse,
                "z": self.params / self.bse,
                "P>|z|": self.pvalues,
                "[0.025": ci[0],
                "0.975]": ci[1],
            }
        )
        return "\n".join(
            [
                "Firth penalized-likelihood logistic regression",
                f"No. Observations: {len(self.endog)}",
                f"Penalized log-likelihood: {self.llf:.4f}",
                f"Log-likelihood (unpenalized, at estimate): {self.llf_unpenalized:.4f}",
                f"Converged: {self.converged} after {self.n_iter} iterations",
                "Covariance: model based (inverse Fisher information), Wald intervals",
                table.to_string(float_format=lambda v: f"{v:.4f}"),
            ]
        )


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


# --- the analysis frame -------------------------------------------------------------


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


# --- fitting ------------------------------------------------------------------------


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
    model = smf.logit(formula, data, missing="raise")
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
    model = smf.gee(
        formula,
        groups=_codes(data, cluster),
        data=data,
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
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


# --- Firth penalized logistic regression --------------------------------------------


def fit_firth(
    y: pd.Series, X: pd.DataFrame, *, free: np.ndarray | None = None, tol: float = 1e-8
) -> FirthResult:
    """Firth (1993) logistic regression by Newton steps on the modified score.

    Maximizes l(b) + 0.5 log|X'WX| (Jeffreys prior). The modified score is
    X'(y - p + h (1/2 - p)), h the hat-matrix diagonal; each step solves the
    information system and is halved until the penalized likelihood does not fall.
    ``free`` (boolean per column) holds the other coefficients at 0 while keeping
    the full-design penalty, as in penalized likelihood-ratio tests (Heinze &
    Schemper 2002).
    """
    yv, Xv = y.to_numpy(dtype=float), X.to_numpy(dtype=float)
    free = np.ones(Xv.shape[1], dtype=bool) if free is None else np.asarray(free, dtype=bool)
    beta = np.zeros(Xv.shape[1])
    penalized = _penalized_loglik(beta, yv, Xv)
    converged, n_iter = False, 0
    for n_iter in range(1, MAXITER + 1):  # noqa: B007 - n_iter is reported
        score, info = _modified_score(beta, yv, Xv)
        step = np.zeros_like(beta)
        step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        beta, penalized = _halving_step(beta, step, penalized, yv, Xv)
        if np.max(np.abs(step)) < tol or np.max(np.abs(score[free])) < tol:
            converged = True
            break
    _, info = _modified_score(beta, yv, Xv)
    cov = np.full_like(info, np.nan)
    cov[np.ix_(free, free)] = np.linalg.inv(info[np.ix_(free, free)])
    names = list(X.columns)
    return FirthResult(
        params=pd.Series(beta, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        llf=penalized,
        llf_unpenalized=_loglik(beta, yv, Xv),
        converged=converged,
        n_iter=n_iter,
        endog=yv,
        fitted=expit(Xv @ beta),
    )


def _loglik(beta, y, X) -> float:
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _penalized_loglik(beta, y, X) -> float:
    p = expit(X @ beta)
    _, logdet = np.linalg.slogdet(X.T @ (X * (p * (1 - p))[:, None]))
    return _loglik(beta, y, X) + 0.5 * logdet


def _modified_score(beta, y, X) -> tuple[np.ndarray, np.ndarray]:
    p = expit(X @ beta)
    w = p * (1 - p)
    info = X.T @ (X * w[:, None])
    hat = w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X)
    return X.T @ (y - p + hat * (0.5 - p)), info


def _halving_step(beta, step, current, y, X, max_halvings: int = 30):
    for _ in range(max_halvings):
        candidate = _penalized_loglik(beta + step, y, X)
        if candidate >= current - 1e-12:
            return beta + step, candidate
        step = step / 2
    return beta, current


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
    fits: list[FitResult], frame: pd.DataFrame, formula: str, *, min_cell_size: int
) -> pd.DataFrame:
    """One long table (check, model, statistic, value): fit quality of every model, VIFs
    of the primary model's terms (a term left out of the fit: blank value, its
    not-estimable ``note``), families excluded before each model (counts below ``min_cell_size``
    suppressed, as in every published table), and the clustered inference used."""
    quality = fit_quality(fits).melt(id_vars="model", var_name="statistic")
    quality.insert(0, "check", "fit_quality")
    fitted, dropped = estimable_terms(frame, formula)
    vifs = vif(frame, fitted).rename(columns={"term": "statistic", "vif": "value"})
    left_out = [{"statistic": t, "note": not_estimable(r)} for t, r in dropped.items()]
    vifs = pd.concat([vifs.assign(note=""), pd.DataFrame(left_out)], ignore_index=True)
    vifs.insert(0, "check", "vif")
    vifs.insert(1, "model", "primary")
    excluded = suppress_small_cells(
        exclusions_table(fits), count_columns=["families"], min_cell_size=min_cell_size
    ).drop(columns="suppressed")
    excluded = excluded.rename(columns={"reason": "statistic", "families": "value"})
    excluded.insert(0, "check", "excluded_families")
    table = pd.concat([quality, vifs, excluded, inference_table(fits)], ignore_index=True)
    return table.assign(note=table["note"].fillna(""))


def _endog(result) -> np.ndarray:
    endog = result.endog if isinstance(result, FirthResult) else result.model.endog
    return np.asarray(endog, dtype=float)


# --- which predictor is best --------------------------------------------------------


def rank_predictors(data: pd.DataFrame, formula: str, cluster: str | None = None) -> pd.DataFrame:
    """``_rank_fitted`` on the terms the data supports; each dropped term (see
    ``estimable.estimable_terms``) follows, unranked, with its not-estimable note."""
    fitted, dropped = estimable_terms(data, formula)
    table = _rank_fitted(data, fitted) if fitted.split("~")[1].strip() != "1" else None
    rows = [{"term": t, "estimable": False, "note": not_estimable(r)} for t, r in dropped.items()]
    frames = [f for f in (table, pd.DataFrame(rows, columns=list(RANK_COLUMNS))) if f is not None]
    ranked = pd.concat([f for f in frames if len(f)], ignore_index=True)
    ranked = ranked.reindex(columns=list(RANK_COLUMNS))
    ranked["rank"] = ranked["rank"].astype("Int64")
    ranked["df"] = ranked["df"].astype("Int64")
    ranked["estimable"] = ranked["estimable"].fillna(True).astype(bool)
    ranked["note"] = ranked["note"].fillna("")
    return ranked


def _rank_fitted(data: pd.DataFrame, formula: str) -> pd.DataFrame:
    """Drop-one likelihood-ratio tests of each predictor term, ranked by LR chi2.

    LR tests compare ML (non-robust) log-likelihoods: clustering by mentor is not
    reflected in these p-values (see the cluster-robust Wald tests in
    ``tidy_coefficients``). Under separation the penalized (Firth) likelihoods are
    compared instead; the ``likelihood`` column says which. ``standardized_or`` is
    the full-model OR per 1 SD of a single numeric predictor (NaN for factors and
    multi-column terms). ``cluster`` is accepted for a uniform signature; LR tests
    do not use it. Terms with more df have larger chi2 under the null: compare
    ``p_value`` too when df differ.
    """
    y, X = design_matrices(data, formula)
    design_info = X.design_info
    firth = detect_separation(data, formula)["detected"]
    full = _fit_likelihood(y, X, None, firth)
    rows = []
    for term, cols in design_info.term_name_slices.items():
        if term == "Intercept":
            continue
        keep = np.ones(X.shape[1], dtype=bool)
        keep[cols] = False
        reduced = _fit_likelihood(y, X, keep, firth)
        lr = max(2.0 * (full["llf"] - reduced["llf"]), 0.0)
        df = int(cols.stop - cols.start)
        rows.append(
            {
                "term": term,
                "lr_chi2": lr,
                "df": df,
                "p_value": float(stats.chi2.sf(lr, df)),
                "standardized_or": _standardized_or(design_info, term, cols, X, full["params"]),
                "likelihood": "Firth penalized" if firth else "ML (non-robust)",
                "converged": full["converged"] and reduced["converged"],
            }
        )
    table = pd.DataFrame(rows)
    table = table.sort_values(["lr_chi2", "term"], ascending=[False, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    table["estimable"], table["note"] = True, ""
    return table.reset_index(drop=True).reindex(columns=list(RANK_COLUMNS))


def _fit_likelihood(y, X, keep, firth: bool) -> dict:
    """Log-likelihood of the model on the kept columns (ML, or Firth with the
    dropped coefficients held at 0 under the full-design penalty)."""
    if firth:
        res = fit_firth(y, X, free=keep)
        return {"llf": res.llf, "params": res.params.to_numpy(), "converged": res.converged}
    columns = X.columns if keep is None else X.columns[keep]
    res, _, error = _capture(lambda: sm.Logit(y, X[columns]).fit(disp=0, maxiter=MAXITER))
    if error is not None:
        return {"llf": np.nan, "params": np.full(len(columns), np.nan), "converged": False}
    params = pd.Series(res.params, index=columns).reindex(X.columns).to_numpy()
    return {"llf": res.llf, "params": params, "converged": bool(res.mle_retvals["converged"])}


def _standardized_or(design_info, term, cols, X, params) -> float:
    factors = design_info.terms[design_info.term_names.index(term)].factors
    numeric = len(factors) == 1 and design_info.factor_infos[factors[0]].type == "numerical"
    if not numeric or cols.stop - cols.start != 1:
        return float("nan")
    sd = float(X.iloc[:, cols.start].std(ddof=1))
    return float(np.exp(params[cols.start] * sd))


# --- the paper's figures ------------------------------------------------------------


def visit_gap(profile: pd.DataFrame, measure: str = "face_to_face_with_children") -> dict:
    """Mean ``measure`` in unified minus separated families (closed cases), Welch 95 % CI.

    The paper: intact families had about 14 more face-to-face visits.
    """
    frame = model_frame(profile, f"unified_at_closure ~ {measure}", cluster=None)
    unified = frame.loc[frame["unified_at_closure"] == 1, measure].to_numpy(dtype=float)
    separated = frame.loc[frame["unified_at_closure"] == 0, measure].to_numpy(dtype=float)
    diff, low, high, df, p = _welch(unified, separated)
    return {
        "measure": measure,
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "mean_unified": float(np.mean(unified)) if len(unified) else float("nan"),
        "mean_separated": float(np.mean(separated)) if len(separated) else float("nan"),
        "n_unified": len(unified),
        "n_separated": len(separated),
        "welch_df": df,
        "p_value": p,
        "excluded": frame.attrs["exclusions"],
    }


def _welch(a: np.ndarray, b: np.ndarray, level: float = 0.95):
    if len(a) < 2 or len(b) < 2:
        diff = float(np.mean(a) - np.mean(b)) if len(a) and len(b) else float("nan")
        return diff, float("nan"), float("nan"), float("nan"), float("nan")
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    diff = float(np.mean(a) - np.mean(b))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    p = float(2 * stats.t.sf(abs(diff / se), df))
    return diff, float(diff - half), float(diff + half), float(df), p
