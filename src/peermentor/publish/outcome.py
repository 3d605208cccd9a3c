"""Publishing the outcome models' diagnostics (P5): small exclusion counts suppressed.

``diagnostics_table`` (analysis) lists the families excluded before each model; like every
published count below ``disclosure.min_cell_size`` they are suppressed
(``disclosure.suppress_small_cells``) before results/models/diagnostics.csv is written.
"""

from __future__ import annotations

import pandas as pd

from peermentor.analysis.outcome import FitResult, diagnostics_table, exclusions_table
from peermentor.publish.disclosure import suppress_small_cells


def publish_diagnostics(
    fits: list[FitResult], frame: pd.DataFrame, formula: str, *, min_cell_size: int
) -> pd.DataFrame:
    """``diagnostics_table`` with the excluded families below ``min_cell_size`` suppressed."""
    excluded = suppress_small_cells(
        exclusions_table(fits), count_columns=["families"], min_cell_size=min_cell_size
    ).drop(columns="suppressed")
    return diagnostics_table(fits, frame, formula, excluded=excluded)
