"""Reading one export (CSV, Excel, Parquet; SPSS/Stata/SAS; REDCap; SQL) as the site sent it.

Every row keeps ``source_row``: where a data manager finds it. For Excel, the spreadsheet
row (header = row 1, so the first data row is row 2); for CSV, the file's physical line
where the record starts (a quoted note holding newlines spans several lines, so records and
lines differ); for Parquet, which has no header row, the 1-based record number plus one, so
that all formats number alike. Empty rows are not data: they are skipped and their numbers
kept in ``frame.attrs["empty_rows"]`` (see ``layout.py``, which any reader can reuse).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest import csvtext
from peermentor.ingest.layout import SOURCE_ROW, drop_empty_rows, header_and_rows
from peermentor.ingest.redcap import read_redcap
from peermentor.ingest.sniff import check_file_kind
from peermentor.ingest.sql import read_sql_table
from peermentor.ingest.stats_files import read_stats_file

__all__ = ["SOURCE_ROW", "read_export"]


def read_export(path: str | Path, table_cfg: dict, *, site: str, table: str) -> pd.DataFrame:
    """Read one export into a frame of raw values plus ``source_row``."""
    path = Path(path)
    where = {"site": site, "table": table, "file": str(path)}
    if table_cfg["format"] == "sql":  # path is the snapshot of what the database returned
        return _numbered(read_sql_table(table_cfg, path, where, table), where)
    if not path.exists():
        raise InputError(
            "file not found",
            **where,
            config_key=f"tables.{table}.path",
            hint="drop the export in data/raw/<site>/ or correct the path in the site config",
        )
    fmt = table_cfg["format"]
    if path.stat().st_size > 0 and fmt in ("csv", "excel", "parquet"):
        check_file_kind(path, table_cfg, where, table)
    if fmt == "csv":
        cells = _read_csv_cells(path, table_cfg, where, table)
    elif fmt == "excel":
        cells = _read_excel_cells(path, table_cfg.get("excel", {}), where, table)
    elif fmt == "parquet":
        return _numbered(_read_parquet(path, where), where)
    elif fmt == "redcap":
        return read_redcap(path, table_cfg, where, table)
    else:
        return _numbered(_read_other(path, table_cfg, where, table), where)
    return header_and_rows(cells, table_cfg, where, table)


def _read_csv_cells(path: Path, table_cfg: dict, where: dict, table: str) -> pd.DataFrame:
    """The file's cells from the header line on, indexed by each record's physical line."""
    opts = table_cfg.get("csv", {})
    encoding = opts.get("encoding", "utf-8")
    try:
        first = csvtext.header_line(path, opts, table_cfg)
        cells = pd.read_csv(
            path,
            sep=opts.get("sep", ","),
            encoding=encoding,
            quotechar=opts.get("quotechar", '"'),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,  # an empty line is a row: counted, then skipped (layout.py)
            skiprows=first - 1,  # a title block above the header has other widths
        )
        cells.index = csvtext.record_lines(path, opts, first, len(cells))
        return cells
    except UnicodeDecodeError:
        raise InputError(
            f"cannot be decoded as {encoding}: {_undecodable(path, encoding)}",
            **where,
            config_key=f"tables.{table}.csv.encoding",
            hint="set the export's real encoding, e.g. latin-1 or cp1252",
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError("file is empty", **where, config_key=f"tables.{table}.path") from None
    except pd.errors.ParserError as err:
        raise csvtext.parse_error(path, table_cfg, first, err, where, table) from None


def _undecodable(path: Path, encoding: str) -> str:
    """Where the first undecodable byte is in the file: its line, and its offset in the file.

    pandas reports the position inside its read buffer; decoding the file again gives the
    position a data manager can find (an editor's line, a hex viewer's offset).
    """
    data = path.read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return (
            f"line {line}, byte {column} of the line (byte offset {err.start} in the file) "
            f"is {data[err.start : err.start + 1]!r}"
        )
    return "an undecodable byte"


def _read_excel_cells(path: Path, opts: dict, where: dict, table: str) -> pd.DataFrame:
    sheet = opts.get("sheet", 0)
    try:
        book = pd.ExcelFile(path, engine="calamine")
    except Exception as err:  # the reader raises several unrelated types for a bad workbook
        raise InputError(
            f"cannot be opened as an Excel workbook ({type(err).__name__}: {err})",
            **where,
            config_key=f"tables.{table}.format",
        ) from None
    with book:
        if isinstance(sheet, str) and sheet not in book.sheet_names:
            raise InputError(
                f"has no sheet {sheet!r}; sheets are {book.sheet_names}",
                **where,
                config_key=f"tables.{table}.excel.sheet",
            )
        cells = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    cells.index = cells.index + 1  # spreadsheet rows count from 1
    return cells


def _read_parquet(path: Path, where: dict) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError(f"cannot be read as Parquet ({err})", **where) from None
    return frame


def _read_other(path: Path, table_cfg: dict, where: dict, table: str) -> pd.DataFrame:
    """SPSS, Stata and SAS files (``stats_files``): one record per row, like Parquet."""
    frame, problem = read_stats_file(path, table_cfg)
    if problem:
        raise InputError(problem, **where, config_key=f"tables.{table}.format")
    return frame


def _numbered(frame: pd.DataFrame, where: dict) -> pd.DataFrame:
    """A record-per-row source (Parquet, SPSS/Stata/SAS, a database): rows numbered as a
    spreadsheet would (the first record is row 2), empty records skipped and counted."""
    frame = frame.reset_index(drop=True)
    frame[SOURCE_ROW] = range(2, 2 + len(frame))
    frame = drop_empty_rows(frame)
    if frame.empty:
        raise InputError("has a header but no rows", **where)
    return frame
