"""Publishing the P4 tables: the rural / urban comparison and the outcome by stratum with
small cells (and what reveals them) suppressed, then rounded; the clustering table
rounded (it holds no count of families)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from peermentor.analysis.rural_urban.tables import (
    COMPARISON_COLUMN_GROUPS,
    COMPARISON_COUNT_COLUMNS,
    COMPARISON_DEPENDENT_COLUMNS,
    OUTCOME_COLUMN_GROUPS,
    OUTCOME_COUNT_COLUMNS,
    OUTCOME_DEPENDENT_COLUMNS,
)
from peermentor.publish.disclosure import (
    means_protect_complements,
    round_published,
    suppress_linked_counts,
    suppress_small_cells,
)


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
    That n is hidden, and so is the U statistic (with Cliff's delta it gives n1 n2 back).
    The comparison itself stays published: Cliff's delta and its CI, the p-values and the
    stratum's median and quartiles do not pin n, and neither does a mean at the published
    precision over an n of at least ``min_cell_size`` (``linked_dependents``).
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
        dependent_columns=linked_dependents(min_cell_size, decimals),
    ).pipe(round_published, decimals)


def linked_dependents(
    min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> dict[str, list[str]]:
    """What a stratum n hidden for a small gap (not for being small) takes with it.

    Such an n is not small (a small one is hidden with everything computed on it); only
    the families it leaves out are few. What gives it back is U beside Cliff's delta
    (delta = 2U/(n1 n2) - 1). A mean at 1 decimal over n fits about 0.1 n whole totals,
    so every candidate n fits it once n is in the tens (the rule of
    ``publish_profile_summary``); with finer means the descriptives go too. Shares follow
    their counts, as everywhere.
    """
    if means_protect_complements(min_cell_size, decimals):
        return {f"n_{s}": ["statistic", f"share_{s}"] for s in ("rural", "urban")}
    return dict(COMPARISON_DEPENDENT_COLUMNS)


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


#: Precision kinds of the clustering table's columns the name prefixes would miss: the
#: observed statistic (difference of site means, or Cliff's delta) and the site-clustered
#: coefficient and SE (a difference of means) at the effects' decimals.
CLUSTERING_KINDS: dict[str, str] = {
    "observed_statistic": "effect",
    "coef_cluster": "effect",
    "se_cluster": "effect",
    "min_attainable_p": "p_value",
}


def publish_clustering(
    clustering: pd.DataFrame, *, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """``clustering_sensitivity``'s table at the published precision."""
    return round_published(clustering, decimals, CLUSTERING_KINDS)
