"""Site onboarding: inference on tiny hand-made exports whose answers are known by hand."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from ingest_helpers import CONTACTS, FAMILIES, MENTORS, SITE, run_site, write_site

from peermentor.errors import InputError
from peermentor.onboard.draft import draft_site
from peermentor.onboard.drafted import TODO, todo_paths
from peermentor.onboard.files import detect_encoding, read_exports, sniff_csv, sniff_separator
from peermentor.onboard.infer import (
    boolean_values,
    code_delimiter,
    date_formats,
    duration_unit,
    profile_column,
)
from peermentor.onboard.inspect import inspect_exports
from peermentor.onboard.match import match_columns
from peermentor.onboard.text import inspect_text, share_text
from peermentor.onboard.vocabulary import guess_value, name_tokens
from peermentor.onboard.yamltext import render


def text(*values) -> pd.Series:
    return pd.Series(list(values), dtype=object)


# --- Reading: separator, encoding ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "sep"),
    [
        ("a,b,c\n1,2,3\n4,5,6\n", ","),
        ("a;b;c\n1;2;3\n4;5;6\n", ";"),
        ("a\tb\tc\n1\t2\t3\n4\t5\t6\n", "\t"),
        ("a|b|c\n1|2|3\n4|5|6\n", "|"),
        # Notes full of commas must not make a semicolon file look comma-separated.
        ("id;note;n\n1;went ok, then, later, home;2\n2;a, b, c, d, e;3\n3;fine;4\n", ";"),
        ('id,note\n1,"Visit; ok; then; home"\n2,"a; b; c"\n3,x\n', ","),
    ],
)
def test_separator_is_sniffed(sample, sep):
    assert sniff_separator(sample)[0] == sep


def test_encoding_is_detected():
    assert detect_encoding("José".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfid,name\n") == "utf-8-sig"
    assert detect_encoding("José Núñez".encode("latin-1")) == "latin-1"
    assert detect_encoding("“quoted” – José".encode("cp1252")) == "cp1252"


def test_latin1_semicolon_csv_reads_as_the_pipeline_reads_it(tmp_path):
    path = tmp_path / "m.csv"
    mentors = MENTORS.assign(Name=["José Núñez", "Zoë"])
    mentors.to_csv(path, sep=";", index=False, encoding="latin-1")
    assert sniff_csv(path) == {"sep": ";", "encoding": "latin-1", "quotechar": '"'}
    (export,) = read_exports(path)
    assert export.columns == list(MENTORS.columns)
    assert export.frame["source_row"].tolist() == [2, 3]


def test_every_excel_sheet_is_read(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        FAMILIES.to_excel(book, sheet_name="Cases", index=False)
        MENTORS.to_excel(book, sheet_name="Staff", index=False)
    exports = read_exports(path)
    assert [e.sheet for e in exports] == ["Cases", "Staff"]
    assert [len(e.frame) for e in exports] == [3, 2]


def test_title_rows_above_the_header_are_noticed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Export of cases,,\n,,\nCaseNo,Opened,Kids\nA1,2015-01-05,2\n")
    (export,) = read_exports(path)
    assert export.header_row == 3


def test_an_unreadable_export_names_the_file_not_a_config_key(tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_text("CaseNo,Opened\n")
    with pytest.raises(InputError) as err:
        read_exports(path)
    assert str(err.value) == f"file {path}: has a header but no rows"


# --- Column types -------------------------------------------------------------------------------


def test_date_formats():
    assert date_formats(text("2015-01-06", "2016-12-31")) == ["iso"]
    assert date_formats(text("2015-01-06 14:35", "2016-12-31T08:00:00")) == ["iso"]
    assert date_formats(text("01/06/2015", "12/31/2016")) == ["%m/%d/%Y"]
    assert date_formats(text("06/01/2015", "31/12/2016")) == ["%d/%m/%Y"]
    assert date_formats(text("01/28/2010 08:00", "12/30/2017 17:59")) == ["%m/%d/%Y %H:%M"]
    # Every day and month at most 12: the data cannot tell, the data team must.
    assert date_formats(text("03/04/2015", "05/06/2015")) == ["%m/%d/%Y", "%d/%m/%Y"]
    assert date_formats(text("F2F", "PH")) == []
    assert date_formats(text("12", "40")) == []


def test_excel_serial_dates_need_a_date_name():
    # 42010 is 2015-01-06 in Excel's 1900 date system.
    dates = profile_column(text("42010", "42013", "42431"), "ContactDate")
    assert (dates.kind, dates.date_formats) == ("date", ["excel_serial"])
    assert (dates.low, dates.high) == ("2015-01-06", "2016-03-02")
    assert profile_column(text("42010", "42013"), "Amount").kind == "integer"


def test_typed_cells_are_dates_and_booleans():
    stamps = pd.Series(pd.to_datetime(["2015-01-06", "2015-02-01"]))
    assert profile_column(stamps, "Opened").date_formats == ["typed"]
    flags = profile_column(pd.Series([True, False, True]), "on_behalf")
    assert (flags.kind, flags.counts) == ("boolean", {"True": 2, "False": 1})


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("Y", "N", "Y"), (["Y"], ["N"])),
        (("Yes", "No"), (["Yes"], ["No"])),
        (("TRUE", "FALSE"), (["TRUE"], ["FALSE"])),
        (("1", "0", "1"), (["1"], ["0"])),
        (("Y", "y", "N"), (["Y", "y"], ["N"])),
        (("1", "1"), None),  # a column of ones is a count, not a flag
        (("Y", "N", "maybe"), None),
        (("U", "S"), None),
    ],
)
def test_boolean_detection(values, expected):
    assert boolean_values(text(*values)) == expected


@pytest.mark.parametrize(
    ("name", "values", "unit"),
    [
        ("Hours", [0.5, 1.0, 1.5, 0.25], "hours"),
        ("MINUTES", [30, 45, 60, 15], "minutes"),
        ("Duration", [30, 45, 60, 15], "minutes"),
        ("Duration", [0.5, 1.0, 1.5, 0.25, 2], "hours"),
        ("Minutes", [0.5, 1.0, 1.5], None),  # the name and the values disagree
        ("Duration", [5, 9, 9, 8], None),  # neither tells
    ],
)
def test_duration_unit(name, values, unit):
    assert duration_unit(pd.Series(values, dtype=float), name)[0] == unit


def test_one_mistyped_duration_does_not_decide_the_unit():
    hours = pd.Series([0.5, 1.0, 0.75, 1.25] * 50 + [33.3], dtype=float)
    assert duration_unit(hours, "Hours")[0] == "hours"


def test_code_lists_free_text_and_names():
    assert code_delimiter(text("RC|DL", "RC", "DL|TR")) == "|"
    assert code_delimiter(text("Recovery coaching; Daily living", "Daily living")) == ";"
    assert code_delimiter(text("Face to face", "Phone", "Text/email")) is None
    assert code_delimiter(text("went ok, then home", "called, left msg", "fine")) is None
    names = profile_column(text("Pat Doe", "Sam Roe", "Lee Poe"), "Caregiver")
    assert names.kind == "text" and names.personal and names.examples == []
    note = profile_column(text("Took family to the clinic", "Called"), "Notes")
    assert note.kind == "text" and not note.personal
    assert note.examples == ["Took family to…"]


def test_ids_and_categories():
    assert profile_column(text("C0001", "C0002", "C0003"), "LogId").kind == "id"
    status = profile_column(text("done", "done", "noshow"), "Status")
    assert (status.kind, status.counts) == ("category", {"done": 2, "noshow": 1})


# --- Names and codes onto the contract ----------------------------------------------------------


def test_name_tokens():
    assert name_tokens("FamilyID") == ["family", "id"]
    assert name_tokens("CLOSE_DT") == ["close", "dt"]
    assert name_tokens("Case Number") == ["case", "number"]
    assert name_tokens("act_daily_living_coaching") == ["act", "daily", "living", "coaching"]


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        ("unified", "outcome_at_closure", ("unified", "canonical")),
        ("Reunified", "outcome_at_closure", ("unified", "word")),
        ("Placed", "outcome_at_closure", ("separated", "word")),
        ("not reunified", "outcome_at_closure", (None, "unknown")),
        ("U", "outcome_at_closure", ("unified", "abbreviation")),
        ("R", "outcome_at_closure", (None, "unknown")),
        ("No-show", "status", ("no_show", "spelling")),
        ("NS", "status", ("no_show", "abbreviation")),
        ("Face-to-face", "mode", ("face_to_face", "spelling")),
        ("TXT", "mode", ("text_or_email", "word")),  # a keyword: the usual short form
        ("Txt msg", "mode", ("text_or_email", "word")),
        ("Tx", "mode", ("text_or_email", "abbreviation")),
        ("O", "mode", (None, "unknown")),  # other, or text_or_email?
        ("Left - relapse", "exit_reason", ("relapse", "word")),
        ("Left - career", "exit_reason", ("left_for_advancement", "word")),
        ("Daily living skills", "activities", ("daily_living_coaching", "word")),
        ("RC", "activities", ("recovery_coaching", "abbreviation")),
        ("Budget", "activities", (None, "unknown")),
    ],
)
def test_guess_value(value, field, expected):
    assert guess_value(value, field) == expected


def profiles_of(frame: pd.DataFrame) -> dict:
    return {c: profile_column(frame[c].astype(object), c) for c in frame.columns}


@pytest.mark.parametrize(
    ("table", "frame"), [("families", FAMILIES), ("contacts", CONTACTS), ("mentors", MENTORS)]
)
def test_columns_of_the_tiny_export_match_its_hand_written_config(table, frame):
    matched = match_columns(table, profiles_of(frame))
    assert {c: name for c, (name, _) in matched.items()} == SITE["tables"][table]["columns"]


def test_values_decide_when_the_name_says_nothing():
    frame = pd.DataFrame({"Q7": ["Phone", "Face to face", "Phone"], "Q8": ["x1", "x2", "x3"]})
    matched = match_columns("contacts", profiles_of(frame))
    assert matched["mode"][0] == "Q7"
    assert "status" not in matched


# --- The drafted config -------------------------------------------------------------------------


def test_draft_of_the_tiny_export(tmp_path, monkeypatch):
    cfg = write_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    exports = [e for t in ("families", "contacts", "mentors") for e in read_exports(f"raw/{t}.csv")]
    draft = draft_site("tiny", exports)
    # Contact dates are all of day and month 12 or less: honestly undecidable.
    assert draft.todos == ["rurality", "tables.contacts.date_format"]
    contacts = draft.config["tables"]["contacts"]
    assert contacts["values"] == {
        "mode": {"F2F": "face_to_face", "PH": "phone", "TXT": "text_or_email"},
        "status": {"done": "completed", "noshow": "no_show"},
    }
    assert contacts["booleans"] == {"true": ["Y"], "false": ["N"]}
    assert contacts["duration_unit"] == "hours"
    assert contacts["activities"]["codes"] == {
        "RC": "recovery_coaching", "DL": "daily_living_coaching", "TR": "transportation",
    }  # fmt: skip
    assert contacts["drop"] == ["Notes"]
    assert draft.config["tables"]["families"]["date_format"] == "%m/%d/%Y"
    assert draft.config["tables"]["mentors"]["drop"] == ["Name"]
    # Filled with the known answers, it reads the export exactly as the hand-written config.
    filled = copy.deepcopy(draft.config)
    filled["rurality"] = cfg["rurality"]
    filled["tables"]["contacts"]["date_format"] = cfg["tables"]["contacts"]["date_format"]
    for table in filled["tables"].values():
        table["path"] = str(tmp_path / table["path"])
    ours, theirs = run_site(filled), run_site(cfg)
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])


def test_todo_paths():
    assert todo_paths({"a": TODO, "b": {"c": 1, "d": [TODO]}}) == [("a",), ("b", "d", 0)]


def test_rendered_yaml_reads_back_with_awkward_keys():
    config = {
        "booleans": {"true": ["Y", "yes", "TRUE"], "false": ["N", "0"]},
        "values": {"Text/Email": "text_or_email", "Left - career": "x", "a: b": "c #d"},
        "county_rucc": {"21159": 9, "021": TODO},
        "sep": "\t",
        "drop": ["Caregiver name", "notes, long"],
        "empty": {},
    }
    rendered = render(config, {("values", "Text/Email"): "a note"}, ["header"])
    assert yaml.safe_load(rendered) == config
    assert "Text/Email: text_or_email  # a note" in rendered


# --- Honest drafts (issue 17) -------------------------------------------------------------------


def draft_of(tmp_path, monkeypatch, **frames) -> object:
    write_site(tmp_path, **frames)
    monkeypatch.chdir(tmp_path)
    exports = [e for t in ("families", "contacts", "mentors") for e in read_exports(f"raw/{t}.csv")]
    return draft_site("tiny", exports)


def test_a_word_guess_carries_the_check_comment(tmp_path, monkeypatch):
    contacts = CONTACTS.assign(Type=["F2F", "video call", "F2F", "TXT", "F2F", "F2F"])
    draft = draft_of(tmp_path, monkeypatch, contacts=contacts)
    path = ("tables", "contacts", "values", "mode", "video call")
    assert draft.config["tables"]["contacts"]["values"]["mode"]["video call"] == "phone"
    assert draft.comments[path] == "guessed from a word in it (1 rows): check"
    assert draft.comments[("tables", "contacts", "values", "mode", "F2F")] == (
        "guessed from a word in it (4 rows): check"  # F2F is a keyword of face_to_face
    )
    assert path in draft.abbreviations


def test_mostly_dates_is_a_date_with_the_quarantined_count(tmp_path, monkeypatch):
    closed = ["06/30/2016"] + ["07/15/2016"] * 37 + ["unknown", "not recorded"]
    families = pd.DataFrame(
        {
            "CaseNo": [f"A{i}" for i in range(40)],
            "Mentor": "m1",
            "Opened": "01/05/2015",
            "Closed": closed,
            "Kids": "2",
        }
    )
    profile = profile_column(families["Closed"], "Closed")
    assert (profile.kind, profile.date_formats, profile.not_dates) == ("date", ["%m/%d/%Y"], 2)
    draft = draft_of(tmp_path, monkeypatch, families=families)
    fam = draft.config["tables"]["families"]
    assert fam["columns"]["case_close_date"] == "Closed"
    assert "Closed" not in fam.get("drop", [])
    assert draft.comments[("tables", "families", "columns", "case_close_date")] == (
        "2 values will be quarantined, e.g. 'unknown', 'not recorded' (not a date)"
    )
    # Under 95 % dates it stays free text.
    assert profile_column(text(*(["06/30/2016"] * 18), "unknown", "n/a"), "Closed").kind != "date"


def test_a_rucc_column_is_preferred_over_a_county_code(tmp_path, monkeypatch):
    families = FAMILIES.assign(CountyFIPS=["21111", "21159", "21111"], CountyRUCC=["1", "9", "1"])
    draft = draft_of(tmp_path, monkeypatch, families=families)
    assert draft.config["rurality"] == {"rucc_column": "CountyRUCC"}
    assert draft.comments[("rurality", "rucc_column")] == (
        "holds USDA RUCC codes 1, 9: no county lookup needed"
    )
    # Only a county code: one TODO per county, as before.
    draft = draft_of(tmp_path, monkeypatch, families=FAMILIES.assign(CountyFIPS=["1", "2", "1"]))
    assert draft.config["rurality"] == {
        "county_column": "CountyFIPS", "county_rucc": {"1": TODO, "2": TODO},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("count", "total", "shown"),
    [(4, 3854, "0.1 %"), (0, 3854, "0 %"), (3850, 3854, "99.9 %"), (3854, 3854, "100 %"),
     (1, 2, "50 %"), (1, 100_000, "0.1 %"), (25, 1000, "2 %")],
)  # fmt: skip
def test_missing_share_is_never_zero_for_a_count(count, total, shown):
    assert share_text(count, total) == shown


def test_inspect_points_out_day_month_ambiguity_and_non_dates(tmp_path):
    frame = pd.DataFrame(
        {"When": ["01/06/2015", "02/03/2015"] * 20, "Closed": ["06/30/2016"] * 39 + ["unknown"]}
    )
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    report = inspect_text(inspect_exports(read_exports(str(path))))
    lines = report.splitlines()
    assert lines[1:] == [
        "  column  type                        missing  values",
        "  When    date %m/%d/%Y or %d/%m/%Y?      0 %  2015-01-06 .. 2015-02-03",
        "  Closed  date %m/%d/%Y                   0 %  2016-06-30 .. 2016-06-30",
        "  note: When: every day and month is 12 or less: day first or month first? "
        "(set date_format)",
        "  note: Closed: 1 value is not a date and will be quarantined, e.g. 'unknown'",
    ]


def test_draft_says_which_order_is_ambiguous(tmp_path, monkeypatch):
    draft = draft_of(tmp_path, monkeypatch)
    assert draft.comments[("tables", "contacts", "date_format")] == (
        "every day and month is 12 or less: day-first and month-first both read these dates; "
        "%m/%d/%Y (month first) or %d/%m/%Y (day first)?"
    )
