"""Reading a tidy table of coded segments (CSV or Excel), as Dedoose and Taguette export them.

One row per coded segment: document, coder, code, and the coded text or its offsets (the mapping's
``export.columns`` names them). The transcripts, when the study keeps them (``export.texts``: a
folder of ``<document>.txt``), give the units and place each segment: by its offsets, counted in
code points or, as Taguette counts them, in UTF-8 bytes (``export.offsets``); or by finding its
text in the transcript. Without transcripts each distinct coded excerpt of a document is one unit,
in the order the table first shows it. A row that cannot be placed is quarantined with a reason.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest.interviews.export import Document, Export, codings_frame
from peermentor.ingest.interviews.roster import read_table


def read_segments(export_cfg: dict) -> Export:
    path = export_cfg["path"]
    table = read_table(path, sheet=export_cfg.get("sheet"), config_key="export.path")
    columns = export_cfg["columns"]
    for field, column in columns.items():
        if column not in table.columns:
            raise InputError(
                f"the segment table has no column {column!r}; its columns: "
                f"{', '.join(c for c in table.columns if c != 'source_row')}",
                file=str(path),
                config_key=f"export.columns.{field}",
            )
    rows = table.rename(columns={v: k for k, v in columns.items()})
    names = list(dict.fromkeys(str(d).strip() for d in rows["document"].dropna()))
    if export_cfg.get("texts"):  # an interview nobody coded is still an interview
        files = Path(export_cfg["texts"]).glob("*")
        stems = sorted(p.stem for p in files if p.suffix.lower() == ".txt")
        seen = {n.lower() for n in names}
        names += [stem for stem in stems if stem.lower() not in seen]
    texts = _transcripts(names, export_cfg.get("texts"), rows)
    documents = [
        Document(key=name, name=name, order=i, text=texts.get(name))
        for i, name in enumerate(names, start=1)
    ]
    placed = [_placed(row, texts, export_cfg["offsets"]) for row in rows.to_dict("records")]
    coders = sorted({str(c).strip() for c in rows["coder"].dropna()})
    return Export(
        file=str(path),
        tool="coded segments",
        users={name: name for name in coders},
        codes={code: code for code in sorted({str(c).strip() for c in rows["code"].dropna()})},
        documents=documents,
        codings=codings_frame(placed),
    )


def _transcripts(names: list[str], folder: str | None, rows: pd.DataFrame) -> dict[str, str]:
    """Each document's transcript from the folder (None: missing), or built from its excerpts."""
    if folder:
        files = {p.name.lower(): p for p in Path(folder).glob("*") if p.is_file()}
        found = {}
        for name in names:
            path = files.get(name.lower()) or files.get(f"{name.lower()}.txt")
            if path is not None:
                found[name] = path.read_bytes().decode("utf-8-sig")
        return found
    if "text" not in rows:
        return {}
    built = {}
    for name in names:
        excerpts = rows.loc[rows["document"].str.strip() == name, "text"].dropna()
        built[name] = "\n\n".join(dict.fromkeys(str(e).strip() for e in excerpts))
    return built


def _placed(row: dict, texts: dict[str, str], offsets: str) -> dict:
    document = None if pd.isna(row["document"]) else str(row["document"]).strip()
    out = {
        "coding_id": f"row-{row['source_row']}",
        "document": document,
        "user": None if pd.isna(row["coder"]) else str(row["coder"]).strip(),
        "tool_code": None if pd.isna(row["code"]) else str(row["code"]).strip(),
        "start": None,
        "end": None,
        "element": f"row {row['source_row']}",
        "reason": None,
    }
    if document is None or out["user"] is None or out["tool_code"] is None:
        return out | {"reason": "empty_cell"}
    text = texts.get(document)
    if text is None:
        return out | {"reason": "missing_source"}
    if "start" in row and not pd.isna(row.get("start")):
        span = _offsets(row["start"], row["end"], text, offsets)
    else:
        span = _find(row.get("text"), text)
    if isinstance(span, str):
        return out | {"reason": span}
    return out | {"start": span[0], "end": span[1]}


def _offsets(start, end, text: str, unit: str) -> tuple[int, int] | str:
    try:
        start, end = int(float(start)), int(float(end))
    except (TypeError, ValueError):
        return "invalid_span"
    if unit == "code_points":
        return start, end
    encoded = text.encode("utf-8")
    if end > len(encoded):
        return "position_beyond_text"
    try:  # bytes before each offset, decoded: how many code points precede it
        return len(encoded[:start].decode("utf-8")), len(encoded[:end].decode("utf-8"))
    except UnicodeDecodeError:
        return "offset_inside_a_character"


def _find(excerpt, text: str) -> tuple[int, int] | str:
    if excerpt is None or pd.isna(excerpt) or not str(excerpt).strip():
        return "empty_cell"
    excerpt = str(excerpt).strip()
    start = text.find(excerpt)
    if start < 0:
        return "text_not_in_transcript"
    return start, start + len(excerpt)
