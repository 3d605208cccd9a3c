"""Publishing the P4 tables: the rural / urban comparison and the outcome by stratum with
small cells (and what reveals them) suppressed, then rounded. The clustering table is
published as computed."""

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
