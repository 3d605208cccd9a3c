"""What a coded-interview export holds, whatever tool wrote it: the readers' common result.

Both readers (``qdpx`` for REFI-QDA projects, ``segments`` for coded-segment tables) return an
``Export``; ``canonical`` turns it into the study's tables. A coding the reader already knows
it cannot use (its code is not in the codebook, its source has no text, ...) keeps a ``reason``
and goes to the quarantine, never away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

CODING_COLUMNS = [
    "coding_id",  # stable: the export's own GUID (normalized) or the table's row
    "document",  # key of the document (a source GUID, or the table's document name)
    "user",  # key of the user (a User GUID, or the table's coder name)
    "tool_code",  # the code's full path, levels joined by "::"; None when unknown
    "start",  # code points, end exclusive; whole-document codings span the text
    "end",
    "element",  # where the coding is in the export (XML element or table row)
    "reason",  # None, or why it cannot be used (quarantine reason)
]

CODE_SEPARATOR = "::"

_GUID = re.compile(r"^\{?([0-9a-fA-F-]{36})\}?$")


def normalize_guid(value: str | None) -> str | None:
    """GUIDs compare case-insensitively and may be braced: ``{ABC...}`` -> ``abc...``."""
    if value is None:
        return None
    text = value.strip()
    match = _GUID.match(text)
    return (match.group(1) if match else text).lower()


@dataclass
class Document:
    key: str  # a source GUID (normalized) or the table's document name
    name: str  # the document's name in the tool (what the roster lists)
    order: int  # 1-based position in the export
    text: str | None  # None: the export names a text it does not hold
    case: str | None = None  # the case (participant) the export links it to
    variables: dict[str, str] = field(default_factory=dict)  # case/source variables


@dataclass
class Export:
    file: str
    tool: str  # origin written by the tool, or the table's format
    users: dict[str, str]  # user key -> name
    codes: dict[str, str]  # code key -> full path
    documents: list[Document]
    codings: pd.DataFrame  # CODING_COLUMNS


def codings_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    for column in ("start", "end"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame
