"""What the P4 tables hold: the two strata, the choices the config may make, the columns of
the comparison, clustering and outcome tables, and the ``suppress_small_cells`` arguments the
publish step passes for them (kept here, beside the columns they name)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

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

# Arguments for ``publish.disclosure.suppress_small_cells``: which counts add up within a row, and
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


def check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    """A configurable choice must be one of ``allowed``; the error lists them."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def strata(profile: pd.DataFrame, column: str = "rurality") -> pd.Series:
    """The rurality column as "rural" / "urban" / NaN; any other label is an error."""
    labels = profile[column].astype("str")
    unknown = sorted(set(labels.dropna()) - set(STRATA))
    if unknown:
        raise ValueError(f"{column} must be 'rural' or 'urban'; found {', '.join(unknown)}")
    return labels
