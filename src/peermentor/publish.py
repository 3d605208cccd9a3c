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

Suppressed and dependent columns come back as object dtype (numbers and marker
strings); integral counts are shown as integers. A ``suppressed`` column says whether
anything in the row was suppressed. The result is deterministic.

Linked tables (the same counts in several published tables, or nested categories such
as exit reasons within outcome groups) are protected only as far as each table's
groups are declared; the ``publish_*`` helpers below declare them for the study's
summary tables.
"""

from __future__ import annotations

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
    )


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


def publish_profile_summary(summary: pd.DataFrame, *, min_cell_size: int) -> pd.DataFrame:
    """Service-profile summary (overall + sites): sites add up to the overall row."""
    return suppress_small_cells(
        summary,
        count_columns=["n_families", "n_receiving", "n_not_receiving"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "n_families": [*PROFILE_STATS, "share_receiving"],
            "n_receiving": ["share_receiving"],
            "n_not_receiving": ["share_receiving"],
        },
        total_row_mask=_overall_rows(summary),
        group_columns=["measure"],
        column_groups={"n_families": ["n_receiving", "n_not_receiving"]},
    )


def publish_early_summary(summary: pd.DataFrame, *, min_cell_size: int) -> pd.DataFrame:
    """Early-engagement summary (overall and/or sites)."""
    reached_stats = [
        c for c in summary.columns if c.startswith(("days_to_nth_", "hours_mean", "mean_early_"))
    ]
    return suppress_small_cells(
        summary,
        count_columns=["n_families", "n_reached", "n_not_reached"],
        min_cell_size=min_cell_size,
        dependent_columns={
            "n_families": ["share_reached", *reached_stats],
            "n_reached": ["share_reached", *reached_stats],
            "n_not_reached": ["share_reached"],
        },
        total_row_mask=_overall_rows(summary),
        column_groups={"n_families": ["n_reached", "n_not_reached"]},
    )


def publish_workforce_summary(summary: pd.DataFrame, *, min_cell_size: int) -> pd.DataFrame:
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
    )


def _overall_rows(summary: pd.DataFrame) -> np.ndarray | None:
    if "group_type" not in summary.columns:
        return None
    return (summary["group_type"] == "overall").to_numpy()


def publish_replication(
    table: pd.DataFrame, *, bases: Mapping[str, Sequence[int]], min_cell_size: int
) -> pd.DataFrame:
    """Replication table: blank a computed figure from which a small count can be derived.

    ``bases`` maps a figure id to the counts its value reveals (a share of 28 mentors
    reveals both the 18 and the 10): when any of them is 1..min_cell_size-1, the
    computed value and its differences get the small-cell marker.
    """
    marker = small_cell_marker(min_cell_size)
    out = table.astype({c: object for c in ("computed", "difference", "relative_difference")})
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
) -> pd.DataFrame:
    """Hide counts whose gap to a count published elsewhere is a small number.

    A measure defined for only some families (e.g. days to the 7th contact, defined
    for families reaching 7) has an n that, subtracted from the stratum's family count
    (``reference[column]``), gives the small count of the others. Where that gap is
    1..min_cell_size-1 the count gets the complementary marker.
    """
    out = table.copy()
    rows = np.asarray(rows, dtype=bool)
    for column in count_columns:
        values = pd.to_numeric(out[column], errors="coerce")
        gap = reference[column] - values
        hide = rows & (gap > 0).to_numpy() & (gap < min_cell_size).to_numpy()
        if hide.any():
            out[column] = out[column].astype(object)
            out.loc[hide, column] = COMPLEMENTARY_MARKER
            if "suppressed" in out:
                out.loc[hide, "suppressed"] = True
    return out
