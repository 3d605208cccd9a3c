"""Rural / urban coding from the USDA Rural-Urban Continuum Code (RUCC).

The paper says services differed between "rural and more urban settings" but not how
settings were coded. We code from the 2013 USDA RUCC (1-3 metropolitan counties, 4-9
non-metropolitan) with a study-level threshold (config ``rurality.rucc_rural_threshold``,
default 4, the metro / non-metro line): rural when RUCC >= threshold. The coding string
from ``describe_coding`` is written beside every rural / urban result so a reader sees
which cut was used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RUCC_MIN, RUCC_MAX = 1, 9


def check_threshold(threshold: int) -> int:
    """The threshold as an int; it must leave both strata possible (2..9)."""
    if isinstance(threshold, bool) or int(threshold) != threshold:
        raise ValueError(f"RUCC rural threshold must be a whole number, got {threshold!r}")
    threshold = int(threshold)
    if not RUCC_MIN < threshold <= RUCC_MAX:
        # 1 would make every county rural, 10 none: the comparison would be empty.
        raise ValueError(
            f"RUCC rural threshold must be between {RUCC_MIN + 1} and {RUCC_MAX}, got {threshold}"
        )
    return threshold


def rurality_from_rucc(rucc: pd.Series, threshold: int = 4) -> pd.Series:
    """ "rural" when RUCC >= threshold, "urban" otherwise; a missing RUCC stays missing.

    Codes outside 1..9 (or not whole numbers) raise ValueError naming them, because a
    wrong code would silently move families between strata.
    """
    threshold = check_threshold(threshold)
    codes = pd.to_numeric(rucc, errors="coerce").astype("Float64")
    unparseable = codes.isna() & rucc.notna()
    invalid = unparseable | (codes.notna() & ~codes.isin(range(RUCC_MIN, RUCC_MAX + 1)))
    if invalid.any():
        bad = sorted({str(value) for value in rucc[invalid.to_numpy(dtype=bool)]})
        raise ValueError(f"RUCC values outside {RUCC_MIN}..{RUCC_MAX}: {', '.join(bad)}")
    known = codes.notna().to_numpy(dtype=bool)
    rural = (codes >= threshold).fillna(False).to_numpy(dtype=bool)
    labels = np.where(rural, "rural", "urban").astype(object)
    labels[~known] = np.nan
    return pd.Series(labels, index=rucc.index, name="rurality", dtype="str")


def describe_coding(threshold: int = 4) -> str:
    """The coding in words, e.g. "rural = USDA RUCC 4-9, urban = RUCC 1-3"."""
    threshold = check_threshold(threshold)
    return (
        f"rural = USDA RUCC {_code_range(threshold, RUCC_MAX)}, "
        f"urban = RUCC {_code_range(RUCC_MIN, threshold - 1)}"
    )


def _code_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"
