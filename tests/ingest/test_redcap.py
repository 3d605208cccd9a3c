"""REDCap exports (records + data dictionary) as a site source: the tiny site in REDCap's layout."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
from ingest_helpers import pipeline_error, run_site
from redcap_helpers import (
    FAMILY_FIELDS,
    WEB_HEADER,
    dictionary,
    family_records,
    mentor_records,
    write_redcap_site,
)

from peermentor.errors import InputError
from peermentor.ingest.read import read_export
from peermentor.ingest.redcap import parse_choices, read_dictionary
from peermentor.onboard.draft import draft_site
from peermentor.onboard.redcap import read_project, split_paths


def test_parse_choices():
    assert parse_choices("1, Face to face | 2, Phone|3,Text, or email") == {
        "1": "Face to face", "2": "Phone", "3": "Text, or email",
    }  # fmt: skip
    assert parse_choices("") == {}


@pytest.mark.parametrize("header", ["api", "web"])
def test_both_dictionary_header_styles(tmp_path, header):
    cfg, _ = write_redcap_site(tmp_path)
    if header == "web":
        path = tmp_path / "raw" / "dictionary.csv"
        dictionary(FAMILY_FIELDS, WEB_HEADER).to_csv(path, index=False)
    read = read_dictionary(cfg["tables"]["contacts"]["redcap"]["dictionary"])
    assert read.record_id == "record_id"
    assert read.forms == ["family", "contact_log"]
    assert read.fields["contact_mode"].choices == {"1": "F2F", "2": "PH", "3": "TXT"}
    assert read.fields["parent_yn"].choices == {"1": "Yes", "0": "No"}
    assert read.fields["open_date"].is_date and not read.fields["n_kids"].is_date
    assert read.field_of("contact_act___2") == (read.fields["contact_act"], "2")


def test_one_records_file_feeds_families_and_contacts(tmp_path):
    cfg, _ = write_redcap_site(tmp_path)
    families, contacts = (
        read_export(cfg["tables"][t]["path"], cfg["tables"][t], site="tiny", table=t)
        for t in ("families", "contacts")
    )
    assert families["record_id"].tolist() == ["A1", "A2", "A3"]
    # Records file: header, A1 base, A1 x2 contacts, A2 base, A2 x2, A3 base, A3 x2.
    assert families["source_row"].tolist() == [2, 5, 8]
    assert contacts["redcap_instance_id"].tolist() == [
        "A1:1", "A1:2", "A2:1", "A2:2", "A3:1", "A3:2",
    ]  # fmt: skip
    assert contacts["source_row"].tolist() == [3, 4, 6, 7, 9, 10]


def test_redcap_site_ingests_as_the_csv_export(tmp_path):
    cfg, csv_cfg = write_redcap_site(tmp_path)
    ours, theirs = run_site(cfg), run_site(csv_cfg)
    # Families and contacts share one records file, so their rows are numbered in it; a
    # contact's id is (record, instance) in REDCap. Every other column is the same.
    pd.testing.assert_frame_equal(ours.kept["mentors"], theirs.kept["mentors"])
    pd.testing.assert_frame_equal(
        ours.kept["families"].drop(columns="source_row"),
        theirs.kept["families"].drop(columns="source_row"),
    )
    pd.testing.assert_frame_equal(
        ours.kept["contacts"].drop(columns=["contact_id", "source_row"]),
        theirs.kept["contacts"].drop(columns=["contact_id", "source_row"]),
    )
    assert ours.kept["contacts"]["contact_id"].is_unique
    assert ours.reconciliation["balanced"].all()


def test_export_date_format_comes_from_the_site_config(tmp_path):
    mentors = mentor_records().assign(hired=["01/01/2014", "06/01/2015"])  # an MDY export
    cfg, _ = write_redcap_site(tmp_path, mentors=mentors)
    cfg["tables"]["mentors"]["date_format"] = "%m/%d/%Y"
    result = run_site(cfg)
    # end_date was still written YYYY-MM-DD: it does not read as MM/DD/YYYY and is quarantined.
    assert result.quarantine["mentors"]["reason"].tolist() == ["unparseable_date"]
    kept = result.kept["mentors"]
    assert kept["hire_date"].tolist() == [pd.Timestamp("2014-01-01")]


def test_a_code_not_in_the_choices_stops_with_field_file_and_key(tmp_path):
    records = family_records()
    records.loc[records["contact_mode"] == "2", "contact_mode"] = "9"
    cfg, _ = write_redcap_site(tmp_path, records=records)
    msg = pipeline_error(cfg)
    assert "table contacts" in msg and "records.csv" in msg and "column 'contact_mode'" in msg
    assert "not choices of field 'contact_mode'" in msg and "1, F2F | 2, PH | 3, TXT" in msg
    assert "row 4: 9" in msg
    assert "fix: config key tables.contacts.redcap.dictionary" in msg


def test_a_field_missing_from_the_records_names_the_column_key(tmp_path):
    cfg, _ = write_redcap_site(tmp_path, records=family_records().drop(columns="kids_yn"))
    msg = pipeline_error(cfg)
    assert "column 'kids_yn'" in msg and "not in the records export" in msg
    assert "fix: config key tables.contacts.columns.with_children" in msg


def test_a_field_not_in_the_dictionary(tmp_path):
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["contacts"]["activities"]["columns"]["other"] = "contact_act___9"
    msg = pipeline_error(cfg)
    assert "column 'contact_act___9'" in msg and "not a field of the data dictionary" in msg
    assert "dictionary.csv" in msg and "tables.contacts.activities.columns.other" in msg


def test_a_date_column_must_be_a_date_field(tmp_path):
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["families"]["columns"]["case_open_date"] = "n_kids"
    msg = pipeline_error(cfg)
    assert "column 'n_kids' (case_open_date)" in msg and "(integer), not a date" in msg
    assert "tables.families.columns.case_open_date" in msg


def test_unknown_instrument_and_missing_dictionary(tmp_path):
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["contacts"]["redcap"]["instrument"] = "visits"
    msg = pipeline_error(cfg)
    assert "no instrument 'visits'" in msg and "['family', 'contact_log']" in msg
    assert "tables.contacts.redcap.instrument" in msg
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["mentors"]["redcap"]["dictionary"] = str(tmp_path / "nope.csv")
    msg = pipeline_error(cfg)
    assert "nope.csv: data dictionary not found" in msg
    assert "tables.mentors.redcap.dictionary" in msg


def test_a_labels_export_or_another_projects_dictionary(tmp_path):
    labelled = mentor_records().rename(columns={"mentor_id": "Employee ID", "hired": "Hire date"})
    cfg, _ = write_redcap_site(tmp_path, mentors=labelled)
    msg = pipeline_error(cfg)
    assert "looks like a labels export" in msg and "raw data" in msg
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["mentors"]["redcap"]["dictionary"] = cfg["tables"]["families"]["redcap"][
        "dictionary"
    ]
    msg = pipeline_error(cfg)
    assert "no column 'record_id'" in msg and "not from the same project" in msg


def test_a_csv_that_is_not_a_dictionary(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="is not a REDCap data dictionary"):
        read_dictionary(path)


def test_longitudinal_rows_of_one_event(tmp_path):
    records = family_records()
    records.insert(1, "redcap_event_name", "intake_arm_1")
    later = records[records["redcap_repeat_instrument"] == ""].assign(
        redcap_event_name="closure_arm_1",
        outcome="9",  # not a choice: must never be read
    )
    cfg, _ = write_redcap_site(tmp_path, records=pd.concat([records, later]))
    for table in ("families", "contacts"):
        cfg["tables"][table]["redcap"]["event"] = "intake_arm_1"
    families, contacts = (
        read_export(cfg["tables"][t]["path"], cfg["tables"][t], site="tiny", table=t)
        for t in ("families", "contacts")
    )
    assert families["record_id"].tolist() == ["A1", "A2", "A3"]
    assert contacts["redcap_instance_id"].iloc[0] == "A1:intake_arm_1:1"
    cfg["tables"]["families"]["redcap"]["event"] = "closure_arm_1"
    assert "row 11: 9" in pipeline_error(cfg)
    cfg, _ = write_redcap_site(tmp_path)
    cfg["tables"]["families"]["redcap"]["event"] = "intake_arm_1"
    assert "has no redcap_event_name column: the project is not longitudinal" in pipeline_error(cfg)


def test_draft_of_a_redcap_project_reads_as_the_hand_written_config(tmp_path, monkeypatch):
    cfg, _ = write_redcap_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    paths = [
        "raw/records.csv", "raw/dictionary.csv", "raw/mentor_records.csv",
        "raw/mentors_dictionary.csv",
    ]  # fmt: skip
    projects, others = split_paths(paths)
    assert projects == [
        ("raw/records.csv", "raw/dictionary.csv"),
        ("raw/mentor_records.csv", "raw/mentors_dictionary.csv"),
    ]
    assert others == []
    parts = [part for pair in projects for part in read_project(*pair)]
    assert [p.label for p in parts] == [
        "raw/records.csv [base rows]",
        "raw/records.csv [instrument contact_log]",
        "raw/mentor_records.csv [base rows]",
    ]
    draft = draft_site("tiny", parts)
    assert draft.todos == ["rurality"]
    tables = draft.config["tables"]
    assert tables["contacts"]["redcap"] == {
        "dictionary": "raw/dictionary.csv", "instrument": "contact_log",
    }  # fmt: skip
    assert tables["contacts"]["columns"]["contact_id"] == "redcap_instance_id"
    assert tables["families"]["columns"]["family_id"] == "record_id"
    # Keyed by code, every choice of the dictionary (3 'ref' is never used in the records).
    assert tables["contacts"]["values"]["status"] == {
        "1": "completed", "2": "no_show", "3": "refused",
    }  # fmt: skip
    assert tables["contacts"]["activities"] == cfg["tables"]["contacts"]["activities"]
    assert tables["mentors"]["date_format"] == "iso"
    filled = copy.deepcopy(draft.config)
    filled["rurality"] = cfg["rurality"]
    ours, theirs = run_site(filled), run_site(cfg)
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])


def test_unrecognised_checkbox_choice_is_a_todo(tmp_path, monkeypatch):
    write_redcap_site(tmp_path)
    path = tmp_path / "raw" / "dictionary.csv"
    path.write_text(path.read_text().replace("3, TR", "3, TR | 4, Parenting class"))
    monkeypatch.chdir(tmp_path)
    draft = draft_site("tiny", read_project("raw/records.csv", "raw/dictionary.csv"))
    assert "tables.contacts.activities.columns.other" in draft.todos
    note = draft.comments[("tables", "contacts", "activities", "columns", "other")]
    assert "4, Parenting class" in note


def test_the_dictionary_is_found_in_the_project_the_records_are(tmp_path, monkeypatch):
    cfg, _ = write_redcap_site(tmp_path)
    for table in cfg["tables"].values():  # as a committed config writes them
        table["path"] = str(Path(table["path"]).relative_to(tmp_path))
        table["redcap"]["dictionary"] = str(
            Path(table["redcap"]["dictionary"]).relative_to(tmp_path)
        )
    monkeypatch.chdir(tmp_path.parent)  # not the project directory
    families = cfg["tables"]["families"]
    raw = read_export(tmp_path / families["path"], families, site="tiny", table="families")
    assert len(raw) == 3
