"""Suppression (policy points 1-3 and 5): the markers, small cells and their complements.

Dependent values take the marker of their count; ``suppress_linked_counts`` hides counts
whose gap to a count published elsewhere is small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

COMPLEMENTARY_MARKER = "[c]"


def small_cell_marker(min_cell_size: int) -> str:
    """The marker of a primary-suppressed count, e.g. "<11"."""
    return f"<{min_cell_size}"


#: A marker as the publish step writes it: the small-cell marker of any min_cell_size, or "[c]".
_MARKER_TEXT = re.compile(rf"^(<\d+|{re.escape(COMPLEMENTARY_MARKER)})$")


def is_marker(value: object) -> bool:
    """A suppression marker ("<11", "[c]") in a published table, as written or read back.

    The one test of the notebooks' wording, the figures and the disclosure audit: text only
    (surrounding blanks aside), so a number, NaN or a label is never taken for one.
    """
    return isinstance(value, str) and bool(_MARKER_TEXT.match(value.strip()))


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

    The gaps of one row add up to a count published elsewhere (the families without the
    measure: the early-engagement table's n_not_reached), so a row with one gap hidden
    has every other non-zero gap hidden too; otherwise the total minus the shown gap
    gives the hidden one back.
    """
    dependent_columns = dependent_columns or {}
    out = table.copy()
    rows = np.asarray(rows, dtype=bool)
    gaps = {
        column: (reference[column] - pd.to_numeric(out[column], errors="coerce")).to_numpy()
        for column in count_columns
    }
    small = {c: rows & (g > 0) & (g < min_cell_size) for c, g in gaps.items()}
    any_small = np.logical_or.reduce(list(small.values())) if small else rows & False
    for column in count_columns:
        hide = small[column] | (any_small & (gaps[column] > 0))
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
