"""Effect sizes and tests of one measure, rural versus urban: Cliff's delta and its
percentile bootstrap CI, the family-level test (Mann-Whitney U or Welch's t), and the
Holm / Benjamini-Hochberg adjustment of a family of p-values."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from peermentor.analysis.rural_urban.tables import ADJUSTMENTS, DESCRIPTIVES, TESTS, check_choice


def drop_missing(values: Iterable[float]) -> np.ndarray:
    """Float array without missing values (a family without a value is not compared)."""
    array = np.asarray(values, dtype=float).ravel()
    return array[~np.isnan(array)]


def _u_rural(x: np.ndarray, y: np.ndarray) -> float:
    """Mann-Whitney U of ``x``: pairs with x > y, plus one half per tie.

    Sorting y once and binary-searching each x is O(N log N) and, unlike
    ``scipy.stats.rankdata``, cheap enough to call thousands of times in a bootstrap.
    """
    y_sorted = np.sort(y)
    below = np.searchsorted(y_sorted, x, side="left")  # y < x
    not_above = np.searchsorted(y_sorted, x, side="right")  # y <= x
    return float(below.sum() + 0.5 * (not_above - below).sum())


def cliffs_delta(x: Iterable[float], y: Iterable[float]) -> float:
    """Cliff's delta P(X > Y) - P(X < Y); x = rural, y = urban; NaNs dropped.

    Computed from the Mann-Whitney U (delta = 2U / nm - 1, ties counting one half),
    O(N log N), so 70,000 families per stratum need no n x m comparison matrix.
    """
    x, y = drop_missing(x), drop_missing(y)
    if len(x) == 0 or len(y) == 0:
        return float("nan")
    return 2 * _u_rural(x, y) / (len(x) * len(y)) - 1


# Resample indices held at once, at most (512 KB): a chunk of replicates stays in cache.
CHUNK_DRAWS = 2**16
# Below this many indices per replicate, one call draws a whole chunk (about 11 ns an index);
# from it on, two calls per replicate do (about 5 ns an index plus 15 us a replicate).
ONE_CALL_BELOW = 2048


def bootstrap_ci(
    x: Iterable[float],
    y: Iterable[float],
    stat: Callable[[np.ndarray, np.ndarray], float],
    n_boot: int,
    seed: int,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap CI of ``stat(x, y)``, resampling each stratum on its own.

    Families are resampled within strata because the strata sizes are fixed by design
    (rurality is a property of the site, not drawn with the family). Deterministic for a
    given seed. ``n_boot = 0`` or an empty stratum gives (nan, nan).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    x, y = drop_missing(x), drop_missing(y)
    if n_boot <= 0 or len(x) == 0 or len(y) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    if stat is cliffs_delta:
        of_resamples = _cliffs_delta_of_resamples(x, y)
    else:
        of_resamples = lambda ix, iy: [stat(x[i], y[j]) for i, j in zip(ix, iy, strict=True)]  # noqa: E731
    replicates = np.concatenate(
        [of_resamples(ix, iy) for ix, iy in resample_indices(rng, len(x), len(y), n_boot)]
    )
    tail = (1 - level) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return (float(low), float(high))


def resample_indices(rng: np.random.Generator, n_x: int, n_y: int, n_boot: int):
    """The bootstrap's resamples, in chunks: ``(ix, iy)`` of shapes (reps, n_x), (reps, n_y).

    The numbers are those of drawing, replicate after replicate, x's indices then y's with
    ``rng.integers(0, n, n)``. For small strata a chunk is one call with an array of bounds:
    numpy draws each element of it with the algorithm, on the stream, of its fill for one
    bound (Lemire's method on the generator's 32-bit outputs below 2**32, 64-bit above).
    tests/rural_urban/test_rural_urban.py checks both ways, rejections included.
    """
    per_replicate = n_x + n_y
    chunk = max(1, CHUNK_DRAWS // per_replicate)
    one_call = per_replicate < ONE_CALL_BELOW
    if one_call:  # each index's bound, replicate after replicate, for a whole chunk
        bounds = np.tile(np.concatenate([np.full(n_x, n_x), np.full(n_y, n_y)]), chunk)
    for start in range(0, n_boot, chunk):
        reps = min(chunk, n_boot - start)
        if one_call:
            draws = rng.integers(0, bounds[: reps * per_replicate]).reshape(reps, per_replicate)
        else:
            draws = np.empty((reps, per_replicate), dtype=np.int64)
            for row in draws:
                row[:n_x] = rng.integers(0, n_x, n_x)
                row[n_x:] = rng.integers(0, n_y, n_y)
        yield draws[:, :n_x], draws[:, n_x:]


def _cliffs_delta_of_resamples(
    x: np.ndarray, y: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Cliff's delta of each resample ``x[ix[r]]``, ``y[iy[r]]``, without sorting.

    Each value is replaced once by its rank among the K distinct values of x and y, so a
    resample's U is two bincounts and a cumulative sum, for a chunk of resamples at once
    (each resample's counts offset by r * K). Integer arithmetic up to one division of
    integers below 2**53: each result is exactly ``cliffs_delta(x[ix[r]], y[iy[r]])``.
    """
    pooled = np.unique(np.concatenate([x, y]))
    x_rank, y_rank = np.searchsorted(pooled, x), np.searchsorted(pooled, y)
    k, pairs = len(pooled), len(x) * len(y)

    def deltas(ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
        reps = len(ix)
        x_codes, y_codes = x_rank[ix], y_rank[iy]
        if reps > 1:  # resample r counts in bins r * K .. r * K + K - 1
            offsets = (np.arange(reps) * k)[:, None]
            x_codes += offsets
            y_codes += offsets
        x_count = np.bincount(x_codes.ravel(), minlength=reps * k).reshape(reps, k)
        y_count = np.bincount(y_codes.ravel(), minlength=reps * k).reshape(reps, k)
        # 2U: each x scores 2 per y below it and 1 per y tied with it.
        two_u = (x_count * (2 * (np.cumsum(y_count, axis=1) - y_count) + y_count)).sum(axis=1)
        return two_u / pairs - 1

    return deltas


def _describe(values: np.ndarray, stratum: str) -> dict[str, float]:
    if len(values) == 0:
        described = dict.fromkeys(DESCRIPTIVES, float("nan"))
    else:
        described = {
            "mean": float(values.mean()),
            "sd": float(values.std(ddof=1)) if len(values) > 1 else float("nan"),
            "median": float(np.median(values)),
            "q1": float(np.quantile(values, 0.25)),
            "q3": float(np.quantile(values, 0.75)),
        }
    return {"n_" + stratum: len(values), **{f"{k}_{stratum}": v for k, v in described.items()}}


def _mann_whitney_method(x: np.ndarray, y: np.ndarray) -> str:
    # scipy's own "auto" rule, made explicit so a scipy default change cannot move results:
    # the normal approximation (with tie correction) when both strata exceed 8 families or
    # when there are ties, the exact distribution otherwise.
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    return "asymptotic" if (len(x) > 8 and len(y) > 8) or ties else "exact"


def _constant(x: np.ndarray, y: np.ndarray) -> bool:
    # A measure with one value for every family (e.g. no family had the activity) carries
    # no test: it gets no p-value and so does not widen the multiplicity family.
    pooled = np.concatenate([x, y])
    return bool(pooled.min() == pooled.max())


def _family_test(x: np.ndarray, y: np.ndarray, test: str) -> tuple[float, float]:
    """(statistic, two-sided p): U of the rural stratum, or Welch's t (rural - urban)."""
    if len(x) < 2 or len(y) < 2 or _constant(x, y):
        return (float("nan"), float("nan"))
    with warnings.catch_warnings():
        # Constant measures make t undefined (NaN); that is reported, not warned about.
        warnings.simplefilter("ignore", RuntimeWarning)
        if test == "mann_whitney":
            result = stats.mannwhitneyu(
                x, y, alternative="two-sided", method=_mann_whitney_method(x, y)
            )
        else:
            result = stats.ttest_ind(x, y, equal_var=False)
    return (float(result.statistic), float(result.pvalue))


def compare_measure(
    x: Iterable[float],
    y: Iterable[float],
    *,
    test: str = "mann_whitney",
    n_boot: int = 2000,
    seed: int = 2018,
    level: float = 0.95,
) -> dict[str, object]:
    """Compare one measure between rural (``x``) and urban (``y``) families.

    Keys: n, mean, sd, median, q1, q3 suffixed _rural / _urban; test; statistic (U of the
    rural stratum for Mann-Whitney, Welch's t otherwise); p_value (two-sided); effect
    (Cliff's delta) with effect_low / effect_high (percentile bootstrap at ``level``).
    """
    check_choice("test", test, TESTS)
    x, y = drop_missing(x), drop_missing(y)
    statistic, p_value = _family_test(x, y, test)
    low, high = bootstrap_ci(x, y, cliffs_delta, n_boot, seed, level)
    return {
        **_describe(x, "rural"),
        **_describe(y, "urban"),
        "test": test,
        "statistic": statistic,
        "p_value": p_value,
        "effect_measure": "cliffs_delta",
        "effect": cliffs_delta(x, y),
        "effect_low": low,
        "effect_high": high,
    }


def adjust_pvalues(p: Sequence[float] | np.ndarray | pd.Series, method: str = "holm"):
    """Holm or Benjamini-Hochberg adjusted p-values, same shape (a Series keeps its index).

    Missing p-values stay missing and are left out of the family of tests, so a
    measure that could not be tested does not make the others look stricter.
    """
    check_choice("adjust", method, ADJUSTMENTS)
    values = np.asarray(p, dtype=float)
    if np.any((values < 0) | (values > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(values.shape, np.nan)
    tested = ~np.isnan(values)
    if tested.any():
        adjusted[tested] = multipletests(values[tested], method=ADJUSTMENTS[method])[1]
    if isinstance(p, pd.Series):
        return pd.Series(adjusted, index=p.index, name=p.name)
    return adjusted
