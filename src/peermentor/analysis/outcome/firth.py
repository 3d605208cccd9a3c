"""Firth's penalized-likelihood logistic regression: the fallback under separation (P5).

Separation (a predictor combination that perfectly predicts the outcome) makes the ML
odds ratios infinite; Firth's penalty (Jeffreys prior) always gives finite estimates.
``fit.fit_logit`` and ``fit.fit_gee`` fall back to ``fit_firth``; ``ranking`` compares
penalized likelihoods with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

# Iteration cap of every outcome fit (ML Newton, GEE, Firth); fit and ranking use it too.
MAXITER = 100


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
