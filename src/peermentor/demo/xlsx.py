"""Demo workbooks written fast, byte for byte as ``DataFrame.to_excel`` with openpyxl writes them.

openpyxl builds a Python object per cell and serializes it through an XML tree writer: 20 s for
the 10x martin workbook, most of the 100x generation. Its output for text and number cells is
regular, so the worksheet rows are written here with array operations instead:

- text: ``<c r="B7" t="inlineStr"><is><t>..</t></is></c>``, ``&``, ``<`` and ``>`` escaped,
  ``xml:space="preserve"`` when it has leading or trailing whitespace; a text starting with
  ``=`` is a formula ``<c r="B7"><f>..</f><v /></c>``; missing or empty: ``<c r="B7"
  t="inlineStr" />``;
- numbers: ``<c r="B7" t="n"><v>..</v></c>`` with ``"%.16g"``; missing as above.

Everything else of the file (workbook, styles, header rows, zip entries) still comes from
openpyxl, which writes the same frames cut to their header. Any column outside these two kinds
(dates, booleans, mixed objects, error codes such as ``#N/A``, infinities, illegal characters,
over-long texts) sends the whole workbook through openpyxl as before. Zip entries get a fixed
date and ``docProps/core.xml`` a fixed creation time so reruns are byte-identical.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

FIXED_STAMP = "2018-01-01T00:00:00Z"
FIXED_DATE_TIME = (2018, 1, 1, 0, 0, 0)
MAX_TEXT = 32767  # openpyxl truncates longer texts; left to it


def write_workbook(sheets: list[tuple[str, pd.DataFrame]], target: Path) -> None:
    """One workbook with a sheet per (name, frame), as ``to_excel(index=False)`` writes it."""
    fast = all(_writable(frame) for _, frame in sheets)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for name, frame in sheets:
            (frame.iloc[:0] if fast else frame).to_excel(book, sheet_name=name, index=False)
    rows = {}
    if fast:  # openpyxl names the worksheets sheet1.xml, sheet2.xml, ... in order of creation
        rows = {f"xl/worksheets/sheet{i}.xml": f for i, (_, f) in enumerate(sheets, start=1)}
    _repack(buffer, Path(target), rows)


def _repack(buffer: io.BytesIO, target: Path, rows: dict[str, pd.DataFrame]) -> None:
    """Copy the zip entries with pinned dates, the frames' rows added to their worksheets."""
    with zipfile.ZipFile(buffer) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = pin_core_dates(data.decode(), FIXED_STAMP).encode()
            elif info.filename in rows:
                data = _with_rows(data.decode(), rows[info.filename]).encode()
            info.date_time = FIXED_DATE_TIME
            dst.writestr(info, data)


def pin_core_dates(xml: str, fixed: str) -> str:
    """openpyxl stamps the creation and modification time into docProps/core.xml."""
    return re.sub(
        r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{fixed}\g<2>", xml
    )


def _with_rows(sheet_xml: str, frame: pd.DataFrame) -> str:
    """A header-only worksheet with the frame's rows after the header and its full dimension."""
    if frame.empty:
        return sheet_xml
    last = f"{get_column_letter(frame.shape[1])}{len(frame) + 1}"
    dimension = f'<dimension ref="A1:{last}" />'
    sheet_xml, n = re.subn(r'<dimension ref="A1:[A-Z]+1" />', dimension, sheet_xml)
    head, tail = sheet_xml.split("</sheetData>")
    if n != 1 or tail.count("</sheetData>"):
        raise ValueError("unexpected worksheet layout from openpyxl")
    return head + sheet_rows(frame) + "</sheetData>" + tail


def sheet_rows(frame: pd.DataFrame) -> str:
    """The ``<row>`` elements of the frame's rows, numbered from 2 (row 1 is the header)."""
    n = len(frame)
    numbers = np.arange(2, n + 2).astype(str).astype(object)
    pieces = ['<row r="' + numbers + '">']
    for j in range(frame.shape[1]):  # each cell: '<c r="' + letter, row number, the rest
        pieces += [itertools.repeat(f'<c r="{get_column_letter(j + 1)}', n), numbers]
        pieces.append(_cell_ends(frame.iloc[:, j]))
    pieces.append(itertools.repeat("</row>", n))
    return "".join(map("".join, zip(*pieces, strict=True)))


def _cell_ends(values: pd.Series) -> np.ndarray:
    """Each cell's XML after its row number, built once per distinct value."""
    codes, uniques = pd.factorize(values)  # missing values get code -1: the last entry, EMPTY
    if _is_number(values):
        numbers = np.asarray(uniques, dtype=np.float64)
        ends = [f'" t="n"><v>{text}</v></c>' for text in _g16(numbers)]
    else:
        ends = [_text_cell(text) for text in uniques]
    return np.array([*ends, EMPTY], dtype=object)[codes]


EMPTY = '" t="inlineStr" />'


def _text_cell(text: str) -> str:
    """openpyxl's cell for a text: empty, a formula (leading '='), or an inline string."""
    if text == "":
        return EMPTY
    if len(text) > 1 and text.startswith("="):
        return f'"><f>{_escape(text[1:])}</f><v /></c>'
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f'" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _escape(text: str) -> str:
    """XML text escaping as ElementTree's ``_escape_cdata``: ``&``, ``<`` and ``>`` only."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _g16(values: np.ndarray) -> list[str]:
    """``"%.16g" % v`` (openpyxl's ``safe_string``) for each value."""
    return ["%.16g" % v for v in values]  # noqa: UP031 -- openpyxl's own formatting, kept


def _is_number(values: pd.Series) -> bool:
    dtype = values.dtype
    return pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)


def _writable(frame: pd.DataFrame) -> bool:
    """Whether every column is text or numbers that the array writer renders as openpyxl does."""
    if frame.shape[1] == 0 or not frame.columns.is_unique:
        return False
    return all(_writable_column(frame.iloc[:, j]) for j in range(frame.shape[1]))


def _writable_column(values: pd.Series) -> bool:
    if _is_number(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=0.0)
        negative_zero = np.signbit(numbers) & (numbers == 0.0)  # "-0", merged with 0 by factorize
        return bool(np.isfinite(numbers).all() and not negative_zero.any())
    if not (
        pd.api.types.is_string_dtype(values.dtype)
        and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    ):
        return False
    texts = values.dropna()
    if texts.empty:
        return True
    if texts.str.len().max() > MAX_TEXT or texts.isin(ERROR_CODES).any():
        return False
    return not texts.str.contains(ILLEGAL_CHARACTERS_RE.pattern, regex=True).any()
