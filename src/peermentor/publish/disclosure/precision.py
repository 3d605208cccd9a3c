"""Fixed precision (policy point 4): the decimals of each kind of published statistic."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Decimals of each kind of published statistic (``disclosure.decimals`` overrides).
DEFAULT_DECIMALS: dict[str, int] = {
    "mean": 1,  # means, SDs, quantiles, days, hours, months
    "share": 3,  # shares in 0..1 and their CIs: 0.1 percentage point
    "effect": 2,  # Cliff's delta, share differences and their CIs
    "ratio": 3,  # odds ratios
    "statistic": 0,  # test statistics (Mann-Whitney U)
    "p_value": 3,  # significant digits, not decimals
}

_KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("p_", "p_value"),
    ("share", "share"),
    ("ci_", "share"),
    ("effect", "effect"),
    ("statistic", "statistic"),
    ("or_", "ratio"),
    ("odds_ratio", "ratio"),
    *((p, "mean") for p in ("mean", "sd", "median", "q1", "q3", "min", "max")),
    *((p, "mean") for p in ("days_to_", "hours", "tenure_", "relative_")),
)


def statistic_kind(column: str) -> str | None:
    """The precision kind of a published column by its name; None for counts and labels."""
    if column.startswith("n_") or column in {"count", "suppressed", "estimable"}:
        return None
    for prefix, kind in _KIND_PREFIXES:
        if column.startswith(prefix):
            return kind
    return None


def round_value(value: object, kind: str, decimals: Mapping[str, int] | None = None) -> object:
    """``value`` at the published precision of ``kind``; markers and labels as they are."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, float | np.floating):
        return value
    if not math.isfinite(value):
        return value
    places = {**DEFAULT_DECIMALS, **(decimals or {})}[kind]
    if kind == "p_value":
        if value == 0:
            return 0.0
        places = places - 1 - math.floor(math.log10(abs(value)))
    return round(float(value), max(places, 0))


def round_published(table: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """A copy of ``table`` with every statistic column at its kind's precision."""
    out = table.copy()
    for column in out.columns:
        kind = statistic_kind(str(column))
        if kind is None or out[column].dtype == bool:
            continue
        rounded = [round_value(v, kind, decimals) for v in out[column]]
        out[column] = pd.Series(rounded, index=out.index, dtype=out[column].dtype)
    return out


def round_replication(
    table: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """The replication table with computed figures rounded by the kind of each row.

    The rows mix kinds (odds ratios, percentages, means); the id says which. The
    difference is recomputed from the rounded value so the columns agree.
    """
    out = table.copy()
    kinds = ["ratio" if str(i).startswith("or_") else "mean" for i in out["id"]]
    computed = [
        round_value(float(v), k, decimals) for v, k in zip(out["computed"], kinds, strict=True)
    ]
    out["computed"] = pd.Series(computed, index=out.index, dtype=float)
    if "published" in out:
        diff = out["computed"] - out["published"].astype(float)
        out["difference"] = [
            round_value(float(v), k, decimals) for v, k in zip(diff, kinds, strict=True)
        ]
        out["relative_difference"] = (diff / out["published"].astype(float)).round(3)
    return out
