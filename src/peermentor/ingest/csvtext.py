"""A CSV file as text: its physical lines, where its header is, and which line breaks parsing.

pandas numbers records, but a quoted note holding newlines spans several lines, and a data
manager opens the file in an editor at the line we name. Python's ``csv`` module reads the
same dialect and counts physical lines (``reader.line_num``), so it gives each record's line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from peermentor.errors import InputError
from peermentor.ingest.layout import (
    AUTO,
    HEADER_SEARCH_ROWS,
    best_header,
    expected_headers,
    is_empty,
)

OTHER_SEPARATORS = (";", "\t", "|", ",")


def records(path: Path, opts: dict) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each record, as the CSV dialect of ``opts`` reads them."""
    with open(path, encoding=opts.get("encoding", "utf-8"), newline="") as handle:
        reader = csv.reader(
            handle, delimiter=opts.get("sep", ","), quotechar=opts.get("quotechar", '"')
        )
        line = 0
        for fields in reader:
            yield line + 1, fields
            line = reader.line_num


def header_line(path: Path, opts: dict, table_cfg: dict) -> int:
    """Physical line of the header: ``header_row``, the row ``auto`` finds, or the first
    non-empty line."""
    setting = table_cfg.get("header_row")
    if isinstance(setting, int):
        return setting
    head = []
    try:
        for item in records(path, opts):
            head.append(item)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # pandas reports the broken line with its own message
    if setting == AUTO:
        found = best_header([fields for _, fields in head], expected_headers(table_cfg))
        return head[found][0] if found is not None else 1
    filled = [line for line, fields in head if not is_empty(fields)]
    return filled[0] if filled else 1


def record_lines(path: Path, opts: dict, first: int, n_records: int) -> np.ndarray:
    """Physical line of each of the ``n_records`` records read from line ``first`` on."""
    data = path.read_bytes()
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if n_lines - (first - 1) == n_records:  # no record spans lines: lines are records
        return np.arange(first, first + n_records)
    lines = _record_starts(data, opts)
    if lines is not None:
        lines = lines[lines >= first]
    if lines is None or len(lines) != n_records:  # the csv module counts them itself
        try:
            lines = np.asarray([line for line, _ in records(path, opts) if line >= first])
        except csv.Error:
            lines = np.asarray([])
    if len(lines) != n_records:  # the parsers disagree: fall back to counting records
        return np.arange(first, first + n_records)
    return lines


def _record_starts(data: bytes, opts: dict) -> np.ndarray | None:
    """First line of every record, from the bytes: a line break inside quotes (an odd number
    of quote characters before it) continues the record. None for multi-byte encodings."""
    encoding = str(opts.get("encoding", "utf-8")).lower().replace("_", "-")
    if encoding.startswith(("utf-16", "utf-32")):
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(raw == ord("\n"))
    quotes = np.flatnonzero(raw == ord(opts.get("quotechar", '"')))
    outside = np.searchsorted(quotes, breaks) % 2 == 0
    starts = np.concatenate([[1], np.flatnonzero(outside) + 2])  # line after each record's end
    last_line = len(breaks) + (0 if data.endswith(b"\n") else 1)
    return starts[starts <= last_line]


def parse_error(path: Path, table_cfg: dict, first: int, err: Exception, where: dict, table: str):
    """The InputError for a line pandas cannot parse: its physical line and what would fix it."""
    opts = table_cfg.get("csv", {})
    sep = opts.get("sep", ",")
    width, line, fields = None, None, None
    try:
        for number, found in records(path, opts):
            if number < first:
                continue
            if width is None:
                width, header = len(found), found
            elif len(found) > width:
                line, fields = number, len(found)
                break
        found = [f.strip() for f in found]
    except csv.Error:
        pass
    if line is None:
        return InputError(
            f"cannot be parsed as CSV: {err}",
            **where,
            config_key=f"tables.{table}.csv.quotechar",
            hint="a quote opened and never closed makes the rest of the file one value",
        )
    if table_cfg.get("header_row") is None and len(expected_headers(table_cfg) & set(found)):
        return InputError(
            f"line {line} has {fields} fields, the header (line {first}) has {width}, and line "
            f"{line} names the columns the config reads: a title block sits above the header",
            **where,
            config_key=f"tables.{table}.header_row",
            hint=f"set header_row: {line} (or header_row: auto) so the lines above it are skipped",
        )
    other = [s for s in OTHER_SEPARATORS if s != sep and width == 1 and s in header[0]]
    if other:
        return InputError(
            f"line {line} has {fields} fields, the header (line {first}) has 1: the header holds "
            f"{other[0]!r}, so the file is separated by {other[0]!r}, not {sep!r}",
            **where,
            config_key=f"tables.{table}.csv.sep",
            hint=f"set csv.sep: {other[0]!r}",
        )
    return InputError(
        f"line {line} has {fields} fields, the header (line {first}) has {width}",
        **where,
        hint=f"on line {line}, a value holding the separator {sep!r} must be quoted, or a "
        f"separator is one too many: correct that line of the export",
    )
