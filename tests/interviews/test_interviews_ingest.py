"""Export + mapping + roster -> canonical tables: mapping, roles, quarantine, reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest
from interview_helpers import (
    ANA,
    DOC1,
    ROSTER,
    SELECTIONS1,
    TEXT1,
    mapping,
    project_xml,
    selection,
    text_source,
    write_qdpx,
    write_roster,
)

from peermentor.errors import InputError
from peermentor.ingest.interviews import ingest_interviews
from peermentor.ingest.interviews.units import split_units, unit_of
from peermentor.ingest.pseudonymize import DEMO_SALT

SALT = DEMO_SALT.encode()


@pytest.fixture
def files(tmp_path):
    return write_qdpx(tmp_path / "p.qdpx", project_xml()), write_roster(tmp_path / "r.csv", ROSTER)


def counts(tables) -> dict:
    frame = tables.reconciliation
    return {
        (kind, item): n for kind, item, n in frame[["kind", "item", "codings"]].itertuples(False)
    }


def test_canonical_tables(files):
    tables = ingest_interviews(mapping(*files), salt=SALT)
    docs = tables.documents
    assert docs["role"].tolist() == ["caseworker", "family_mentor"]
    assert docs["order"].tolist() == [1, 2]
    assert docs["n_units"].tolist() == [3, 1]  # three paragraphs; one (a single line break)
    assert docs["double_coded"].tolist() == [True, False]  # Ana and Ben both coded Interview 1
    assert docs["document_id"].str.startswith("D-").all()
    assert docs["participant_id"].str.startswith("P-").all()
    codings = tables.codings
    assert codings["coder"].tolist() == ["coder_a", "coder_b", "coder_a", "coder_a"]
    assert codings["theme"].fillna("-").tolist() == [
        "child_safety_first",
        "child_safety_first",
        "-",  # Trust is not in codes: unmapped, counted
        "common_vision",
    ]
    assert codings["unit"].tolist() == [2, 2, 3, 1]
    assert codings["text"].tolist()[:2] == ["We keep kids safe."] * 2
    assert tables.themes["process"].tolist() == [
        "common_vision",
        "common_vision",
        "working_relationships",
        "working_relationships",
    ]


def test_no_raw_name_survives_pseudonymization(files):
    tables = ingest_interviews(mapping(*files), salt=SALT)
    for frame in (tables.documents, tables.codings, tables.units, tables.quarantine):
        text = frame.astype(str).to_string()
        assert "Interview 1" not in text and "CW-1" not in text


def test_reconciliation_counts_every_coding(files):
    tables = ingest_interviews(mapping(*files), salt=SALT)
    assert counts(tables) == {
        ("documents", "in"): 2,
        ("documents", "kept"): 2,
        ("codings", "in"): 4,
        ("codings", "mapped"): 3,
        ("codings", "unmapped"): 1,
        ("codings", "quarantined"): 0,
        ("mapped", "Common vision"): 1,
        ("mapped", "Common vision::Child safety first"): 2,
        ("unmapped", "Trust"): 1,
    }


def test_document_missing_from_the_roster_is_quarantined(files, tmp_path):
    qdpx, _ = files
    roster = write_roster(tmp_path / "r1.csv", ROSTER[:1])
    tables = ingest_interviews(mapping(qdpx, roster), salt=SALT)
    assert len(tables.documents) == 1
    assert tables.quarantine["reason"].tolist() == ["document_not_in_roster"]
    assert counts(tables)[("quarantined", "document_not_in_roster")] == 1
    assert counts(tables)[("documents", "kept")] == 1


def test_position_beyond_the_text_is_quarantined(tmp_path):
    beyond = selection(9, 50, len(TEXT1) + 5, ANA, "aaaaaaaa-0000-4000-8000-000000000002")
    sources = text_source(DOC1, "Interview 1", "internal://doc1.txt", [*SELECTIONS1, beyond])
    qdpx = write_qdpx(tmp_path / "p.qdpx", project_xml(sources=sources))
    roster = write_roster(tmp_path / "r.csv", ROSTER[:1])
    tables = ingest_interviews(mapping(qdpx, roster), salt=SALT)
    row = tables.quarantine.iloc[0]
    assert (row["reason"], row["start"], row["end"]) == ("position_beyond_text", 50, 63)
    assert "cccccccc-0000-4000-8000-000000000009" in row["element"]


def test_missing_source_is_quarantined(tmp_path):
    qdpx = write_qdpx(tmp_path / "p.qdpx", project_xml(), {"sources/doc1.txt": TEXT1})
    roster = write_roster(tmp_path / "r.csv", ROSTER)
    tables = ingest_interviews(mapping(qdpx, roster), salt=SALT)
    assert tables.quarantine["reason"].tolist() == ["missing_source"]
    assert counts(tables)[("codings", "in")] == 4


def test_user_who_is_not_a_coder_is_quarantined(files):
    tables = ingest_interviews(mapping(*files, coders={"Ana": "coder_a"}), salt=SALT)
    assert tables.quarantine["reason"].tolist() == ["unknown_coder"]
    assert tables.documents["double_coded"].tolist() == [False, False]


def test_participant_listed_twice_stops(files, tmp_path):
    qdpx, _ = files
    roster = write_roster(tmp_path / "r.csv", [ROSTER[0], ("Interview 2", "CW-1", "family mentor")])
    with pytest.raises(InputError, match=r"same participant on 2 rows") as err:
        ingest_interviews(mapping(qdpx, roster), salt=SALT)
    assert "rows: 2, 3" in str(err.value) and "CW-1" not in str(err.value)


def test_document_listed_twice_stops(files, tmp_path):
    qdpx, _ = files
    roster = write_roster(tmp_path / "r.csv", [*ROSTER, ("Interview 1", "CW-2", "caseworker")])
    with pytest.raises(InputError, match=r"same document on 2 rows.*\n.*row 2: 'Interview 1'"):
        ingest_interviews(mapping(qdpx, roster), salt=SALT)


def test_roster_document_the_export_lacks_stops(files, tmp_path):
    qdpx, _ = files
    roster = write_roster(tmp_path / "r.csv", [*ROSTER, ("Interview 9", "SUP-1", "caseworker")])
    with pytest.raises(InputError, match=r"1 document\(s\) that the export does not hold"):
        ingest_interviews(mapping(qdpx, roster), salt=SALT)


def test_unknown_role_word_names_the_key(files, tmp_path):
    qdpx, _ = files
    roster = write_roster(tmp_path / "r.csv", [ROSTER[0], ("Interview 2", "FM-1", "peer")])
    with pytest.raises(InputError, match=r"(?s)role word.*row 3: 'peer'.*fix: config key roles"):
        ingest_interviews(mapping(qdpx, roster), salt=SALT)


def test_roles_from_case_variables_without_a_roster(tmp_path):
    variables = (
        '<Variables><Variable guid="99999999-0000-4000-8000-000000000001" name="Role" '
        'typeOfVariable="Text"/></Variables>'
    )
    cases = "".join(
        f'<Case guid="88888888-0000-4000-8000-00000000000{i}" name="Person {i}">'
        '<VariableValue><VariableRef targetGUID="99999999-0000-4000-8000-000000000001"/>'
        f"<TextValue>{role}</TextValue></VariableValue>"
        f'<SourceRef targetGUID="dddddddd-0000-4000-8000-00000000000{i}"/></Case>'
        for i, role in ((1, "Family mentor"), (2, "Caseworker"))
    )
    qdpx = write_qdpx(
        tmp_path / "p.qdpx", project_xml(variables=variables, cases=f"<Cases>{cases}</Cases>")
    )
    m = mapping(qdpx, None)
    m["export"]["role_variable"] = "Role"
    tables = ingest_interviews(m, salt=SALT)
    assert tables.documents["role"].tolist() == ["family_mentor", "caseworker"]


def test_roster_order_sets_interview_order(files, tmp_path):
    qdpx, _ = files
    roster = tmp_path / "r.csv"
    roster.write_text(
        "doc,who,kind,when\nInterview 1,CW-1,caseworker,5\nInterview 2,FM-1,family mentor,2\n"
    )
    m = mapping(qdpx, roster)
    m["roster"]["columns"] = {
        "document": "doc",
        "participant": "who",
        "role": "kind",
        "order": "when",
    }
    tables = ingest_interviews(m, salt=SALT)
    assert tables.documents["n_units"].tolist() == [1, 3]  # Interview 2 first
    assert tables.documents["order"].tolist() == [1, 2]


def test_roster_column_missing_names_the_key(files, tmp_path):
    qdpx, _ = files
    roster = tmp_path / "r.csv"
    roster.write_text("document,person,role\nInterview 1,CW-1,caseworker\n")
    with pytest.raises(
        InputError, match=r"no column 'participant'.*\n.*roster.columns.participant"
    ):
        ingest_interviews(mapping(qdpx, roster), salt=SALT)


def test_same_inputs_same_tables(files):
    first = ingest_interviews(mapping(*files), salt=SALT)
    second = ingest_interviews(mapping(*files), salt=SALT)
    pd.testing.assert_frame_equal(first.codings, second.codings)
    other = ingest_interviews(mapping(*files), salt=b"another salt")
    assert set(other.documents["document_id"]).isdisjoint(first.documents["document_id"])


# --- units ----------------------------------------------------------------------------------


def test_units_by_paragraph_and_by_line():
    text = "  One.\nStill one.\n\n\nTwo.\r\n\r\nThree.\n"
    assert split_units(text, "paragraphs") == [(2, 17), (20, 24), (28, 34)]
    assert split_units(text, "lines") == [(2, 6), (7, 17), (20, 24), (28, 34)]


def test_unit_of_a_position_in_a_gap_is_the_next_unit():
    spans = [(0, 5), (7, 12)]
    assert [unit_of(spans, p) for p in (0, 4, 5, 6, 7, 11, 12, 30)] == [1, 1, 2, 2, 2, 2, 2, 2]
