"""What a file really is, from its first bytes, whatever its name says.

A web page saved as ``contacts.csv``, a workbook renamed ``.csv``, a PDF report: the parser's own
error ("cannot be parsed as CSV, check the separator") sends the data manager to the wrong fix.
The first bytes say what the file is, and so what would work.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from peermentor.errors import InputError

# (leading bytes, what the file is, the format that reads it or None)
_SIGNATURES: tuple[tuple[bytes, str, str | None], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel workbook (.xls)", "excel"),
    (b"PAR1", "a Parquet file", "parquet"),
    (b"%PDF", "a PDF document", None),
    (b"\x1f\x8b", "a gzip-compressed file", None),
    (b"\xff\xfe", "UTF-16 text", "csv"),
    (b"\xfe\xff", "UTF-16 text", "csv"),
)
_MARKUP: tuple[tuple[bytes, str], ...] = (
    (b"<!doctype html", "an HTML page (a web page or an HTML table saved under another name)"),
    (b"<html", "an HTML page (a web page or an HTML table saved under another name)"),
    (b"<?xml", "an XML document (perhaps an Excel 2003 XML spreadsheet)"),
    (b"<table", "an HTML table (a web page's table saved under another name)"),
    (b'{"', "a JSON document"),  # not "[": some systems bracket CSV column names ([CaseNo])
)


FORMAT_NAMES = {"csv": "CSV text", "excel": "an Excel workbook", "parquet": "a Parquet file"}


def file_kind(path: str | Path) -> tuple[str, str | None] | None:
    """(what the file is, the format reading it) from its first bytes; None for plain text."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for magic, what, fmt in _SIGNATURES:
        if head.startswith(magic):
            return what, fmt
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    for start, what in _MARKUP:
        if text.startswith(start):
            return what, None
    if b"\x00" in head:
        return "a binary file", None
    return None


def _zip_kind(path: str | Path) -> tuple[str, str | None]:
    """A workbook (.xlsx, .ods) is a zip archive; any other zip must be unpacked first."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return "a damaged zip archive", None
    if "xl/workbook.xml" in names:
        return "an Excel workbook (.xlsx)", "excel"
    if "content.xml" in names and "mimetype" in names:
        return "an OpenDocument spreadsheet (.ods)", "excel"
    shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
    return f"a zip archive holding {shown}", None


def check_file_kind(path: Path, table_cfg: dict, where: dict, table: str) -> None:
    """Stop with what the file is when it is not what ``format`` reads."""
    fmt = table_cfg["format"]
    kind = file_kind(path)
    encoding = str((table_cfg.get("csv") or {}).get("encoding", "")).lower().replace("_", "-")
    if kind == ("UTF-16 text", "csv") and fmt == "csv":
        if encoding.startswith("utf-16"):
            return
        raise InputError(
            "is UTF-16 text (from its byte-order mark), not " + (encoding or "utf-8"),
            **where,
            config_key=f"tables.{table}.csv.encoding",
            hint="set csv.encoding: utf-16",
        )
    if kind is None:
        if fmt == "csv":
            return
        what, reads = "a text file (CSV or similar)", "csv"
    else:
        what, reads = kind
        if reads == fmt:
            return
    if reads is not None:
        raise InputError(
            f"is {what}, not {FORMAT_NAMES[fmt]} (from its first bytes)",
            **where,
            config_key=f"tables.{table}.format",
            hint=f"set format: {reads}",
        )
    raise InputError(
        f"is {what}, not {FORMAT_NAMES[fmt]} (from its first bytes)",
        **where,
        config_key=f"tables.{table}.path",
        hint="unpack it and point path at the export inside"
        if what.startswith("a zip archive")
        else "export the table again from the source system as CSV or Excel and point path at it",
    )
