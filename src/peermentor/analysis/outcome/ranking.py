"""Which predictor is best (P5): drop-one likelihood-ratio tests, ranked.

``rank_predictors`` ranks the terms the data supports by LR chi2 (ML, or Firth's
penalized likelihood under separation) with the OR per SD of each numeric predictor;
terms the data cannot support follow, unranked, with their not-estimable note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import Logit

from peermentor.analysis.estimable import estimable_terms, not_estimable
from peermentor.analysis.outcome.diagnostics import design_matrices, detect_separation
from peermentor.analysis.outcome.firth import MAXITER, fit_firth
from peermentor.analysis.outcome.fit import _capture

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
    res, _, error = _capture(lambda: Logit(y, X[columns]).fit(disp=0, maxiter=MAXITER))
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
