"""The comparison table (``compare_strata``): per measure the family-level test and effect,
and for count measures the share of families receiving the service (chi-square or Fisher,
Newcombe CI of the share difference), all adjusted as one family."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from peermentor.analysis.estimable import not_estimable, one_stratum_reason
from peermentor.analysis.measures import COMPARED_MEASURES
from peermentor.analysis.profile import COUNT_MEASURES
from peermentor.analysis.rural_urban.effects import adjust_pvalues, compare_measure, drop_missing
from peermentor.analysis.rural_urban.tables import (
    ADJUSTMENTS,
    COMPARISON_COLUMNS,
    COMPARISON_COUNT_COLUMNS,
    STRATA,
    TESTS,
    check_choice,
    strata,
)
from peermentor.analysis.workforce import wilson_ci

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
    x, y = drop_missing(x), drop_missing(y)
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


def _by_stratum(profile: pd.DataFrame, measure: str) -> tuple[np.ndarray, np.ndarray]:
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    return (
        drop_missing(values[(labels == "rural").to_numpy(dtype=bool)]),
        drop_missing(values[(labels == "urban").to_numpy(dtype=bool)]),
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
    check_choice("test", test, TESTS)
    check_choice("adjust", adjust, ADJUSTMENTS)
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
    table["significant"] = below(table["p_adjusted"], alpha)
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


def below(p: pd.Series, alpha: float) -> pd.Series:
    """p < alpha as a nullable boolean: missing where there is no p-value."""
    return (p < alpha).astype("boolean").mask(p.isna())
