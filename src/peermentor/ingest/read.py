"""Reading one export (CSV, Excel, Parquet; SPSS/Stata/SAS; REDCap; SQL) as the site sent it.

Every row keeps ``source_row``: the row number a data manager sees when opening
the file in a spreadsheet (header = row 1, so the first data row is row 2; for
Parquet, which has no header row, the 1-based record number plus one, so that
all formats number alike).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest.redcap import read_redcap
from peermentor.ingest.sql import read_sql_table
from peermentor.ingest.stats_files import read_stats_file

SOURCE_ROW = "source_row"


def read_export(path: str | Path, table_cfg: dict, *, site: str, table: str) -> pd.DataFrame:
    """Read one export into a frame of raw values plus ``source_row``."""
    path = Path(path)
    where = {"site": site, "table": table, "file": str(path)}
    if table_cfg["format"] == "sql":  # path is the snapshot of what the database returned
        return _with_rows(read_sql_table(table_cfg, path, where, table), first_row=2)
    if not path.exists():
        raise InputError(
            "file not found",
            **where,
            config_key=f"tables.{table}.path",
            hint="drop the export in data/raw/<site>/ or correct the path in the site config",
        )
    fmt = table_cfg["format"]
    if fmt == "csv":
        cells = _read_csv_cells(path, table_cfg.get("csv", {}), where, table)
    elif fmt == "excel":
        cells = _read_excel_cells(path, table_cfg.get("excel", {}), where, table)
    elif fmt == "parquet":
        return _with_rows(_read_parquet(path, where), first_row=2)
    elif fmt == "redcap":
        return read_redcap(path, table_cfg, where, table)
    else:
        return _with_rows(_read_other(path, table_cfg, where, table), first_row=2)
    return _header_and_rows(cells, where, table)


def _read_csv_cells(path: Path, opts: dict, where: dict, table: str) -> pd.DataFrame:
    encoding = opts.get("encoding", "utf-8")
    try:
        return pd.read_csv(
            path,
            sep=opts.get("sep", ","),
            encoding=encoding,
            quotechar=opts.get("quotechar", '"'),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
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
        raise InputError(
            f"cannot be parsed as CSV: {err}",
            **where,
            config_key=f"tables.{table}.csv.sep",
            hint="check the separator and quote character",
        ) from None


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
        return pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)


def _read_parquet(path: Path, where: dict) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError(f"cannot be read as Parquet ({err})", **where) from None
    if frame.empty:
        raise InputError("has a header but no rows", **where)
    return frame.reset_index(drop=True)


def _read_other(path: Path, table_cfg: dict, where: dict, table: str) -> pd.DataFrame:
    """SPSS, Stata and SAS files (``stats_files``): one record per row, like Parquet."""
    frame, problem = read_stats_file(path, table_cfg)
    if problem:
        raise InputError(problem, **where, config_key=f"tables.{table}.format")
    return frame


def _header_and_rows(cells: pd.DataFrame, where: dict, table: str) -> pd.DataFrame:
    """First row is the header; checks it is usable and numbers the data rows."""
    if cells.empty:
        raise InputError("file is empty", **where, config_key=f"tables.{table}.path")
    header = [str(v).strip() if pd.notna(v) else "" for v in cells.iloc[0]]
    duplicated = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicated:
        raise InputError(
            f"header repeats column name(s) {duplicated}",
            **where,
            column=duplicated[0],
            hint="rename or remove the repeated columns in the export",
        )
    body = cells.iloc[1:].copy()
    if body.empty:
        raise InputError("has a header but no rows", **where)
    body.columns = header
    # Spreadsheet row numbers: the header is row 1 and the frame's index counts records
    # from 0, so a record's row is index + 1 (a quoted multi-line cell is still one row).
    body[SOURCE_ROW] = body.index.to_numpy() + 1
    return body.reset_index(drop=True)


def _with_rows(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    frame = frame.copy()
    frame[SOURCE_ROW] = range(first_row, first_row + len(frame))
    return frame
