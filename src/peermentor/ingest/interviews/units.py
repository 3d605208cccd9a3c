"""Units of a transcript: its paragraphs (text between blank lines) or its lines (utterances).

Agreement and co-occurrence at the unit level count units, so a unit is fixed by the text alone,
never by where coders put their spans. Positions are code points, end exclusive, the unit's own
text without its surrounding whitespace.
"""

from __future__ import annotations

import bisect
import re

import pandas as pd

UNIT_SPLITS = {
    "paragraphs": re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)\s*"),  # a blank line
    "lines": re.compile(r"(?:\r\n|\r|\n)\s*"),  # every line break
}


def split_units(text: str, units: str = "paragraphs") -> list[tuple[int, int]]:
    """(start, end) of each non-blank unit, in order."""
    spans, start = [], 0
    for gap in [*UNIT_SPLITS[units].finditer(text), None]:
        end = gap.start() if gap else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = gap.end() if gap else len(text)
    return spans


def units_frame(document_id: str, text: str, units: str) -> pd.DataFrame:
    spans = split_units(text, units)
    return pd.DataFrame(
        {
            "document_id": document_id,
            "unit": range(1, len(spans) + 1),
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "text": [text[s:e] for s, e in spans],
        }
    )


def unit_of(spans: list[tuple[int, int]], position: int) -> int:
    """1-based unit holding ``position``; a position between units belongs to the next unit
    (a coder's span often starts on the whitespace before a paragraph), after the last to it."""
    ends = [end for _, end in spans]
    index = bisect.bisect_right(ends, position)
    return min(index, len(spans) - 1) + 1 if spans else 0
