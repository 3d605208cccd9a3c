"""Unification at case closure per stratum, with a Wilson CI (the outcome by rurality)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis.estimable import not_estimable, one_stratum_reason
from peermentor.analysis.rural_urban.tables import OUTCOME_COUNT_COLUMNS, STRATA, strata
from peermentor.analysis.workforce import wilson_ci


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
