"""Where a table sits in an export: its header row, its data rows, and leftovers that are not data.

Exports from spreadsheets carry leftovers: a title block above the header ("Contact log, run
2024-03-01"), and empty rows below the data (lines of only separators, blank lines). Neither is
data. These functions work on a frame of raw cells whose index is the row number a data manager
sees (spreadsheet row, or the file's physical line for text), so any reader can reuse them:

- ``header_index`` finds the header row: the configured ``header_row`` (a row number, or ``auto``:
  the first row naming the most of the columns the site config reads), else the first non-empty row;
- ``header_and_rows`` takes that row as the header and numbers the data rows (``source_row``);
- ``drop_empty_rows`` removes the empty data rows and records their row numbers in
  ``frame.attrs[EMPTY_ROWS]``, so the reconciliation can count them and the log can say so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from peermentor.errors import InputError

SOURCE_ROW = "source_row"
EMPTY_ROWS = "empty_rows"  # frame.attrs key: row numbers of the empty rows skipped
EMPTY_ROW = "empty_row"  # their reason in a mapped table's problems (counted, never quarantined)
AUTO = "auto"
HEADER_SEARCH_ROWS = (
    50  # ``header_row: auto`` looks at the first rows only (a title block is short)
)


def expected_headers(table_cfg: dict) -> set[str]:
    """The export columns a site config reads from a table (what its header must name)."""
    names = set((table_cfg.get("columns") or {}).values())
    acts = table_cfg.get("activities") or {}
    names.update(v for v in [acts.get("column"), *(acts.get("columns") or {}).values()] if v)
    if table_cfg.get("filter"):
        names.add(table_cfg["filter"]["column"])
    return names


def is_empty(values: Sequence[object]) -> bool:
    """A row of nothing: every cell missing or only spaces."""
    return all(pd.isna(v) or str(v).strip() == "" for v in values)


def empty_mask(cells: pd.DataFrame) -> pd.Series:
    """True for the rows of ``cells`` that are empty (``is_empty``, vectorized).

    Column by column, only the rows still empty so far are looked at: a filled first
    column settles most rows at once.
    """
    empty = np.ones(len(cells), dtype=bool)
    for column in range(cells.shape[1]):
        rows = np.flatnonzero(empty)
        if not len(rows):
            break
        values = cells.iloc[rows, column]
        empty[rows] = (values.isna() | (values.astype(str).str.strip() == "")).to_numpy()
    return pd.Series(empty, index=cells.index)


def best_header(rows: Sequence[Sequence[object]], expected: set[str]) -> int | None:
    """Position of the first row naming the most expected columns (None: no row names any)."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len(expected & {str(v).strip() for v in row if not pd.isna(v)})
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def header_index(cells: pd.DataFrame, table_cfg: dict, where: dict, table: str):
    """Row label (row number) of the header in ``cells``."""
    setting = table_cfg.get("header_row")
    if setting == AUTO:
        rows = cells.head(HEADER_SEARCH_ROWS).itertuples(index=False)
        found = best_header(list(rows), expected_headers(table_cfg))
        if found is None:
            raise InputError(
                f"header_row: auto found no row among the first {HEADER_SEARCH_ROWS} naming any "
                "of the columns the site config reads",
                **where,
                config_key=f"tables.{table}.columns",
                hint="check the column names, or set header_row to the header's row number",
            )
        return cells.index[found]
    if setting is not None:
        if setting not in cells.index:
            raise InputError(
                f"header_row {setting} is past the end of the file (last row {cells.index[-1]})",
                **where,
                config_key=f"tables.{table}.header_row",
            )
        return setting
    for start in range(0, len(cells), HEADER_SEARCH_ROWS):  # most headers are in the first rows
        part = cells.iloc[start : start + HEADER_SEARCH_ROWS]
        filled = part.index[~empty_mask(part).to_numpy()]
        if len(filled):
            return filled[0]
    return None


def header_and_rows(cells: pd.DataFrame, table_cfg: dict, where: dict, table: str) -> pd.DataFrame:
    """The header row's names over the rows below it, numbered, without empty rows."""
    label = header_index(cells, table_cfg, where, table) if not cells.empty else None
    if label is None:
        raise InputError("file is empty", **where, config_key=f"tables.{table}.path")
    header = [str(v).strip() if pd.notna(v) else "" for v in cells.loc[label]]
    duplicated = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicated:
        raise InputError(
            f"header repeats column name(s) {duplicated} (header row {label})",
            **where,
            column=duplicated[0],
            hint="rename or remove the repeated columns in the export",
        )
    body = cells.loc[cells.index > label].copy()
    body.columns = header
    body[SOURCE_ROW] = body.index.to_numpy()
    body = drop_empty_rows(body.reset_index(drop=True))
    if body.empty:
        raise InputError("has a header but no rows", **where)
    return body


def drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its empty rows; their ``source_row`` in ``attrs[EMPTY_ROWS]``."""
    empty = empty_mask(frame.drop(columns=SOURCE_ROW))
    kept = frame[~empty.to_numpy()].reset_index(drop=True)
    kept.attrs[EMPTY_ROWS] = [int(r) for r in frame.loc[empty.to_numpy(), SOURCE_ROW]]
    return kept
