"""Rural / urban comparison of service measures (P4), and its clustering sensitivity.

The paper reports that services "differed significantly between rural and more urban
settings" without naming its tests, so every choice here is a parameter (config section
``stratify``). The choices and why:

- Family-level test per measure: Mann-Whitney U (two-sided; service counts are skewed
  and zero-heavy; normal approximation with tie and continuity correction, exact only
  for tiny tie-free strata) or Welch's t-test. The effect size is always Cliff's
  delta, P(rural > urban) - P(rural < urban), with a percentile bootstrap CI that
  resamples families within each stratum.
- Share of families receiving a service (value > 0, count measures only): Pearson
  chi-square without continuity correction, or Fisher's exact test when any expected
  cell count is below 5; effect = rural share - urban share with Newcombe's hybrid
  score CI (built from Wilson intervals, so it needs no bootstrap).
- Multiplicity: the continuous and the share-receiving tests of one run form ONE family
  (Holm or Benjamini-Hochberg over every estimable test), because both answer the same
  question "do services differ?" and a reader will scan them together.
- A stratum with fewer than ``min_cell_size`` families with a value makes the
  comparison not estimable: its statistics are left blank and it leaves the family.
  A measure with no variation (every family, or none, receiving in both strata) is
  described but not tested, and leaves the family too.

Families are nested in sites and rurality is assigned per site, so family-level tests
treat correlated families as independent and overstate the evidence. The clustering
sensitivity therefore re-tests each measure with rurality permuted across SITES (exact
enumeration when the assignments are few; statistic: difference of the rural and
urban means of site means, or the family-level Cliff's delta) and with site-clustered
standard errors. ``survives_clustering`` needs the family-level adjusted p AND the
permutation p, adjusted across measures with the same method, below alpha.
With few sites both are weak: with 6 sites of which 2 are rural there are only 15
assignments, so the smallest attainable permutation p is 1/15 = 0.067 and no measure
can "survive clustering" at alpha 0.05; cluster-robust SEs with 6 clusters are
anti-conservative. The output says so (``min_attainable_p``, ``permutation_can_reach_alpha``).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from peermentor.analysis import clusters
from peermentor.analysis.estimable import not_estimable, one_stratum_reason
from peermentor.analysis.measures import COMPARED_MEASURES
from peermentor.analysis.profile import COUNT_MEASURES
from peermentor.analysis.workforce import wilson_ci
from peermentor.publish.disclosure import (
    round_published,
    suppress_linked_counts,
    suppress_small_cells,
)

STRATA: tuple[str, ...] = ("rural", "urban")
TESTS: tuple[str, ...] = ("mann_whitney", "t_test")
ADJUSTMENTS: dict[str, str] = {"holm": "holm", "bh": "fdr_bh"}  # config name -> statsmodels
PERMUTATION_STATISTICS: tuple[str, ...] = ("site_means", "cliffs_delta")
DESCRIPTIVES: tuple[str, ...] = ("mean", "sd", "median", "q1", "q3")

COMPARISON_COLUMNS: tuple[str, ...] = (
    "measure",
    "kind",
    "n_rural",
    "n_urban",
    *(f"{stat}_rural" for stat in DESCRIPTIVES),
    *(f"{stat}_urban" for stat in DESCRIPTIVES),
    "n_receiving_rural",
    "n_receiving_urban",
    "n_not_receiving_rural",
    "n_not_receiving_urban",
    "share_rural",
    "share_urban",
    "test",
    "statistic",
    "p_value",
    "adjust",
    "p_adjusted",
    "significant",
    "effect_measure",
    "effect",
    "effect_low",
    "effect_high",
    "estimable",
    "note",
    "coding",
    "unit",
)
SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "measure",
    "p_adjusted_family",
    "significant_family",
    "permutation_statistic",
    "observed_statistic",
    "p_permutation",
    "p_permutation_adjusted",
    "n_assignments",
    "n_permutations_drawn",
    "exact",
    "min_attainable_p",
    "permutation_can_reach_alpha",
    "n_sites",
    "n_rural_sites",
    "coef_cluster",
    "se_cluster",
    "p_cluster",
    "n_clusters",
    "survives_clustering",
    "estimable",
    "adjust",
    "alpha",
    "coding",
    "note",
)
# Counts of families in the comparison table: the publish step suppresses small ones.
COMPARISON_COUNT_COLUMNS: tuple[str, ...] = tuple(
    col for col in COMPARISON_COLUMNS if col.startswith("n_")
)
OUTCOME_COUNT_COLUMNS: tuple[str, ...] = ("n_closed", "n_with_outcome", "n_unified", "n_separated")

# Arguments for ``publish.suppress_small_cells``: which counts add up within a row, and
# which values reveal a count (a share and its CI; the share difference reveals both).
COMPARISON_COLUMN_GROUPS: dict[str, list[str]] = {
    f"n_{s}": [f"n_receiving_{s}", f"n_not_receiving_{s}"] for s in ("rural", "urban")
}
_SHARE_DEPENDENT = ("statistic", "effect", "effect_low", "effect_high")
# A stratum's n also hides the test on it: U and Cliff's delta give n1 n2 back
# (delta = 2U / (n1 n2) - 1), and p-values follow from U and the n's.
_TEST_DEPENDENT = (*_SHARE_DEPENDENT, "p_value", "p_adjusted")
COMPARISON_DEPENDENT_COLUMNS: dict[str, list[str]] = {
    **{
        f"n_{s}": [*(f"{d}_{s}" for d in (*DESCRIPTIVES, "share")), *_TEST_DEPENDENT]
        for s in ("rural", "urban")
    },
    **{
        f"n_{kind}_{s}": [f"share_{s}", *_SHARE_DEPENDENT]
        for kind in ("receiving", "not_receiving")
        for s in ("rural", "urban")
    },
}
OUTCOME_COLUMN_GROUPS: dict[str, list[str]] = {"n_with_outcome": ["n_unified", "n_separated"]}
OUTCOME_DEPENDENT_COLUMNS: dict[str, list[str]] = {
    col: ["share_unified", "ci_low", "ci_high"] for col in OUTCOME_COUNT_COLUMNS[1:]
}


# --- building blocks -------------------------------------------------------------------


def _values(values: Iterable[float]) -> np.ndarray:
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
    x, y = _values(x), _values(y)
    if len(x) == 0 or len(y) == 0:
        return float("nan")
    return 2 * _u_rural(x, y) / (len(x) * len(y)) - 1


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
    x, y = _values(x), _values(y)
    if n_boot <= 0 or len(x) == 0 or len(y) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    if stat is cliffs_delta:
        of_resample = _cliffs_delta_of_resample(x, y)
    else:
        of_resample = lambda ix, iy: stat(x[ix], y[iy])  # noqa: E731
    replicates = np.empty(n_boot)
    for b in range(n_boot):  # x's draw, then y's: the same stream whatever the statistic
        ix = rng.integers(0, len(x), len(x))
        replicates[b] = of_resample(ix, rng.integers(0, len(y), len(y)))
    tail = (1 - level) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return (float(low), float(high))


def _cliffs_delta_of_resample(
    x: np.ndarray, y: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], float]:
    """Cliff's delta of the resample ``x[ix]``, ``y[iy]``, in O(n + K) without sorting.

    Each value is replaced once by its rank among the K distinct values of x and y, so a
    resample's U is two bincounts and a cumulative sum (about 10 times faster than
    ``cliffs_delta`` on 50,000 families). Integer arithmetic: the result is exactly
    ``cliffs_delta(x[ix], y[iy])``.
    """
    pooled = np.unique(np.concatenate([x, y]))
    x_rank, y_rank = np.searchsorted(pooled, x), np.searchsorted(pooled, y)
    k, pairs = len(pooled), len(x) * len(y)

    def delta(ix: np.ndarray, iy: np.ndarray) -> float:
        y_count = np.bincount(y_rank[iy], minlength=k)
        x_count = np.bincount(x_rank[ix], minlength=k)
        # 2U: each x scores 2 per y below it and 1 per y tied with it.
        two_u = int(x_count @ (2 * (np.cumsum(y_count) - y_count) + y_count))
        return two_u / pairs - 1

    return delta


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


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


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
    _check_choice("test", test, TESTS)
    x, y = _values(x), _values(y)
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
    _check_choice("adjust", method, ADJUSTMENTS)
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


# --- share of families receiving a service ---------------------------------------------


def newcombe_ci(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score CI of p1 - p2 (his method 10), from Wilson intervals."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_ci(k1, n1, level)
    l2, u2 = wilson_ci(k2, n2, level)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def compare_share(
    x: Iterable[float],
    y: Iterable[float],
    *,
    level: float = 0.95,
    continuity_correction: bool = False,
) -> dict[str, object]:
    """Share of families with value > 0, rural (``x``) versus urban (``y``).

    Chi-square (statistic = chi-square), or Fisher's exact test when an expected count
    is below 5 (statistic = the sample odds ratio); the ``test`` key says which.
    """
    x, y = _values(x), _values(y)
    k1, n1, k2, n2 = int((x > 0).sum()), len(x), int((y > 0).sum()), len(y)
    row = {
        "n_rural": n1,
        "n_urban": n2,
        "n_receiving_rural": k1,
        "n_receiving_urban": k2,
        "n_not_receiving_rural": n1 - k1,
        "n_not_receiving_urban": n2 - k2,
        "share_rural": k1 / n1 if n1 else float("nan"),
        "share_urban": k2 / n2 if n2 else float("nan"),
        "effect_measure": "share_difference",
    }
    if n1 == 0 or n2 == 0:
        return {**row, "test": None, "statistic": float("nan"), "p_value": float("nan")}
    low, high = newcombe_ci(k1, n1, k2, n2, level)
    effect = {"effect": k1 / n1 - k2 / n2, "effect_low": low, "effect_high": high}
    return {**row, **_share_test(k1, n1, k2, n2, continuity_correction), **effect}


def _share_test(k1: int, n1: int, k2: int, n2: int, continuity_correction: bool) -> dict:
    """Chi-square, or Fisher's exact test when an expected count is below 5."""
    if k1 + k2 in (0, n1 + n2):
        # Every family (or none) receiving in both strata: nothing to test, and an
        # untestable row must not widen the multiplicity family.
        return {"test": None, "statistic": float("nan"), "p_value": float("nan")}
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    if (expected < 5).any():
        odds_ratio, p_value = stats.fisher_exact(table)
        return {"test": "fisher_exact", "statistic": float(odds_ratio), "p_value": float(p_value)}
    chi2 = stats.chi2_contingency(table, correction=continuity_correction)
    return {"test": "chi_square", "statistic": float(chi2.statistic), "p_value": float(chi2.pvalue)}


# --- the comparison table --------------------------------------------------------------


def strata(profile: pd.DataFrame, column: str = "rurality") -> pd.Series:
    """The rurality column as "rural" / "urban" / NaN; any other label is an error."""
    labels = profile[column].astype("str")
    unknown = sorted(set(labels.dropna()) - set(STRATA))
    if unknown:
        raise ValueError(f"{column} must be 'rural' or 'urban'; found {', '.join(unknown)}")
    return labels


def _by_stratum(profile: pd.DataFrame, measure: str) -> tuple[np.ndarray, np.ndarray]:
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    return (
        _values(values[(labels == "rural").to_numpy(dtype=bool)]),
        _values(values[(labels == "urban").to_numpy(dtype=bool)]),
    )


def default_share_measures(measures: Iterable[str]) -> list[str]:
    """Count measures among ``measures``: "receiving" (value > 0) means something for them."""
    return [m for m in measures if m in COUNT_MEASURES]


def compare_strata(
    profile: pd.DataFrame,
    measures: Iterable[str] = COMPARED_MEASURES,
    *,
    test: str = "mann_whitney",
    adjust: str = "holm",
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 2018,
    min_cell_size: int = 11,
    coding: str = "",
    share_measures: Iterable[str] | None = None,
    level: float = 0.95,
    continuity_correction: bool = False,
) -> pd.DataFrame:
    """Tidy table: one "continuous" row per measure, then one "share_receiving" row per
    count measure (``share_measures``; default the count measures among ``measures``).

    All estimable tests of both kinds are adjusted together (one family). ``significant``
    is p_adjusted < alpha, missing when not tested. Columns: ``COMPARISON_COLUMNS``.
    """
    _check_choice("test", test, TESTS)
    _check_choice("adjust", adjust, ADJUSTMENTS)
    measures = list(measures)
    shares = default_share_measures(measures) if share_measures is None else list(share_measures)
    missing = [m for m in dict.fromkeys([*measures, *shares]) if m not in profile.columns]
    if missing:
        raise KeyError(f"family profile lacks measures: {', '.join(missing)}")

    one_stratum = one_stratum_reason(strata(profile))
    rows = []
    for measure in measures:
        x, y = _by_stratum(profile, measure)
        reason = one_stratum or _small_stratum_reason(x, y, min_cell_size)
        # No bootstrap for a comparison that will be blanked anyway.
        boots = 0 if reason else n_boot
        result = compare_measure(x, y, test=test, n_boot=boots, seed=seed, level=level)
        rows.append(_blank_unless(reason, {"measure": measure, "kind": "continuous", **result}))
    for measure in shares:
        x, y = _by_stratum(profile, measure)
        reason = one_stratum or _small_stratum_reason(x, y, min_cell_size)
        result = compare_share(x, y, level=level, continuity_correction=continuity_correction)
        rows.append(
            _blank_unless(reason, {"measure": measure, "kind": "share_receiving", **result})
        )

    table = pd.DataFrame(rows).reindex(columns=COMPARISON_COLUMNS)
    table["p_adjusted"] = adjust_pvalues(table["p_value"].astype(float), adjust)
    table["adjust"] = adjust
    table["significant"] = _below(table["p_adjusted"], alpha)
    table["coding"] = coding
    table["unit"] = "families"
    return table.astype(dict.fromkeys(COMPARISON_COUNT_COLUMNS, "Int64") | {"estimable": bool})


# Counts and labels a blank (not estimable) row keeps: the reader sees why it is blank.
_KEPT_WHEN_BLANK = ("measure", "kind", "n_rural", "n_urban", "test", "effect_measure")


def _small_stratum_reason(x: np.ndarray, y: np.ndarray, min_cell_size: int) -> str | None:
    small = [s for s, v in zip(STRATA, (x, y), strict=True) if len(v) < min_cell_size]
    if not small:
        return None
    return f"fewer than {min_cell_size} families with a value in the {' and '.join(small)} stratum"


def _blank_unless(reason: str | None, row: dict[str, object]) -> dict[str, object]:
    """The row as computed, or (``reason`` given) blanked with its not-estimable note."""
    if reason is None:
        return {**row, "estimable": True, "note": ""}
    row = {k: v for k, v in row.items() if k in _KEPT_WHEN_BLANK}
    return {**row, "estimable": False, "note": not_estimable(reason)}


def _below(p: pd.Series, alpha: float) -> pd.Series:
    """p < alpha as a nullable boolean: missing where there is no p-value."""
    return (p < alpha).astype("boolean").mask(p.isna())


# --- clustering by site ----------------------------------------------------------------


def _site_families(
    profile: pd.DataFrame, measure: str, site_column: str
) -> tuple[np.ndarray, np.ndarray, pd.Index, np.ndarray]:
    """Families with a value and a stratum: values, site codes, sites, rural flag per site."""
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    keep = (labels.notna() & values.notna()).to_numpy(dtype=bool)
    sites = profile.loc[keep, site_column].astype("str").to_numpy()
    rural = pd.Series((labels[keep] == "rural").to_numpy(dtype=bool))
    per_site = rural.groupby(sites, sort=True).agg(["min", "max"])
    mixed = per_site.index[per_site["min"] != per_site["max"]]
    if len(mixed):
        raise ValueError(
            f"rurality varies within site(s) {', '.join(mixed)}: "
            "rurality is not a site property, so site permutation is not defined"
        )
    codes = per_site.index.get_indexer(sites)
    rural_site = per_site["max"].to_numpy(dtype=bool)
    return values.to_numpy()[keep], codes, per_site.index, rural_site


def _assignments(
    rural_site: np.ndarray, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """Rural-site assignments with the observed number of rural sites.

    Every distinct assignment when there are no more than ``n_permutations`` of them
    (an exact test), otherwise ``n_permutations`` random ones.
    """
    n_sites, n_rural = len(rural_site), int(rural_site.sum())
    if math.comb(n_sites, n_rural) <= n_permutations:
        # Exact enumeration; beyond that a seeded Monte Carlo sample (Phipson & Smyth 2010).
        rows = np.zeros((math.comb(n_sites, n_rural), n_sites), dtype=bool)
        for i, chosen in enumerate(itertools.combinations(range(n_sites), n_rural)):
            rows[i, list(chosen)] = True
        return rows, True
    return rng.permuted(np.tile(rural_site, (n_permutations, 1)), axis=1), False


def _site_statistic(
    statistic: str, values: np.ndarray, codes: np.ndarray, n_sites: int
) -> Callable[[np.ndarray], np.ndarray]:
    """Vectorized statistic over a matrix of assignments (rows) x sites (columns)."""
    counts = np.bincount(codes, minlength=n_sites).astype(float)
    if statistic == "site_means":
        # Each site counts once: rural mean of site means minus urban mean of site means.
        means = np.bincount(codes, weights=values, minlength=n_sites) / counts

        def site_means(rural: np.ndarray) -> np.ndarray:
            return (rural @ means) / rural.sum(axis=1) - (~rural @ means) / (~rural).sum(axis=1)

        return site_means

    # Family-level Cliff's delta; the ranks do not depend on the labels, so a site's rank
    # sum is computed once and each assignment costs O(sites).
    rank_sums = np.bincount(codes, weights=stats.rankdata(values), minlength=n_sites)
    n_total = counts.sum()

    def delta(rural: np.ndarray) -> np.ndarray:
        n_rural = rural @ counts
        u = rural @ rank_sums - n_rural * (n_rural + 1) / 2
        return 2 * u / (n_rural * (n_total - n_rural)) - 1

    return delta


def site_permutation_test(
    profile: pd.DataFrame,
    measure: str,
    *,
    n_permutations: int = 2000,
    seed: int = 2018,
    statistic: str = "site_means",
    site_column: str = "site_id",
) -> dict[str, object]:
    """Two-sided test of rural vs urban with rurality permuted across sites.

    Rurality is a site property, so the site is the unit of randomization: the number
    of rural sites is kept and their identities permuted. With few sites all distinct
    assignments are enumerated (``exact`` True; p = share of assignments with |T| >=
    |T observed|, the observed one included); otherwise ``n_permutations`` are sampled
    (a seeded Monte Carlo test, ``exact`` False: p = (1 + hits) / (1 + B), B =
    ``n_permutations_drawn``, which is never 0 and is exact in level; Phipson & Smyth
    2010, "Permutation p-values should never be zero", SAGMB 9:39). ``n_assignments``
    is the number of distinct assignments, C(sites, rural sites), either way.
    ``min_attainable_p`` is the smallest p the
    design allows (1/15 with 6 sites of which 2 are rural): below alpha or the test can
    never reject. Raises ValueError when rurality varies within a site or a stratum has
    no site.
    """
    _check_choice("statistic", statistic, PERMUTATION_STATISTICS)
    values, codes, sites, rural_site = _site_families(profile, measure, site_column)
    if rural_site.all() or not rural_site.any():
        raise ValueError(site_strata_reason(rural_site))
    stat = _site_statistic(statistic, values, codes, len(sites))
    assignments, exact = _assignments(rural_site, n_permutations, np.random.default_rng(seed))
    observed = float(stat(rural_site[None, :])[0])
    permuted = np.abs(stat(assignments))
    # Tolerance: the same assignment computed in another order must count as "as extreme".
    tol = 1e-9 * max(1.0, abs(observed))
    hits = int((permuted >= abs(observed) - tol).sum())
    if exact:
        p_value = hits / len(assignments)
        min_p = float((permuted >= permuted.max() - tol).sum() / len(assignments))
    else:
        p_value = (1 + hits) / (1 + len(assignments))
        min_p = 1 / (1 + len(assignments))
    return {
        "permutation_statistic": statistic,
        "observed_statistic": observed,
        "p_value": float(p_value),
        "n_assignments": math.comb(len(sites), int(rural_site.sum())),
        "n_permutations_drawn": 0 if exact else len(assignments),
        "exact": exact,
        "min_attainable_p": min_p,
        "n_sites": len(sites),
        "n_rural_sites": int(rural_site.sum()),
    }


def site_strata_reason(rural_site: np.ndarray) -> str:
    """Why rurality cannot be permuted across these sites (one site, or one stratum)."""
    if len(rural_site) < 2:
        return f"{len(rural_site)} site(s): the site-level test needs sites in both strata"
    stratum = "rural" if rural_site.all() else "urban"
    return f"one stratum of sites (all {len(rural_site)} sites {stratum})"


def site_clustered_regression(
    profile: pd.DataFrame, measure: str, *, site_column: str = "site_id"
) -> dict[str, float]:
    """OLS of the measure on a rural indicator, standard errors clustered by site.

    coef = rural mean - urban mean (families weighted equally). Inference uses t with
    (sites - 1) degrees of freedom and statsmodels' small-sample correction; even so,
    with few clusters (and only 1-2 rural ones) cluster-robust SEs are too small and
    the p-value is anti-conservative: read it beside the permutation p, not alone.
    """
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    keep = (labels.notna() & values.notna()).to_numpy(dtype=bool)
    rural = (labels[keep] == "rural").to_numpy(dtype=float)
    groups = pd.factorize(profile.loc[keep, site_column].astype("str"))[0]
    n_clusters = len(np.unique(groups))
    if clusters.too_few_clusters(n_clusters, "site") or len(np.unique(rural)) < 2:
        return {"coef": np.nan, "se": np.nan, "p_value": np.nan, "n_clusters": n_clusters}
    fit = sm.OLS(values[keep].to_numpy(), sm.add_constant(rural)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    return {
        "coef": float(fit.params[1]),
        "se": float(fit.bse[1]),
        "p_value": float(fit.pvalues[1]),
        "n_clusters": n_clusters,
    }


def clustering_sensitivity(
    profile: pd.DataFrame,
    measures: Iterable[str] = COMPARED_MEASURES,
    *,
    comparison: pd.DataFrame | None = None,
    test: str = "mann_whitney",
    adjust: str = "holm",
    alpha: float = 0.05,
    n_permutations: int = 2000,
    seed: int = 2018,
    statistic: str = "site_means",
    min_cell_size: int = 11,
    site_column: str = "site_id",
    coding: str = "",
) -> pd.DataFrame:
    """Per measure: family-level significance beside the two site-aware re-tests.

    ``comparison`` is the ``compare_strata`` table (its continuous rows give the
    family-level adjusted p); when omitted it is recomputed without bootstrap. The
    permutation p-values are adjusted across measures with the same method, and
    ``survives_clustering`` = significant at family level AND adjusted permutation
    p < alpha. The cluster-robust p is shown but not used for the flag
    (anti-conservative with few sites).
    """
    measures = list(measures)
    if comparison is None:
        comparison = compare_strata(
            profile,
            measures,
            test=test,
            adjust=adjust,
            alpha=alpha,
            n_boot=0,
            seed=seed,
            min_cell_size=min_cell_size,
            coding=coding,
        )
    family = comparison[comparison["kind"] == "continuous"].set_index("measure")
    rows = [
        _sensitivity_row(
            profile,
            measure,
            family,
            n_permutations=n_permutations,
            seed=seed,
            statistic=statistic,
            site_column=site_column,
        )
        for measure in measures
    ]
    table = pd.DataFrame(rows).reindex(columns=SENSITIVITY_COLUMNS)
    table["p_permutation_adjusted"] = adjust_pvalues(table["p_permutation"].astype(float), adjust)
    table["permutation_can_reach_alpha"] = _below(table["min_attainable_p"], alpha)
    significant = table["significant_family"].astype("boolean")
    permuted = _below(table["p_permutation_adjusted"], alpha)
    # False as soon as either test is not significant; missing only when undecidable.
    table["survives_clustering"] = significant & permuted
    table["estimable"] = table["p_permutation"].notna()
    table["note"] = [_sensitivity_note(row, alpha) for row in table.itertuples(index=False)]
    table["adjust"] = adjust
    table["alpha"] = alpha
    table["coding"] = coding
    counts = ("n_assignments", "n_sites", "n_rural_sites", "n_clusters")
    counts = (*counts, "n_permutations_drawn")
    flags = ("exact", "permutation_can_reach_alpha")
    return table.astype(
        dict.fromkeys(counts, "Int64") | dict.fromkeys(flags, "boolean") | {"estimable": bool}
    )


def _sensitivity_note(row, alpha: float) -> str:
    """The row's note: why it was not tested, or, in words, why it cannot reach alpha."""
    if not row.estimable:
        return row.note if row.note.startswith("not estimable") else not_estimable(row.note)
    if row.min_attainable_p >= alpha:
        return (
            f"cannot reach alpha {alpha:g}: {row.n_sites} sites ({row.n_rural_sites} rural) "
            f"give {row.n_assignments} assignment(s), so the smallest attainable p is "
            f"{row.min_attainable_p:.3g}"
        )
    return ""


def _sensitivity_row(
    profile: pd.DataFrame,
    measure: str,
    family: pd.DataFrame,
    *,
    n_permutations: int,
    seed: int,
    statistic: str,
    site_column: str,
) -> dict[str, object]:
    row: dict[str, object] = {"measure": measure, "note": ""}
    if measure in family.index:
        row["p_adjusted_family"] = family.at[measure, "p_adjusted"]
        row["significant_family"] = family.at[measure, "significant"]
        estimable = bool(family.at[measure, "estimable"])
    else:
        row["significant_family"], estimable = pd.NA, False
    if not estimable:
        note = family.at[measure, "note"] if measure in family.index else None
        row["note"] = note if isinstance(note, str) and note else "not compared at family level"
        return row
    try:
        permutation = site_permutation_test(
            profile,
            measure,
            n_permutations=n_permutations,
            seed=seed,
            statistic=statistic,
            site_column=site_column,
        )
    except ValueError as error:  # mixed-rurality site or a stratum without sites
        row["note"] = str(error)
    else:
        row.update(permutation)
        row["p_permutation"] = row.pop("p_value")
    cluster = site_clustered_regression(profile, measure, site_column=site_column)
    row["coef_cluster"], row["se_cluster"] = cluster["coef"], cluster["se"]
    row["p_cluster"], row["n_clusters"] = cluster["p_value"], cluster["n_clusters"]
    return row


# --- outcome at closure by stratum -----------------------------------------------------


def outcome_by_stratum(
    profile: pd.DataFrame, min_cell_size: int = 11, level: float = 0.95
) -> pd.DataFrame:
    """Unification at closure per stratum (closed cases only), with a Wilson CI.

    One row per stratum (rural, urban), always both. Counts are ``OUTCOME_COUNT_COLUMNS``
    with ``unit`` "families"; ``below_min_cell`` flags a row with a nonzero count below
    ``min_cell_size`` (its share and CI reveal that count too), for the publish step to
    suppress. ``estimable`` is False when fewer than ``min_cell_size`` closed families
    have a known outcome; share and CI are then blank and ``note`` says why (the row of
    a stratum without families: "one stratum (all families ...)").
    """
    labels = strata(profile)
    one_stratum = one_stratum_reason(labels)
    closed = profile["case_closed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    unified = pd.to_numeric(profile["unified_at_closure"]).astype(float).to_numpy()
    rows = []
    for stratum in STRATA:
        in_stratum = (labels == stratum).to_numpy(dtype=bool)
        here = closed & in_stratum
        outcome = unified[here]
        n_with_outcome = int((~np.isnan(outcome)).sum())
        n_unified = int((outcome == 1).sum())
        estimable = n_with_outcome >= min_cell_size
        if estimable:
            note = ""
        elif one_stratum and not in_stratum.any():
            note = not_estimable(one_stratum)  # the row of the absent stratum
        else:
            note = not_estimable(
                f"fewer than {min_cell_size} closed {stratum} families with a known outcome"
            )
        low, high = wilson_ci(n_unified, n_with_outcome, level) if estimable else (np.nan,) * 2
        counts = (int(here.sum()), n_with_outcome, n_unified, n_with_outcome - n_unified)
        rows.append(
            {
                "rurality": stratum,
                **dict(zip(OUTCOME_COUNT_COLUMNS, counts, strict=True)),
                "share_unified": n_unified / n_with_outcome if estimable else np.nan,
                "ci_low": low,
                "ci_high": high,
                "estimable": estimable,
                "note": note,
                "below_min_cell": any(0 < c < min_cell_size for c in counts),
                "unit": "families",
            }
        )
    return pd.DataFrame(rows)


# --- published tables ----------------------------------------------------------------------


def publish_comparison(
    comparison: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """``compare_strata``'s table with small cells and what reveals them suppressed.

    Besides the counts below ``min_cell_size``, a measure defined for only some families
    (days to the Nth contact) must not reveal, by its n, the small number it leaves out.
    """
    published = suppress_small_cells(
        comparison,
        count_columns=COMPARISON_COUNT_COLUMNS,
        min_cell_size=min_cell_size,
        dependent_columns=COMPARISON_DEPENDENT_COLUMNS,
        column_groups=COMPARISON_COLUMN_GROUPS,
    )
    families = profile["rurality"].value_counts()
    return suppress_linked_counts(
        published,
        count_columns=["n_rural", "n_urban"],
        reference={"n_rural": families.get("rural", 0), "n_urban": families.get("urban", 0)},
        rows=(comparison["kind"] == "continuous").to_numpy(),
        min_cell_size=min_cell_size,
        dependent_columns=COMPARISON_DEPENDENT_COLUMNS,
    ).pipe(round_published, decimals)


def publish_outcome(
    outcome: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """``outcome_by_stratum``'s table with counts below ``min_cell_size`` suppressed."""
    return suppress_small_cells(
        outcome,
        count_columns=OUTCOME_COUNT_COLUMNS,
        min_cell_size=min_cell_size,
        dependent_columns=OUTCOME_DEPENDENT_COLUMNS,
        column_groups=OUTCOME_COLUMN_GROUPS,
    ).pipe(round_published, decimals)
