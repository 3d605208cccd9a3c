"""An export file as a site sends it: its format, CSV dialect and encoding, its sheets.

Once the options are found, every sheet is read with the pipeline's own reader
(``peermentor.ingest.read.read_export``), so what ``inspect`` and ``draft`` see is
exactly what ingestion will see with the drafted options.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest import csvtext
from peermentor.ingest.read import SOURCE_ROW, read_export

FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv",
    ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet", ".pq": "parquet",
    ".sav": "spss", ".zsav": "spss", ".dta": "stata", ".sas7bdat": "sas", ".xpt": "xport",
}  # fmt: skip
SEPARATORS = ",;\t|"
SNIFF_BYTES = 65_536


@dataclass
class Export:
    """One table of an export: a CSV or Parquet file, or one sheet of a workbook."""

    path: str
    options: dict  # site-config keys that read it: format, and csv or excel options
    frame: pd.DataFrame  # raw cells and source_row, as read_export returns them
    header_row: int = 1  # row of the header; above 1, options hold header_row (a title block)

    @property
    def sheet(self) -> str | None:
        return self.options.get("excel", {}).get("sheet")

    @property
    def label(self) -> str:
        return f"{self.path} [{self.sheet}]" if self.sheet else self.path

    @property
    def title(self) -> str:
        """What the site calls this table: its sheet, or the file's name."""
        return self.sheet or Path(self.path).stem

    @property
    def part(self) -> str | None:
        """Which rows of a file shared by several tables (a REDCap instrument), if any."""
        return None

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != SOURCE_ROW]


def read_exports(path: str | Path) -> list[Export]:
    """Every table in one export file (each sheet of a workbook)."""
    fmt = export_format(path)
    if fmt == "csv":
        option_sets = [{"format": "csv", "csv": sniff_csv(path)}]
    elif fmt == "excel":
        option_sets = [{"format": "excel", "excel": {"sheet": s}} for s in sheet_names(path)]
    else:
        option_sets = [{"format": fmt}]
    exports = []
    for options in option_sets:
        if fmt == "csv" and (line := csv_header_line(path, options["csv"])) > 1:
            options["header_row"] = line  # a ragged title block: found before pandas reads
        frame = _read(path, options)
        if fmt != "parquet" and "header_row" not in options and (row := header_row(frame)) > 1:
            options["header_row"] = row  # a title block above the header: read below it
            frame = _read(path, options)
        exports.append(Export(str(path), options, frame, options.get("header_row", 1)))
    return exports


def _read(path: str | Path, options: dict) -> pd.DataFrame:
    try:
        return read_export(path, options, site=None, table=None)
    except InputError as err:  # no site config yet: no config key to name
        raise InputError(err.problem, file=err.file, hint=err.hint) from None


def csv_header_line(path: str | Path, opts: dict, look: int = 50) -> int:
    """The line of a CSV's header when a title block of other widths sits above it (else 1).

    The header is the first record as wide as most of the first records, with distinct,
    non-empty names; a title line ("Contact log") is narrower.
    """
    try:
        head = list(itertools.islice(csvtext.records(Path(path), opts), look))
    except (csv.Error, UnicodeDecodeError):
        return 1
    widths = Counter(len(fields) for _, fields in head if len(fields) > 1)
    if not widths:
        return 1
    width = widths.most_common(1)[0][0]
    filled = [fields for _, fields in head if any(f.strip() for f in fields)]
    if not filled or len(filled[0]) >= width:  # not ragged: header_row() looks at the cells
        return 1
    for line, fields in head:
        names = [f.strip() for f in fields]
        if len(names) == width and all(names) and len(set(names)) == width:
            return line
    return 1


def export_format(path: str | Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown kind of file {path.suffix!r}; expected one of {sorted(FORMATS)}",
            file=str(path),
            hint="save the export as CSV, Excel (.xlsx), Parquet, SPSS, Stata or SAS",
        )
    return fmt


def sheet_names(path: str | Path) -> list[str]:
    try:
        with pd.ExcelFile(path, engine="calamine") as book:  # as ingestion reads it
            return list(book.sheet_names)
    except Exception as err:  # the reader raises several unrelated types for a bad workbook
        raise InputError(
            f"cannot be opened as an Excel workbook ({type(err).__name__}: {err})", file=str(path)
        ) from None


def sniff_csv(path: str | Path) -> dict:
    """The CSV options a site config needs for this file: separator, encoding, quote."""
    data = Path(path).read_bytes()
    encoding = detect_encoding(data)
    sample = data[:SNIFF_BYTES].decode(encoding, errors="replace")
    if not sample.strip():
        raise InputError("file is empty", file=str(path))
    sep, quotechar = sniff_separator(sample, suffix=Path(path).suffix.lower())
    return {"sep": sep, "encoding": encoding, "quotechar": quotechar}


def detect_encoding(data: bytes) -> str:
    """utf-8 (with its byte-order mark if present), else a Western single-byte encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"  # plain utf-8 would glue the mark to the first column's name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows exports put curly quotes and dashes in bytes 0x80-0x9F, which latin-1
    # reads as invisible control characters; cp1252 reads them right.
    if re.search(rb"[\x80-\x9f]", data):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def sniff_separator(sample: str, suffix: str = "") -> tuple[str, str]:
    """Separator and quote character: csv.Sniffer's guess if the rows agree on it.

    The sniffer can be misled by free-text notes full of commas or semicolons, so its
    guess is kept only if it splits the first rows into the same number of fields;
    otherwise the separator that does so best wins (tab first for .tsv files).
    """
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=SEPARATORS)
        guess, quotechar = dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        guess, quotechar = None, '"'
    scores = {sep: _consistency(sample, sep, quotechar) for sep in SEPARATORS}
    if guess in scores and scores[guess] >= max(scores.values()):
        return guess, quotechar
    preferred = "\t" if suffix in (".tsv", ".tab") else ","
    best = max(scores, key=lambda sep: (scores[sep], sep == preferred))
    return best, '"'


def _consistency(sample: str, sep: str, quotechar: str) -> float:
    """Share of the sample's records with the header's field count (0 if it is one field)."""
    records = list(csv.reader(io.StringIO(sample), delimiter=sep, quotechar=quotechar))[:-1]
    records = [r for r in records if r]
    if len(records) < 2 or len(records[0]) < 2:
        return 0.0
    counts = Counter(len(r) for r in records[1:])
    return counts[len(records[0])] / (len(records) - 1)


def header_row(frame: pd.DataFrame) -> int:
    """The spreadsheet row that looks like the header: 1 unless title rows sit above it.

    Read with the header on row 1, a title or blank row above the real header shows as
    empty or repeated names, and a later row of distinct labels: its row number is the
    ``header_row`` to read the table with.
    """
    cells = frame.loc[:, frame.columns != SOURCE_ROW]  # by position: blank names repeat
    if all(str(n).strip() for n in cells.columns):
        return 1
    for i, row in enumerate(cells.head(10).to_numpy()):
        labels = [str(v).strip() for v in row if pd.notna(v) and str(v).strip()]
        if len(labels) == cells.shape[1] and len(set(labels)) == len(labels):
            return int(frame[SOURCE_ROW].iloc[i])
    return 1
