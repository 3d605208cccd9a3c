"""The REFI-QDA reader: each quirk of real exports on a tiny hand-written project, bad files."""

from __future__ import annotations

import zipfile

import pytest
from interview_helpers import (
    ANA,
    BEN,
    DOC1,
    DOC2,
    FLAT_CODES,
    SAFETY,
    SELECTIONS1,
    SELECTIONS2,
    TEXT1,
    TEXT2,
    project_xml,
    selection,
    text_source,
    write_qdpx,
)

from peermentor.errors import InputError
from peermentor.ingest.interviews.export import normalize_guid
from peermentor.ingest.interviews.qdpx import read_qdpx


def test_reads_users_codes_documents_and_codings(tmp_path):
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml()))
    assert export.users == {ANA: "Ana", BEN: "Ben"}
    assert sorted(export.codes.values()) == [
        "Common vision",
        "Common vision::Child safety first",
        "Trust",
    ]
    assert [(d.name, d.order, d.text) for d in export.documents] == [
        ("Interview 1", 1, TEXT1),
        ("Interview 2", 2, TEXT2),
    ]
    codings = export.codings
    assert len(codings) == 4 and codings["reason"].isna().all()
    assert codings["tool_code"].tolist() == [
        "Common vision::Child safety first",
        "Trust",
        "Common vision::Child safety first",
        "Common vision",
    ]


def test_guids_braced_or_upper_case_are_normalized(tmp_path):
    assert normalize_guid("{ABCDEF01-2345-4789-8BCD-EF0123456789}") == (
        "abcdef01-2345-4789-8bcd-ef0123456789"
    )
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml()))
    ben = export.codings.iloc[2]  # its CodeRef is upper-case, its user braced in Users
    assert ben["user"] == BEN and ben["tool_code"] == "Common vision::Child safety first"


@pytest.mark.parametrize("folder", ["sources", "Sources", "SOURCES"])
def test_sources_folder_in_any_case(tmp_path, folder):
    files = {f"{folder}/doc1.txt": TEXT1, f"{folder}/doc2.txt": TEXT2}
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(), files))
    assert [d.text for d in export.documents] == [TEXT1, TEXT2]


def test_bare_file_name_as_plain_text_path(tmp_path):
    sources = text_source(DOC1, "Interview 1", "doc1.txt", SELECTIONS1)
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(sources=sources)))
    assert export.documents[0].text == TEXT1


def test_inline_plain_text_content(tmp_path):
    sources = text_source(DOC2, "Interview 2", None, SELECTIONS2, inline=TEXT2)
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(sources=sources), {}))
    assert export.documents[0].text == TEXT2


def test_text_file_with_a_byte_order_mark(tmp_path):
    files = {"sources/doc1.txt": "\ufeff".encode() + TEXT1.encode(), "sources/doc2.txt": TEXT2}
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(), files))
    assert export.documents[0].text == TEXT1


def test_positions_are_code_points_not_bytes(tmp_path):
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml()))
    first = export.codings.iloc[0]
    # "Café talk ☕ first.\n\n" is 20 code points but 23 UTF-8 bytes.
    assert TEXT1[first["start"] : first["end"]] == "We keep kids safe."


def test_coding_on_the_whole_document(tmp_path):
    whole = (
        f'<Coding guid="cccccccc-0000-4000-8000-000000000099" creatingUser="{ANA}">'
        f'<CodeRef targetGUID="{SAFETY}"/></Coding>'
    )
    sources = text_source(DOC1, "Interview 1", "internal://doc1.txt", [whole])
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(sources=sources)))
    row = export.codings.iloc[0]
    assert (row["start"], row["end"]) == (0, len(TEXT1))
    assert row["element"].startswith("TextSource/Coding")


def test_atlas_ti_parent_child_names_equal_nested_codes(tmp_path):
    nested = read_qdpx(write_qdpx(tmp_path / "n.qdpx", project_xml()))
    flat = read_qdpx(write_qdpx(tmp_path / "f.qdpx", project_xml(codes=FLAT_CODES)))
    assert flat.codes == nested.codes
    assert flat.codings["tool_code"].tolist() == nested.codings["tool_code"].tolist()


def test_cases_linked_with_source_ref_and_their_variables(tmp_path):
    variables = (
        '<Variables><Variable guid="99999999-0000-4000-8000-000000000001" name="Role" '
        'typeOfVariable="Text"/></Variables>'
    )
    cases = (
        '<Cases><Case guid="88888888-0000-4000-8000-000000000001" name="Participant 7">'
        '<VariableValue><VariableRef targetGUID="99999999-0000-4000-8000-000000000001"/>'
        "<TextValue>Supervisor</TextValue></VariableValue>"
        f'<SourceRef targetGUID="{{{DOC2.upper()}}}"/></Case></Cases>'
    )
    xml = project_xml(variables=variables, cases=cases)
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", xml))
    first, second = export.documents
    assert (first.case, first.variables) == (None, {})
    assert (second.case, second.variables) == ("Participant 7", {"Role": "Supervisor"})


def test_several_users_keep_their_own_codings(tmp_path):
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml()))
    assert export.codings.groupby("user").size().to_dict() == {ANA: 3, BEN: 1}


def test_missing_text_file_marks_its_codings(tmp_path):
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(), {"sources/doc1.txt": TEXT1}))
    assert export.documents[1].text is None
    assert export.codings["reason"].fillna("ok").tolist() == ["ok", "ok", "ok", "missing_source"]


def test_code_ref_to_no_code_is_marked(tmp_path):
    stray = selection(7, 0, 4, ANA, "ffffffff-0000-4000-8000-000000000000")
    sources = text_source(DOC1, "Interview 1", "internal://doc1.txt", [stray])
    export = read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml(sources=sources)))
    assert export.codings["reason"].tolist() == ["unknown_code"]


# --- bad files: a clear message naming the file and element, never a traceback ----------------


def test_not_a_zip(tmp_path):
    path = tmp_path / "p.qdpx"
    path.write_text("<Project/>")
    with pytest.raises(InputError, match=r"p\.qdpx.*not a REFI-QDA project.*not one"):
        read_qdpx(path)


def test_zip_without_project_qde(tmp_path):
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sources/doc1.txt", TEXT1)
    with pytest.raises(InputError, match=r"p\.qdpx.*no project\.qde"):
        read_qdpx(path)


def test_xml_failing_the_schema_names_the_element(tmp_path):
    broken = project_xml().replace('startPosition="40" ', "")  # a required attribute
    with pytest.raises(InputError) as err:
        read_qdpx(write_qdpx(tmp_path / "p.qdpx", broken))
    message = str(err.value)
    assert "p.qdpx" in message and "REFI-QDA schema" in message
    assert (
        "element /Project/Sources/TextSource[1]/PlainTextSelection[2]: missing required " in message
    )
    assert "'startPosition'" in message


def test_xml_not_well_formed(tmp_path):
    with pytest.raises(InputError, match=r"p\.qdpx.*not well-formed XML"):
        read_qdpx(write_qdpx(tmp_path / "p.qdpx", project_xml()[:-10]))


def test_root_in_another_namespace(tmp_path):
    xml = project_xml().replace("urn:QDA-XML:project:1.0", "urn:other")
    with pytest.raises(InputError, match="root element"):
        read_qdpx(write_qdpx(tmp_path / "p.qdpx", xml))
