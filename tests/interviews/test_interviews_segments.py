"""A table of coded segments (Dedoose, Taguette): offsets in code points or UTF-8 bytes, or text."""

from __future__ import annotations

import pandas as pd
import pytest
from interview_helpers import ROSTER, TEXT1, TEXT2, mapping, write_roster

from peermentor.errors import InputError
from peermentor.ingest.interviews import ingest_interviews
from peermentor.ingest.pseudonymize import DEMO_SALT

SALT = DEMO_SALT.encode()


def segments_mapping(tmp_path, table: pd.DataFrame, *, texts=True, offsets="code_points", **cols):
    path = tmp_path / "segments.csv"
    table.to_csv(path, index=False)
    if texts:
        (tmp_path / "texts").mkdir(exist_ok=True)
        (tmp_path / "texts/Interview 1.txt").write_text(TEXT1, encoding="utf-8")
        (tmp_path / "texts/interview 2.TXT").write_text(TEXT2, encoding="utf-8")
    m = mapping(path, write_roster(tmp_path / "r.csv", ROSTER))
    m["coders"] = {"Ana": "coder_a", "ben": "coder_b"}  # tables name coders; any case
    m["export"] = {
        "path": str(path),
        "format": "segments",
        "sheet": None,
        "role_variable": None,
        "columns": {"document": "Document", "coder": "Coder", "code": "Code", **cols},
        "offsets": offsets,
        "texts": str(tmp_path / "texts") if texts else None,
    }
    return m


def test_utf8_byte_offsets_become_code_points(tmp_path):
    # "We keep kids safe." starts at code point 20, byte 23 ("é" 2 bytes, "☕" 3 bytes).
    table = pd.DataFrame(
        {
            "Document": ["Interview 1", "Interview 1"],
            "Coder": ["Ana", "Ben"],
            "Code": ["Common vision::Child safety first"] * 2,
            "Start": [23, 23],
            "End": [41, 41],
        }
    )
    m = segments_mapping(tmp_path, table, offsets="utf8_bytes", start="Start", end="End")
    tables = ingest_interviews(m, salt=SALT)
    assert tables.codings["text"].tolist() == ["We keep kids safe."] * 2
    assert tables.codings[["start", "end", "unit"]].values.tolist() == [[20, 38, 2]] * 2
    assert tables.documents["double_coded"].tolist() == [True, False]


def test_code_point_offsets_and_an_offset_inside_a_character(tmp_path):
    table = pd.DataFrame(
        {
            "Document": ["Interview 1", "Interview 1"],
            "Coder": ["Ana", "Ana"],
            "Code": ["Common vision", "Common vision"],
            "Start": [40, 0],
            "End": [58, 4],
        }
    )
    m = segments_mapping(tmp_path, table, start="Start", end="End")
    assert ingest_interviews(m, salt=SALT).codings["text"].tolist() == [
        "Café",
        "Trust came slowly.",
    ]
    m = segments_mapping(tmp_path, table, offsets="utf8_bytes", start="Start", end="End")
    tables = ingest_interviews(m, salt=SALT)  # byte 4 is inside "é" (bytes 3 and 4)
    assert tables.quarantine["reason"].tolist() == ["offset_inside_a_character"]
    assert tables.quarantine["element"].tolist() == ["row 3"]


def test_text_found_in_the_transcript_or_quarantined(tmp_path):
    table = pd.DataFrame(
        {
            "Document": ["Interview 2", "Interview 2", "Interview 1"],
            "Coder": ["Ana", "Ana", "Ben"],
            "Code": ["Common vision", "Common vision", "Trust"],
            "Excerpt": ["The mentor knew recovery.", "Never said.", "Trust came slowly."],
        }
    )
    tables = ingest_interviews(segments_mapping(tmp_path, table, text="Excerpt"), salt=SALT)
    # No roster order: the table's first mention orders the documents (Interview 2 first).
    assert tables.codings["start"].tolist() == [20, 40]
    assert tables.quarantine["reason"].tolist() == ["text_not_in_transcript"]
    recon = tables.reconciliation.set_index(["kind", "item"])["codings"]
    assert (recon["codings", "in"], recon["unmapped", "Trust"]) == (3, 1)


def test_without_transcripts_each_excerpt_is_a_unit(tmp_path):
    table = pd.DataFrame(
        {
            "Document": ["Interview 1", "Interview 1", "Interview 1", "Interview 2"],
            "Coder": ["Ana", "Ben", "Ana", "Ana"],
            "Code": ["Common vision"] * 4,
            "Excerpt": ["Goal one.", "Goal one.", "Goal two.", "Only one."],
        }
    )
    m = segments_mapping(tmp_path, table, texts=False, text="Excerpt")
    tables = ingest_interviews(m, salt=SALT)
    assert tables.codings["unit"].tolist() == [1, 1, 2, 1]
    assert tables.documents["n_units"].tolist() == [2, 1]


def test_missing_transcript_and_empty_cells_are_quarantined(tmp_path):
    table = pd.DataFrame(
        {
            "Document": ["Interview 3", None, "Interview 1"],
            "Coder": ["Ana", "Ana", "Ana"],
            "Code": ["Common vision", "Common vision", None],
            "Excerpt": ["x", "y", "Café"],
        }
    )
    roster = [*ROSTER, ("Interview 3", "SUP-1", "caseworker")]
    m = segments_mapping(tmp_path, table, text="Excerpt")
    m["roster"]["path"] = str(write_roster(tmp_path / "r3.csv", roster))
    tables = ingest_interviews(m, salt=SALT)
    assert tables.quarantine["reason"].tolist() == ["missing_source", "empty_cell", "empty_cell"]
    assert len(tables.codings) == 0


def test_column_missing_names_the_key(tmp_path):
    table = pd.DataFrame({"Document": ["Interview 1"], "Coder": ["Ana"], "Code": ["x"]})
    with pytest.raises(InputError, match=r"no column 'Excerpt'.*\n.*export.columns.text"):
        ingest_interviews(segments_mapping(tmp_path, table, text="Excerpt"), salt=SALT)


def test_segments_and_roster_in_excel(tmp_path):
    table = pd.DataFrame(
        {
            "Document": ["Interview 1"],
            "Coder": ["Ana"],
            "Code": ["Common vision"],
            "Excerpt": ["We keep kids safe."],
        }
    )
    m = segments_mapping(tmp_path, table, text="Excerpt")
    table.to_excel(tmp_path / "segments.xlsx", sheet_name="Excerpts", index=False)
    pd.DataFrame(ROSTER, columns=["document", "participant", "role"]).to_excel(
        tmp_path / "roster.xlsx", index=False
    )
    m["export"] |= {"path": str(tmp_path / "segments.xlsx"), "sheet": "Excerpts"}
    m["roster"]["path"] = str(tmp_path / "roster.xlsx")
    tables = ingest_interviews(m, salt=SALT)
    assert tables.codings[["start", "end", "unit"]].values.tolist() == [[20, 38, 2]]
    assert tables.documents["role"].tolist() == ["caseworker", "family_mentor"]
