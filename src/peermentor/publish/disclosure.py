"""Disclosure control: every published table goes through ``suppress_small_cells``.

Policy (CMS cell-size policy; DESIGN.md section 7, ``disclosure.min_cell_size``):

1. Primary suppression. A count of families or mentors from 1 to ``min_cell_size - 1``
   is replaced by the marker ``f"<{min_cell_size}"`` (e.g. "<11"). Zero is shown, and
   so is a count equal to the threshold.
2. Complementary suppression. A suppressed cell must not be recoverable by
   subtraction from a shown total. Two kinds of additive groups are protected:
   - row groups: for each count column, the rows sharing the values of
     ``group_columns`` (all rows when only ``total_row_mask`` is given), excluding the
     total rows marked by ``total_row_mask``, whose cells sum to a total published here
     or elsewhere (e.g. per-site rows summing to the overall row);
   - column groups: ``column_groups`` maps a total column to the part columns that sum
     to it within a row (e.g. n_reached + n_not_reached = n_families).
   Within a group, while exactly one cell is suppressed, or the suppressed cells sum
   to less than ``min_cell_size`` (their sum would itself be a small, recoverable
   count), the smallest shown non-zero cell (first in row/column order on ties) is
   suppressed as well, with the marker ``COMPLEMENTARY_MARKER`` ("[c]") because it is
   not itself small. Zeros are used only when no non-zero cell is left. Row and column
   groups are repeated until nothing changes.
3. Dependent values. ``dependent_columns`` maps a count column to the columns derived
   from it (shares, means, SDs, CIs, tenure); they get the marker of their base count
   where it is suppressed (the small-cell marker wins over the complementary one).
   ``primary_dependent_columns`` maps a count to statistics over its group (means,
   SDs, quantiles, days to the Nth contact) that are hidden only where the count itself
   is small: a group hidden as a complement has at least ``min_cell_size`` members,
   and a mean over n of them printed at 1 decimal fits about 0.1 n whole totals (at
   least one for every candidate n), so it reveals neither n nor the small count. The
   publish helpers use it only when ``10 ** -decimals["mean"] * min_cell_size >= 1``.
   Shares (count / denominator) always follow their counts: they give the count back.

Suppressed and dependent columns come back as object dtype (numbers and marker
strings); integral counts are shown as integers. A ``suppressed`` column says whether
anything in the row was suppressed. The result is deterministic.

4. Fixed precision. Every published statistic is rounded (``round_published``) to the
   decimals of its kind (``DEFAULT_DECIMALS``, configurable as ``disclosure.decimals``):
   means, SDs, quantiles, days, hours and months 1 decimal; shares and CIs of shares 3
   decimals (0.1 percentage point); effects (Cliff's delta, share differences) 2; odds
   ratios 3 (1.095 per visit beside the paper's 1.09); test statistics (U) whole
   numbers; p-values 3 significant digits. Counts are integers. Full float precision
   leaks: mean x n is an integer for exactly one n near a small suppressed count,
   which gives that count back. At 1 decimal a mean over n families fits about 0.1 n
   whole totals, so every candidate n fits once n is in the tens (the audit,
   ``peermentor audit-disclosure``, checks it on every run).
5. Statistics of a suppressed group are suppressed with it: a stratum's mean, SD,
   quantiles, U, Cliff's delta, effect CI and p-values take the marker of its n, also
   where the n is hidden only because its gap to a count published elsewhere is small
   (``suppress_linked_counts``). Nothing else is blanked: a share whose complement is
   small is suppressed only through its counts, never a whole table.

Linked tables (the same counts in several published tables, or nested categories such
as exit reasons within outcome groups) are protected only as far as each table's
groups are declared; the ``publish_*`` helpers below declare them for the study's
summary tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

COMPLEMENTARY_MARKER = "[c]"


def small_cell_marker(min_cell_size: int) -> str:
    """The marker of a primary-suppressed count, e.g. "<11"."""
    return f"<{min_cell_size}"


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str],
    min_cell_size: int = 11,
    dependent_columns: Mapping[str, Sequence[str]] | None = None,
    primary_dependent_columns: Mapping[str, Sequence[str]] | None = None,
    total_row_mask: pd.Series | np.ndarray | None = None,
    group_columns: Sequence[str] | None = None,
    column_groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """A copy of ``table`` that is safe to publish under the module's policy."""
    table = table.reset_index(drop=True)
    counts = table[list(count_columns)].apply(pd.to_numeric, errors="raise").astype(float)
    primary = (counts >= 1) & (counts < min_cell_size)
    hidden = primary.to_numpy().copy()
    values = counts.to_numpy()
    is_total = _total_mask(total_row_mask, len(table))
    row_groups = _row_groups(table, group_columns, is_total)
    # The totals of column groups are documentation: parts are protected either way.
    col_groups = [
        np.array([counts.columns.get_loc(c) for c in parts])
        for parts in (column_groups or {}).values()
    ]

    changed = True
    while changed:  # row and column groups can each trigger the other
        changed = False
        for rows in row_groups:
            for j in range(values.shape[1]):
                cols = np.full(len(rows), j)
                changed |= _protect(values, hidden, rows, cols, min_cell_size)
        for parts in col_groups:
            for i in range(values.shape[0]):
                rows = np.full(len(parts), i)
                changed |= _protect(values, hidden, rows, parts, min_cell_size)

    primary_mask = pd.DataFrame(primary.to_numpy(), columns=counts.columns)
    hidden_mask = pd.DataFrame(hidden, columns=counts.columns)
    return _apply_markers(
        table, counts, primary_mask, hidden_mask, min_cell_size, dependent_columns or {}
    ).pipe(_mask_primary_dependents, primary_mask, primary_dependent_columns or {}, min_cell_size)


def _mask_primary_dependents(
    out: pd.DataFrame,
    primary: pd.DataFrame,
    dependent_columns: Mapping[str, Sequence[str]],
    min_cell_size: int,
) -> pd.DataFrame:
    """Statistics over a group (means, SDs) hidden only where the group's n is small."""
    marker = small_cell_marker(min_cell_size)
    for base, deps in dependent_columns.items():
        for dep in deps:
            out[dep] = out[dep].astype(object).mask(primary[base].to_numpy(), marker)
    return out


def _total_mask(mask: pd.Series | np.ndarray | None, n_rows: int) -> np.ndarray:
    if mask is None:
        return np.zeros(n_rows, dtype=bool)
    return np.asarray(mask, dtype=bool)


def _row_groups(
    table: pd.DataFrame, group_columns: Sequence[str] | None, is_total: np.ndarray
) -> list[np.ndarray]:
    """Row positions of each additive group (total rows excluded)."""
    if not group_columns and not is_total.any():
        return []  # no declared total: no complementary suppression across rows
    cells = np.flatnonzero(~is_total)
    if not group_columns:
        return [cells]
    keys = table.iloc[cells][list(group_columns)].astype(str)
    return [cells[idx] for idx in keys.groupby(list(group_columns), sort=True).indices.values()]


def _protect(
    values: np.ndarray,
    hidden: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    min_cell_size: int,
) -> bool:
    """Suppress one more cell of an additive group (cells at rows, cols) if it is exposed."""
    cells = values[rows, cols]
    is_hidden = hidden[rows, cols]
    n_hidden = int(is_hidden.sum())
    if n_hidden == 0 or (n_hidden >= 2 and np.nansum(cells[is_hidden]) >= min_cell_size):
        return False
    shown = ~is_hidden & ~np.isnan(cells)
    nonzero = shown & (cells > 0)
    pool = nonzero if nonzero.any() else shown
    if not pool.any():
        return False
    candidates = np.flatnonzero(pool)
    pick = candidates[np.argmin(cells[candidates])]  # argmin takes the first on ties
    hidden[rows[pick], cols[pick]] = True
    return True


def _apply_markers(
    table: pd.DataFrame,
    counts: pd.DataFrame,
    primary: pd.DataFrame,
    hidden: pd.DataFrame,
    min_cell_size: int,
    dependent_columns: Mapping[str, Sequence[str]],
) -> pd.DataFrame:
    small = small_cell_marker(min_cell_size)
    out = table.copy()
    any_hidden = hidden.any(axis=1).to_numpy()
    for col in counts.columns:
        marker = pd.Series(np.where(primary[col], small, COMPLEMENTARY_MARKER))
        out[col] = _as_display(counts[col]).mask(hidden[col], marker)
    # Dependent values: complementary markers first, so the small-cell marker wins.
    dependents = {dep for deps in dependent_columns.values() for dep in deps}
    for dep in sorted(dependents, key=list(table.columns).index):
        out[dep] = table[dep].astype(object)
    complementary = hidden & ~primary
    for mask, marker in ((complementary, COMPLEMENTARY_MARKER), (primary, small)):
        for base, deps in dependent_columns.items():
            for dep in deps:
                out[dep] = out[dep].mask(mask[base], marker)
    out["suppressed"] = any_hidden
    return out


def _as_display(count: pd.Series) -> pd.Series:
    """Counts as objects: integers when every shown value is whole, else as given."""
    whole = count.dropna()
    if (whole == whole.round()).all():
        return count.astype("Int64").astype(object)
    return count.astype(object)


# --- the study's published summary tables ----------------------------------------------

PROFILE_STATS: tuple[str, ...] = ("mean", "sd", "median", "q1", "q3", "min", "max")


def publish_profile_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Service-profile summary (overall + sites): sites add up to the overall row."""
    coarse = _means_protect_complements(min_cell_size, decimals)
    out = suppress_small_cells(
        summary,
        count_columns=["n_families", "n_receiving", "n_not_receiving"],
        min_cell_size=min_cell_size,
        primary_dependent_columns={"n_families": PROFILE_STATS} if coarse else None,
        dependent_columns={
            "n_families": [*([] if coarse else PROFILE_STATS), "share_receiving"],
            "n_receiving": ["share_receiving"],
            "n_not_receiving": ["share_receiving"],
        },
        total_row_mask=_overall_rows(summary),
        group_columns=["measure"],
        column_groups={"n_families": ["n_receiving", "n_not_receiving"]},
    ).pipe(round_published, decimals)
    return bound_near_complete_share(
        out, summary, share="share_receiving", count="n_receiving",
        complement="n_not_receiving", min_cell_size=min_cell_size, decimals=decimals,
    )  # fmt: skip


def _means_protect_complements(min_cell_size: int, decimals: Mapping[str, int] | None) -> bool:
    """True when a mean at the published precision cannot reveal a complement's n."""
    places = {**DEFAULT_DECIMALS, **(decimals or {})}["mean"]
    return 10.0**-places * min_cell_size >= 1


def bound_near_complete_share(
    published: pd.DataFrame,
    raw: pd.DataFrame,
    *,
    share: str,
    count: str,
    complement: str,
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """A share hidden only because its complement is small, shown as a lower bound.

    Where ``complement`` is 1..min_cell_size-1 (hence ``count`` a complementary cell)
    and the denominator is shown, the share is at least (n - (min_cell_size - 1)) / n;
    that bound, rounded down at the share precision, is shown as ">=0.966". It says no
    more than the "<11" beside it (the complement is below min_cell_size), and the
    paper's headline share (families receiving recovery coaching) stays readable.
    """
    out = published.copy()
    places = {**DEFAULT_DECIMALS, **(decimals or {})}["share"]
    n = pd.to_numeric(raw["n_families"], errors="coerce").to_numpy(dtype=float)
    small = pd.to_numeric(raw[complement], errors="coerce").to_numpy(dtype=float)
    shown_total = pd.to_numeric(out["n_families"], errors="coerce").notna().to_numpy()
    target = (
        (small >= 1) & (small < min_cell_size) & shown_total
        & (out[count].astype(str) == COMPLEMENTARY_MARKER).to_numpy()
    )  # fmt: skip
    for i in np.flatnonzero(target):
        lower = math.floor((n[i] - (min_cell_size - 1)) / n[i] * 10**places) / 10**places
        if lower > 0:
            out.loc[out.index[i], share] = f">={lower:.{places}f}"
    return out


def publish_early_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Early-engagement summary (overall and/or sites)."""
    reached_stats = [
        c for c in summary.columns if c.startswith(("days_to_nth_", "hours_mean", "mean_early_"))
    ]
    group_stats = {"n_families": reached_stats, "n_reached": reached_stats}
    coarse = _means_protect_complements(min_cell_size, decimals)
    out = suppress_small_cells(
        summary,
        count_columns=["n_families", "n_reached", "n_not_reached"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "n_families": ["share_reached", *([] if coarse else reached_stats)],
            "n_reached": ["share_reached", *([] if coarse else reached_stats)],
            "n_not_reached": ["share_reached"],
        },
        primary_dependent_columns=group_stats if coarse else None,
        total_row_mask=_overall_rows(summary),
        column_groups={"n_families": ["n_reached", "n_not_reached"]},
    ).pipe(round_published, decimals)
    return bound_near_complete_share(
        out, summary, share="share_reached", count="n_reached", complement="n_not_reached",
        min_cell_size=min_cell_size, decimals=decimals,
    )  # fmt: skip


def publish_workforce_summary(
    summary: pd.DataFrame, *, min_cell_size: int, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Workforce summary: exit reasons and outcome groups each add up to all mentors."""
    return suppress_small_cells(
        summary,
        count_columns=["count", "n_mentors"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "count": ["share", "ci_low", "ci_high", "tenure_mean_months", "tenure_median_months"],
            "n_mentors": ["share", "ci_low", "ci_high"],
        },
        total_row_mask=(summary["row_type"] == "overall").to_numpy(),
        group_columns=["row_type"],
    ).pipe(round_published, decimals)


def _overall_rows(summary: pd.DataFrame) -> np.ndarray | None:
    if "group_type" not in summary.columns:
        return None
    return (summary["group_type"] == "overall").to_numpy()


def publish_replication(
    table: pd.DataFrame,
    *,
    bases: Mapping[str, Sequence[int]],
    min_cell_size: int,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Replication table: blank a computed figure from which a small count can be derived.

    ``bases`` maps a figure id to the counts its value reveals (a share of 28 mentors
    reveals both the 18 and the 10): when any of them is 1..min_cell_size-1, the
    computed value and its differences get the small-cell marker. Values are rounded
    first (``round_replication``): odds ratios as ratios, everything else as a mean.
    """
    marker = small_cell_marker(min_cell_size)
    out = round_replication(table, decimals)
    out = out.astype({c: object for c in ("computed", "difference", "relative_difference")})
    out["suppressed"] = False
    for figure_id, counts in bases.items():
        if any(0 < c < min_cell_size for c in counts):
            rows = out["id"] == figure_id
            out.loc[rows, ["computed", "difference", "relative_difference"]] = marker
            out.loc[rows, "suppressed"] = True
    return out


def suppress_linked_counts(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str],
    reference: Mapping[str, float],
    rows: pd.Series | np.ndarray,
    min_cell_size: int,
    dependent_columns: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Hide counts whose gap to a count published elsewhere is a small number.

    A measure defined for only some families (e.g. days to the 7th contact, defined
    for families reaching 7) has an n that, subtracted from the stratum's family count
    (``reference[column]``), gives the small count of the others. Where that gap is
    1..min_cell_size-1 the count gets the complementary marker, and so do the values
    computed on it (``dependent_columns``), which would give the n back.
    """
    dependent_columns = dependent_columns or {}
    out = table.copy()
    rows = np.asarray(rows, dtype=bool)
    for column in count_columns:
        values = pd.to_numeric(out[column], errors="coerce")
        gap = reference[column] - values
        hide = rows & (gap > 0).to_numpy() & (gap < min_cell_size).to_numpy()
        if hide.any():
            out[column] = out[column].astype(object)
            out.loc[hide, column] = COMPLEMENTARY_MARKER
            for dep in dependent_columns.get(column, ()):
                # A small-cell marker already there stays: it is the stronger statement.
                keep = out[dep].astype(str).str.startswith("<")
                out[dep] = out[dep].astype(object)
                out.loc[hide & ~keep.to_numpy(), dep] = COMPLEMENTARY_MARKER
            if "suppressed" in out:
                out.loc[hide, "suppressed"] = True
    return out


# --- precision ---------------------------------------------------------------------------

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
