"""Fixed precision (policy point 4): the decimals of each kind of published statistic."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

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
    "coefficient": 3,  # model coefficients (log-odds) and SEs, LR chi2, degrees of freedom
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


def statistic_kind(column: str, kinds: Mapping[str, str] | None = None) -> str | None:
    """The precision kind of a published column: ``kinds[column]`` when given (a table whose
    names the prefixes would misread, e.g. the visit gap's ``ci_low`` in contacts), else by
    its name; None for counts and labels."""
    if kinds and column in kinds:
        return kinds[column]
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
    # Half away from zero on the exact binary value (20.25 -> 20.3, U 18561.5 -> 18562), the
    # convention of published tables; Python's round() would give 20.2 (half to even).
    # + 0.0 turns a negative zero (-0.004 to 2 decimals) into 0.0: no "-0.00" is printed.
    step = Decimal(1).scaleb(-_places(float(value), kind, decimals))
    return float(Decimal(float(value)).quantize(step, rounding=ROUND_HALF_UP)) + 0.0


def _places(value: float, kind: str, decimals: Mapping[str, int] | None) -> int:
    """Decimals of ``value`` at its kind's precision (p-values: significant digits)."""
    places = {**DEFAULT_DECIMALS, **(decimals or {})}[kind]
    if kind == "p_value" and value != 0:
        places = places - 1 - math.floor(math.log10(abs(value)))
    return max(places, 0)


def format_value(value: object, kind: str, decimals: Mapping[str, int] | None = None) -> object:
    """``value`` as the published text: rounded (``round_value``), then printed with exactly
    its kind's decimals ("0.80", "14.0", "1.000", "18562"), p-values with their significant
    digits ("0.700", "1.40e-22"). Markers, labels, NaN and counts stay as they are."""
    rounded = round_value(value, kind, decimals)
    if not isinstance(rounded, float) or not math.isfinite(rounded):
        return rounded
    if kind == "p_value":
        digits = {**DEFAULT_DECIMALS, **(decimals or {})}[kind]
        return "0" if rounded == 0 else f"{rounded:#.{digits}g}".rstrip(".")
    return f"{rounded:.{_places(rounded, kind, decimals)}f}"


def round_published(
    table: pd.DataFrame,
    decimals: Mapping[str, int] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``table`` with every statistic column at its kind's precision
    (``kinds`` names the kind of columns the prefixes would misread)."""
    out = table.copy()
    for column in out.columns:
        kind = statistic_kind(str(column), kinds)
        if kind is None or out[column].dtype == bool:
            continue
        rounded = [round_value(v, kind, decimals) for v in out[column]]
        out[column] = pd.Series(rounded, index=out.index, dtype=out[column].dtype)
    return out


def format_published(
    table: pd.DataFrame,
    decimals: Mapping[str, int] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``round_published`` printed: every statistic column as text with its kind's exact
    decimals, what the CSV holds and every reader (notebook, report) shows unchanged."""
    out = table.copy()
    for column in out.columns:
        kind = statistic_kind(str(column), kinds)
        if kind is None or out[column].dtype == bool:
            continue
        texts = [format_value(v, kind, decimals) for v in out[column]]
        out[column] = pd.Series(texts, index=out.index, dtype=object)
    return out


def round_replication(
    table: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """The replication table with computed figures rounded by the kind of each row.

    The rows mix kinds (odds ratios, percentages, means); the id says which. The
    difference is recomputed from the rounded value so the columns agree.
    """
    out = table.copy()
    kinds = replication_kinds(out)
    computed = [
        float(v) if k is None else round_value(float(v), k, decimals)
        for v, k in zip(out["computed"], kinds, strict=True)
    ]
    out["computed"] = pd.Series(computed, index=out.index, dtype=float)
    if "published" in out:
        diff = out["computed"] - out["published"].astype(float)
        out["difference"] = [
            float(v) if k is None else round_value(float(v), k, decimals)
            for v, k in zip(diff, kinds, strict=True)
        ]
        out["relative_difference"] = (diff / out["published"].astype(float)).round(3) + 0.0
    return out


#: Replication rows that count (measures differing): whole numbers, no precision kind.
REPLICATION_COUNTS: frozenset[str] = frozenset({"p4_measures_differing"})


def replication_kinds(table: pd.DataFrame) -> list[str | None]:
    """The precision kind of each replication row: odds ratios as ratios, counts none
    (``REPLICATION_COUNTS``), the rest means."""
    return [
        None if i in REPLICATION_COUNTS else "ratio" if str(i).startswith("or_") else "mean"
        for i in table["id"]
    ]


def _replication_text(value: object, kind: str | None, decimals) -> object:
    if kind is None:  # a count: "4", not "4.0"
        whole = isinstance(value, float) and math.isfinite(value) and value == round(value)
        return str(int(value)) if whole else value
    return format_value(value, kind, decimals)


def format_replication(
    table: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """The published replication table printed (``format_published``): computed figures
    and differences at their row's decimals, relative differences at 3."""
    out = table.copy()
    kinds = replication_kinds(out)
    for column in ("computed", "difference"):
        if column in out:
            texts = [
                _replication_text(v, k, decimals) for v, k in zip(out[column], kinds, strict=True)
            ]
            out[column] = pd.Series(texts, index=out.index, dtype=object)
    if "relative_difference" in out:
        out["relative_difference"] = [
            f"{round(v, 3) + 0.0:.3f}" if isinstance(v, float) and math.isfinite(v) else v
            for v in out["relative_difference"]
        ]
    return out
