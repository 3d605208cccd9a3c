"""Checks of the outcome model (P5): separation, collinearity, discrimination, calibration.

Every function takes an analysis-ready frame (``frame.model_frame`` output: closed
cases, no missing formula variables) or plain arrays, and returns plain values or
DataFrames. Missing values are refused with a message, never dropped here, so the
exclusion counts reported by ``model_frame`` stay the whole story.
"""

from __future__ import annotations

import io
import tokenize
import warnings

import numpy as np
import pandas as pd
import patsy
from scipy import stats
from scipy.optimize import linprog
from statsmodels.stats.outliers_influence import variance_inflation_factor

# Feasibility tolerance of the separation LP, on columns scaled to max |x| = 1.
SEPARATION_TOL = 1e-7
VIF_THRESHOLDS: tuple[float, float] = (5.0, 10.0)


class SeparationWarning(UserWarning):
    """The outcome is perfectly predicted by a combination of predictors."""


# --- formulas and design matrices -------------------------------------------------


def formula_variables(formula: str, columns: pd.Index | list[str]) -> tuple[list[str], list[str]]:
    """Data columns named on the left and right of ``formula``, in order of appearance.

    Function names such as ``C`` or ``np.log`` are not columns and are skipped, so
    ``"y ~ C(rurality) + np.log(x)"`` gives ``(["y"], ["rurality", "x"])``.
    """
    lhs, _, rhs = formula.partition("~")
    known = set(columns)
    return _names_in(lhs, known), _names_in(rhs, known)


def _names_in(text: str, known: set[str]) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    names = [tok.string for tok in tokens if tok.type == tokenize.NAME and tok.string in known]
    return list(dict.fromkeys(names))


def design_matrices(data: pd.DataFrame, formula: str) -> tuple[pd.Series, pd.DataFrame]:
    """Outcome vector and design matrix (with intercept) as statsmodels builds them (patsy).

    Raises ValueError when a formula variable has missing values: pass the output of
    ``frame.model_frame`` so exclusions are counted there instead of dropped here.
    """
    lhs, rhs = formula_variables(formula, data.columns)
    missing = [col for col in lhs + rhs if data[col].isna().any()]
    if missing:
        raise ValueError(
            f"missing values in {missing}; build the data with analysis.outcome.model_frame() first"
        )
    y, X = patsy.dmatrices(formula, data, return_type="dataframe", NA_action="raise")
    if y.shape[1] != 1:
        raise ValueError(f"the outcome of {formula!r} must be one numeric 0/1 column")
    return y.iloc[:, 0], X


def _intercept_columns(X: pd.DataFrame) -> list[str]:
    return [col for col in X.columns if np.all(X[col].to_numpy() == 1.0)]


# --- separation ---------------------------------------------------------------------


def detect_separation(data: pd.DataFrame, formula: str) -> dict:
    """Complete or quasi-complete separation, by linear programming (Konis 2007).

    With s_i = +1 for events and -1 otherwise, the ML estimate is infinite exactly
    when some direction b gives s_i * x_i'b >= 0 for every family and > 0 for at
    least one (quasi-complete), or > 0 for all (complete). Two small LPs over a box
    |b_j| <= 1 decide both, on columns scaled to max |x| = 1 so the tolerance is
    scale-free. This is exact, unlike looking for huge coefficients after a fit.

    Returns ``separation`` ("none", "quasi-complete", "complete"), ``detected``,
    ``n_separated`` (families perfectly predicted along the direction found),
    ``terms`` (design columns in that direction), ``n`` and ``method``.
    """
    y, X = design_matrices(data, formula)
    signed = _signed_scaled_design(y.to_numpy(), X.to_numpy(dtype=float))
    direction, margins = _max_total_margin(signed)
    kind = "quasi-complete" if margins.sum() > SEPARATION_TOL * len(y) else "none"
    if kind != "none":
        strict_direction, smallest = _max_min_margin(signed)
        if smallest > SEPARATION_TOL:  # every family strictly on its side
            kind, direction, margins = "complete", strict_direction, signed @ strict_direction
    detected = kind != "none"
    return {
        "separation": kind,
        "detected": detected,
        "n_separated": int((margins > SEPARATION_TOL).sum()) if detected else 0,
        "terms": [c for c, b in zip(X.columns, direction, strict=True) if abs(b) > 1e-6]
        if detected
        else [],
        "n": len(y),
        "method": "linear programming (Konis 2007)",
    }


def _signed_scaled_design(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    return np.where(y[:, None] > 0.5, 1.0, -1.0) * (X / scale)


def _max_total_margin(signed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Direction maximizing the summed margins subject to no negative margin."""
    k = signed.shape[1]
    lp = linprog(
        c=-signed.sum(axis=0),
        A_ub=-signed,
        b_ub=np.zeros(len(signed)),
        bounds=[(-1.0, 1.0)] * k,
        method="highs",
    )
    if lp.status != 0:
        raise RuntimeError(f"separation LP failed: {lp.message}")
    return lp.x, signed @ lp.x


def _max_min_margin(signed: np.ndarray) -> tuple[np.ndarray, float]:
    """Direction maximizing the smallest margin t: t > 0 only under complete separation."""
    n, k = signed.shape
    # variables (b, t): maximize t subject to t - s_i x_i'b <= 0
    lp = linprog(
        c=np.r_[np.zeros(k), -1.0],
        A_ub=np.c_[-signed, np.ones(n)],
        b_ub=np.zeros(n),
        bounds=[(-1.0, 1.0)] * k + [(None, 1.0)],
        method="highs",
    )
    if lp.status != 0:
        raise RuntimeError(f"separation LP failed: {lp.message}")
    return lp.x[:k], float(lp.x[-1])


# --- collinearity -----------------------------------------------------------------


def vif(data: pd.DataFrame, formula: str, thresholds: tuple[float, float] = VIF_THRESHOLDS):
    """Variance inflation factor of every design column except the intercept.

    The intercept stays in the auxiliary regressions (centred VIFs, as usually
    reported) but gets no row. ``flag`` is "ok", "above_5" or "above_10" for the
    default thresholds; perfectly collinear columns get vif = inf.
    """
    _, X = design_matrices(data, formula)
    exog = X.to_numpy(dtype=float)
    intercept = set(_intercept_columns(X))
    rows = []
    for idx, term in enumerate(X.columns):
        if term in intercept:
            continue
        with warnings.catch_warnings(), np.errstate(divide="ignore"):
            # statsmodels warns on ill-conditioned designs; the flag says it here
            warnings.simplefilter("ignore", UserWarning)
            value = variance_inflation_factor(exog, idx)
        rows.append({"term": term, "vif": float(value), "flag": _vif_flag(value, thresholds)})
    return pd.DataFrame(rows, columns=["term", "vif", "flag"])


def _vif_flag(value: float, thresholds: tuple[float, float]) -> str:
    low, high = thresholds
    if not value <= high:  # also catches inf and nan
        return f"above_{high:g}"
    return f"above_{low:g}" if value > low else "ok"


# --- discrimination and calibration -------------------------------------------------


def auc(y, p) -> float:
    """Area under the ROC curve as the Mann-Whitney probability P(p_event > p_non-event).

    Ties count one half (mid-ranks). NaN when either class is empty.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    events = y == 1
    n_events, n_non = int(events.sum()), int((~events).sum())
    if n_events == 0 or n_non == 0:
        return float("nan")
    ranks = stats.rankdata(p)
    u = ranks[events].sum() - n_events * (n_events + 1) / 2
    return float(u / (n_events * n_non))


def calibration_table(y, p, groups: int = 10) -> pd.DataFrame:
    """Observed and expected events by groups of predicted risk ("deciles of risk").

    Families are sorted by predicted probability and cut into ``groups`` groups of
    (nearly) equal size; tied probabilities keep input order, so the cut is
    deterministic. Columns: group, n, p_min, p_max, mean_predicted,
    observed_events, expected_events, observed_rate.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    group = np.empty(len(p), dtype=int)
    for g, members in enumerate(np.array_split(order, min(groups, len(p)))):
        group[members] = g + 1
    frame = pd.DataFrame({"group": group, "y": y, "p": p})
    table = frame.groupby("group", sort=True).agg(
        n=("y", "size"),
        p_min=("p", "min"),
        p_max=("p", "max"),
        mean_predicted=("p", "mean"),
        observed_events=("y", "sum"),
        expected_events=("p", "sum"),
    )
    table["observed_rate"] = table["observed_events"] / table["n"]
    return table.reset_index()


def hosmer_lemeshow(y, p, groups: int = 10) -> dict:
    """Hosmer-Lemeshow goodness-of-fit statistic over ``calibration_table`` groups.

    HL = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g)), referred to chi-square with
    (number of groups - 2) degrees of freedom.
    """
    table = calibration_table(y, p, groups)
    observed = table["observed_events"].to_numpy()
    expected = table["expected_events"].to_numpy()
    n = table["n"].to_numpy()
    statistic = float(np.sum((observed - expected) ** 2 / (expected * (1 - expected / n))))
    df = len(table) - 2
    p_value = float(stats.chi2.sf(statistic, df)) if df > 0 else float("nan")
    return {"statistic": statistic, "df": df, "p_value": p_value, "groups": len(table)}
