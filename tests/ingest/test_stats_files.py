"""SPSS / Stata / SAS files as site exports: the tiny site written with pyreadstat's own writers."""

from __future__ import annotations

import copy
import datetime

import pandas as pd
import pyreadstat
import pytest
from ingest_helpers import CONTACTS, FAMILIES, MENTORS, pipeline_error, run_site, write_site

from peermentor.ingest.read import read_export
from peermentor.onboard.draft import draft_site
from peermentor.onboard.files import read_exports
from peermentor.onboard.inspect import inspect_exports


def _dates(texts) -> list:
    return [datetime.datetime.strptime(t, "%m/%d/%Y").date() if t else None for t in texts]


RESULT_LABELS = {1: "Reunified", 2: "Removed", -9: "not recorded"}
TYPE_LABELS = {1: "F2F", 2: "PH", 3: "TXT"}
WHY_LABELS = {1: "Active", 2: "Relapse"}


def families_frame(result=(1.0, -9.0, None)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CaseNo": FAMILIES["CaseNo"],
            "Mentor": FAMILIES["Mentor"],
            "Opened": _dates(FAMILIES["Opened"]),
            "Closed": _dates(FAMILIES["Closed"]),
            "Result": list(result),
            "Kids": FAMILIES["Kids"].astype(float),
            "Caregiver": FAMILIES["Caregiver"],
        }
    )


def contacts_frame() -> pd.DataFrame:
    codes = {label: code for code, label in TYPE_LABELS.items()}
    return CONTACTS.assign(
        When=_dates(CONTACTS["When"]),
        Hours=CONTACTS["Hours"].astype(float),
        Type=CONTACTS["Type"].map(codes).astype(float),
    )


def mentors_frame() -> pd.DataFrame:
    codes = {label: code for code, label in WHY_LABELS.items()}
    return MENTORS.assign(
        Hired=_dates(MENTORS["Hired"]),
        Left=_dates(MENTORS["Left"]),
        Why=MENTORS["Why"].map(codes).astype(float),
    )


def write_stats_site(root, *, families=None) -> tuple[dict, dict]:
    """The tiny site as families.sav, contacts.dta and mentors.sav; and its CSV twin."""
    csv_cfg = write_site(root)
    cfg = copy.deepcopy(csv_cfg)
    raw = root / "raw"
    pyreadstat.write_sav(
        families_frame() if families is None else families,
        raw / "families.sav",
        variable_value_labels={"Result": RESULT_LABELS},
        missing_ranges={"Result": [-9]},
    )
    pyreadstat.write_dta(
        contacts_frame(), raw / "contacts.dta", variable_value_labels={"Type": TYPE_LABELS}
    )
    pyreadstat.write_sav(
        mentors_frame(), raw / "mentors.sav", variable_value_labels={"Why": WHY_LABELS}
    )
    for table, name, fmt in (
        ("families", "families.sav", "spss"),
        ("contacts", "contacts.dta", "stata"),
        ("mentors", "mentors.sav", "spss"),
    ):
        cfg["tables"][table].update(path=str(raw / name), format=fmt)
        cfg["tables"][table].pop("date_format")  # typed dates need no format
    return cfg, csv_cfg


def test_stats_files_ingest_exactly_as_the_csv_export(tmp_path):
    cfg, csv_cfg = write_stats_site(tmp_path)
    ours, theirs = run_site(cfg), run_site(csv_cfg)
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])
        pd.testing.assert_frame_equal(ours.quarantine[table], theirs.quarantine[table])


def test_user_missing_is_missing_labels_are_values_dates_are_dates(tmp_path):
    cfg, _ = write_stats_site(tmp_path)
    families = cfg["tables"]["families"]
    raw = read_export(families["path"], families, site="tiny", table="families")
    # -9 is declared missing: an empty cell, not the label "not recorded" nor the number -9.
    assert raw["Result"].tolist()[:2] == ["Reunified", None]
    assert pd.isna(raw["Result"].iloc[2])
    assert pd.api.types.is_datetime64_any_dtype(raw["Opened"])
    assert raw["Opened"].iloc[0] == pd.Timestamp("2015-01-05")
    assert raw["source_row"].tolist() == [2, 3, 4]
    codes = read_export(
        families["path"], {**families, "value_labels": False}, site="tiny", table="families"
    )
    assert codes["Result"].iloc[0] == 1.0 and pd.isna(codes["Result"].iloc[1])


def test_a_code_without_a_label_is_an_unmapped_category(tmp_path):
    cfg, _ = write_stats_site(tmp_path, families=families_frame(result=(7.0, -9.0, None)))
    result = run_site(cfg)
    problems = result.quarantine["families"]
    assert problems[["reason", "value"]].values.tolist() == [["unmapped_category", "7"]]
    assert result.reconciliation["balanced"].all()


@pytest.mark.parametrize("fmt", ["spss", "stata", "sas", "xport"])
def test_a_file_that_is_not_what_it_claims_names_the_format_key(tmp_path, fmt):
    cfg, csv_cfg = write_stats_site(tmp_path)
    cfg["tables"]["mentors"].update(path=csv_cfg["tables"]["mentors"]["path"], format=fmt)
    msg = pipeline_error(cfg)
    assert "table mentors" in msg and "mentors.csv" in msg
    assert "cannot be read as a" in msg
    assert "fix: config key tables.mentors.format" in msg


def test_stata_extended_missing_and_xport_dates(tmp_path):
    frame = pd.DataFrame({"Id": ["m1", "m2"], "Hired": _dates(["01/01/2014", "06/01/2015"])})
    pyreadstat.write_xport(frame, tmp_path / "m.xpt")
    raw = read_export(tmp_path / "m.xpt", {"format": "xport"}, site="s", table="mentors")
    assert raw["Hired"].tolist() == [pd.Timestamp("2014-01-01"), pd.Timestamp("2015-06-01")]
    pyreadstat.write_dta(
        # With an id beside it: a row whose every cell is missing is an empty row (skipped).
        pd.DataFrame({"Id": ["m1", "m2", "m3"], "Why": [1.0, "a", 2.0]}, dtype=object),
        tmp_path / "w.dta",
        variable_value_labels={"Why": {1: "A"}},
        missing_user_values={"Why": ["a"]},
    )
    raw = read_export(tmp_path / "w.dta", {"format": "stata"}, site="s", table="mentors")
    # .a is Stata's declared missing; 2 has no label: kept as the code (an unmapped category).
    assert raw["Why"].tolist() == ["A", None, 2.0]


def test_draft_and_inspect_read_value_labels(tmp_path, monkeypatch):
    write_stats_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    exports = [
        e for name in ("families.sav", "contacts.dta", "mentors.sav")
        for e in read_exports(f"raw/{name}")
    ]  # fmt: skip
    draft = draft_site("tiny", exports)
    tables = draft.config["tables"]
    assert tables["families"]["format"] == "spss" and tables["contacts"]["format"] == "stata"
    assert tables["families"]["values"]["outcome_at_closure"] == {"Reunified": "unified"}
    assert tables["contacts"]["values"]["mode"] == {
        "F2F": "face_to_face", "PH": "phone", "TXT": "text_or_email"
    }  # fmt: skip
    assert tables["mentors"]["values"]["exit_reason"] == {
        "Active": "still_employed", "Relapse": "relapse"
    }  # fmt: skip
    assert "date_format" not in tables["families"]  # typed dates
    report = inspect_exports(exports[:1])[0]
    result = next(c for c in report["columns"] if c["name"] == "Result")
    assert result["values"] == {"Reunified": 1}  # -9 is missing, never shown as a value
    assert result["missing"] == 2
