"""`peermentor site inspect`: what each export file holds, column by column.

Free text is never listed: a column of names or notes is reported as such with its
number of distinct values (and, for notes, one cut-short example), so the report can
be pasted into a ticket.
"""

from __future__ import annotations

import pandas as pd

from peermentor.ingest.mapping import _as_text
from peermentor.onboard.files import Export
from peermentor.onboard.infer import ColumnProfile, duration_unit, profile_column
from peermentor.onboard.vocabulary import COLUMN_WORDS, has_word

_DURATION_WORDS = COLUMN_WORDS[("contacts", "duration_minutes")][0]
SHOWN_VALUES = 8


def inspect_exports(exports: list[Export]) -> list[dict]:
    """One entry per file (or workbook sheet): how it reads and what each column holds."""
    return [inspect_export(export) for export in exports]


def inspect_export(export: Export) -> dict:
    reader = {k: v for k, v in export.options.items() if k != "format"}
    return {
        "file": export.path,
        "sheet": export.sheet,
        "part": export.part,
        "format": export.options["format"],
        "reader": reader,
        "rows": len(export.frame),
        "header_row": export.header_row,
        "columns": [
            describe_column(profile_column(export.frame[c], c), export.frame[c])
            for c in export.columns
        ],
    }


def describe_column(profile: ColumnProfile, values: pd.Series) -> dict:
    """A column as reported: type, missing share, distinct values and what may be shown."""
    entry = {
        "name": profile.name,
        "type": profile.kind,
        "missing": profile.missing,
        "missing_share": round(profile.missing_share, 4),
        "distinct": profile.distinct,
    }
    if profile.kind == "date":
        entry["date_formats"] = profile.date_formats
        entry["not_dates"] = profile.not_dates
        entry["not_date_examples"] = profile.not_date_examples
        entry["day_month_ambiguous"] = profile.day_month_ambiguous
    if profile.kind == "codes":
        entry["delimiter"] = profile.delimiter
    if profile.kind in ("boolean", "category", "codes"):
        entry["values"] = profile.counts
    elif profile.kind == "text":
        entry["personal_names"] = profile.personal
    if profile.kind in ("integer", "number", "date"):
        entry["range"] = [profile.low, profile.high]
    if profile.median is not None:
        entry["median"] = profile.median
    if profile.examples and profile.kind in ("id", "text"):
        entry["examples"] = profile.examples
    if profile.kind in ("integer", "number") and has_word(profile.name, _DURATION_WORDS):
        numbers = pd.to_numeric(_as_text(values), errors="coerce")
        entry["duration_unit"] = duration_unit(numbers, profile.name)[0]
    return entry
