"""Export leftovers are not data, and every message points at the real line and the right fix
(issue 28). Each test writes a small export of its own; each message's test applies the fix the
message suggests and shows the site then passes."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from ingest_helpers import CONTACTS, FAMILIES, MENTORS, pipeline_error, run_site, write_site

from peermentor.analysis.profile import family_profile
from peermentor.clean.site import check_quarantine_limit, leftover_lines
from peermentor.clean.validate import validate_table
from peermentor.config import load_site
from peermentor.errors import ConfigError, InputError
from peermentor.ingest.layout import SOURCE_ROW, drop_empty_rows


def passes(tmp_path: Path, cfg: dict, **run):
    """The site config as a data manager saves it (schema-checked), run through ingest and
    clean as the workflow does: returns the result when nothing stops the run."""
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    loaded = load_site(path)
    result = run_site(loaded, **run)
    check_quarantine_limit(result, max_share=0.05, site="tiny", site_cfg=loaded)
    for table, frame in result.kept.items():
        validate_table(frame, table)
    return result


def contacts_path(cfg: dict) -> Path:
    return Path(cfg["tables"]["contacts"]["path"])


def recon(result) -> pd.DataFrame:
    return result.reconciliation.set_index("table")


# --- 1. Empty rows are skipped in every format, counted and said ----------------------------------


def test_forty_separator_lines_and_blank_lines_are_skipped_and_counted(tmp_path):
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    width = len(CONTACTS.columns)
    path.write_text(path.read_text() + "\n" + ("," * (width - 1) + "\n") * 40 + "  ,\n")
    result = passes(tmp_path, cfg)  # before issue 28: 42 rows quarantined, the run stopped
    line = recon(result).loc["contacts"]
    assert (line["rows_in"], line["rows_empty_skipped"], line["rows_read"]) == (48, 42, 6)
    assert (line["rows_kept"], line["rows_quarantined"]) == (6, 0)
    assert line["balanced"]
    assert recon(result).loc["families", "rows_empty_skipped"] == 0
    assert (
        "contacts: 42 empty rows skipped (lines of only separators or blank lines: not data)"
        in (leftover_lines(result))
    )


def test_empty_rows_in_the_middle_of_a_tsv_keep_the_other_rows_lines(tmp_path):
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    lines = CONTACTS.to_csv(sep="\t", index=False).splitlines()
    lines[3:3] = ["\t" * (len(CONTACTS.columns) - 1), ""]  # after the third data row (line 4)
    path.write_text("\n".join(lines) + "\n")
    cfg["tables"]["contacts"]["csv"] = {"sep": "\t"}
    result = passes(tmp_path, cfg)
    assert recon(result).loc["contacts", "rows_empty_skipped"] == 2
    assert result.kept["contacts"][SOURCE_ROW].tolist() == [2, 3, 6, 7, 8, 9]


def test_empty_excel_rows_are_counted(tmp_path):
    cfg = write_site(tmp_path)
    book = tmp_path / "raw" / "contacts.xlsx"
    blank = pd.DataFrame([[None] * len(CONTACTS.columns)] * 3, columns=CONTACTS.columns)
    pd.concat([CONTACTS.iloc[:2], blank, CONTACTS.iloc[2:]]).to_excel(book, index=False)
    cfg["tables"]["contacts"].update(path=str(book), format="excel")
    result = passes(tmp_path, cfg)
    assert recon(result).loc["contacts", "rows_empty_skipped"] == 3
    assert result.kept["contacts"][SOURCE_ROW].tolist() == [2, 3, 7, 8, 9, 10]


def test_empty_parquet_records_are_counted(tmp_path):
    cfg = write_site(tmp_path)
    path = tmp_path / "raw" / "mentors.parquet"
    blank = pd.DataFrame([[None] * len(MENTORS.columns), [" "] * len(MENTORS.columns)])
    pd.concat([MENTORS, blank.set_axis(MENTORS.columns, axis=1)]).to_parquet(path, index=False)
    cfg["tables"]["mentors"].update(path=str(path), format="parquet")
    result = passes(tmp_path, cfg)
    counts = ["rows_in", "rows_empty_skipped", "rows_kept"]
    assert recon(result).loc["mentors", counts].tolist() == [4, 2, 2]


def test_drop_empty_rows_is_reusable_on_any_frame():
    frame = pd.DataFrame({"a": ["1", None, " ", "x"], "b": [None, None, "", None]})
    kept = drop_empty_rows(frame.assign(**{SOURCE_ROW: [2, 3, 4, 5]}))
    assert kept[SOURCE_ROW].tolist() == [2, 5] and kept.attrs["empty_rows"] == [3, 4]


# --- 2. Header position: a title block above the header ------------------------------------------


def title_block_contacts(tmp_path: Path, *, ragged: bool) -> dict:
    """A contact log with two title lines and a blank line above its header (line 4)."""
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    pad = "" if ragged else "," * (len(CONTACTS.columns) - 1)
    path.write_text(f"Contact log{pad}\nRun 2024-03-01{pad}\n\n" + path.read_text())
    return cfg


@pytest.mark.parametrize("ragged", [False, True])
def test_a_title_block_suggests_header_row_and_header_row_fixes_it(tmp_path, ragged):
    cfg = title_block_contacts(tmp_path, ragged=ragged)
    msg = pipeline_error(cfg)
    if ragged:  # title lines of one field: the header line has more fields than the title
        assert "line 4 has 12 fields, the header (line 1) has 1, and line 4 names" in msg
        assert "fix: config key tables.contacts.header_row" in msg
        assert "hint: set header_row: 4 (or header_row: auto)" in msg
    else:
        assert "column 'LogId': column not found in the header, but row 4 names it" in msg
        assert "fix: config key tables.contacts.header_row" in msg
        assert "hint: set header_row: 4 (or header_row: auto)" in msg
        assert "columns.contact_id" not in msg
    for setting in (4, "auto"):
        fixed = copy.deepcopy(cfg)
        fixed["tables"]["contacts"]["header_row"] = setting
        result = passes(tmp_path, fixed)
        assert result.kept["contacts"][SOURCE_ROW].tolist() == [5, 6, 7, 8, 9, 10]
        assert recon(result).loc["contacts", "rows_empty_skipped"] == 0  # above the header


def test_header_row_in_an_excel_sheet(tmp_path):
    cfg = write_site(tmp_path)
    book = tmp_path / "raw" / "families.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"a": ["Families, all sites"]}).to_excel(writer, header=False, index=False)
        FAMILIES.to_excel(writer, startrow=2, index=False)  # header on row 3
    cfg["tables"]["families"].update(path=str(book), format="excel", header_row="auto")
    result = passes(tmp_path, cfg)
    assert result.kept["families"][SOURCE_ROW].tolist() == [4, 5, 6]


@pytest.mark.parametrize("bad", [0, "top", "3"])
def test_header_row_is_a_row_number_or_auto(tmp_path, bad):
    cfg = write_site(tmp_path)
    cfg["tables"]["contacts"]["header_row"] = bad
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    with pytest.raises(ConfigError, match="header_row"):
        load_site(path)


def test_site_draft_and_inspect_say_where_the_header_is(tmp_path, monkeypatch):
    from peermentor.onboard.draft import draft_site
    from peermentor.onboard.files import read_exports
    from peermentor.onboard.inspect import inspect_exports
    from peermentor.onboard.text import inspect_text

    title_block_contacts(tmp_path, ragged=True)
    monkeypatch.chdir(tmp_path)
    (contacts,) = read_exports("raw/contacts.csv")
    assert contacts.options["header_row"] == 4 and contacts.columns == list(CONTACTS.columns)
    assert "header on row 4 (a title block above it is skipped): header_row: 4" in inspect_text(
        inspect_exports([contacts])
    )
    exports = [e for t in ("families", "mentors") for e in read_exports(f"raw/{t}.csv")]
    draft = draft_site("tiny", [*exports, contacts])
    assert draft.config["tables"]["contacts"]["header_row"] == 4
    assert "header_row" not in draft.config["tables"]["families"]
    assert draft.config["tables"]["contacts"]["columns"]["contact_id"] == "LogId"


# --- 3. Messages: the physical line, what the file is, fixes that work ---------------------------


def notes_with_newlines(tmp_path: Path) -> dict:
    """Contact notes that hold line breaks: records and lines part ways after record 1."""
    notes = ["first line\nsecond line\nthird", "", "a\nb", "", "", ""]
    return write_site(tmp_path, contacts=CONTACTS.assign(Notes=notes))


def test_a_quarantined_row_is_named_by_its_physical_line(tmp_path):
    cfg = notes_with_newlines(tmp_path)
    path = contacts_path(cfg)
    path.write_text(path.read_text().replace("02/05/2015", "2015-02-05"))  # record 5, line 8
    result = run_site(cfg)
    bad = result.quarantine["contacts"]
    assert bad[["source_row", "reason"]].values.tolist() == [[8, "unparseable_date"]]
    assert path.read_text().splitlines()[8 - 1].startswith("c4,")


def test_a_line_with_a_field_too_many_is_named_by_its_physical_line(tmp_path):
    cfg = notes_with_newlines(tmp_path)
    path = contacts_path(cfg)
    text = path.read_text()
    assert text.count("\n") == 10  # 6 records and a header on 10 lines
    text = text.replace(",noshow,,\n", ",noshow,,called back, no answer\n")  # c5's note: unquoted
    path.write_text(text)
    msg = pipeline_error(cfg)
    assert "line 9 has 13 fields, the header (line 1) has 12" in msg  # pandas said "line 6"
    assert path.read_text().splitlines()[9 - 1].startswith("c5,")
    assert "fix: config key" not in msg  # no separator or quote setting would help
    assert "on line 9, a value holding the separator ',' must be quoted" in msg
    path.write_text(text.replace("called back, no answer", '"called back, no answer"'))
    result = passes(tmp_path, cfg)
    assert result.kept["contacts"][SOURCE_ROW].tolist() == [2, 5, 6, 8, 9, 10]


def test_a_wrong_separator_names_the_right_one(tmp_path):
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    CONTACTS.assign(Hours=["1,5", "0,5", "1", "0", "2", "1"]).to_csv(path, sep=";", index=False)
    msg = pipeline_error(cfg)
    assert "the file is separated by ';', not ','" in msg and "tables.contacts.csv.sep" in msg
    fixed = copy.deepcopy(cfg)
    fixed["tables"]["contacts"]["csv"] = {"sep": ";"}
    path.write_text(path.read_text().replace("1,5", "1.5").replace("0,5", "0.5"))
    passes(tmp_path, fixed)


def html_page(path: Path) -> None:
    path.write_text("<!DOCTYPE html>\n<html><body><table><tr><td>LogId</td></tr></table>")


def pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")


def zipped(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("contacts.csv", CONTACTS.to_csv(index=False))
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize(
    ("write", "what"),
    [
        (html_page, "is an HTML page"),
        (pdf, "is a PDF document"),
        (zipped, "is a zip archive holding contacts.csv"),
    ],
)
def test_a_file_that_is_not_csv_says_what_it_is(tmp_path, write, what):
    cfg = write_site(tmp_path)
    write(contacts_path(cfg))
    msg = pipeline_error(cfg)
    assert what in msg and "check the separator" not in msg
    if write is zipped:  # the hint: unpack it and point path at the export inside
        assert "unpack it and point path at the export inside" in msg
        with zipfile.ZipFile(contacts_path(cfg)) as archive:
            archive.extract("contacts.csv", tmp_path / "unpacked")
        cfg["tables"]["contacts"]["path"] = str(tmp_path / "unpacked" / "contacts.csv")
    else:  # the hint: export the table again as CSV
        assert "export the table again from the source system as CSV or Excel" in msg
        CONTACTS.to_csv(contacts_path(cfg), index=False)
    passes(tmp_path, cfg)


def test_a_workbook_named_csv_suggests_format_excel(tmp_path):
    cfg = write_site(tmp_path)
    CONTACTS.to_excel(contacts_path(cfg), index=False, engine="openpyxl")
    msg = pipeline_error(cfg)
    assert "is an Excel workbook (.xlsx), not CSV text" in msg
    assert "fix: config key tables.contacts.format" in msg and "set format: excel" in msg
    cfg["tables"]["contacts"]["format"] = "excel"
    passes(tmp_path, cfg)


def test_utf16_text_suggests_its_encoding(tmp_path):
    cfg = write_site(tmp_path)
    CONTACTS.to_csv(contacts_path(cfg), index=False, encoding="utf-16")
    msg = pipeline_error(cfg)
    assert "is UTF-16 text" in msg and "csv.encoding: utf-16" in msg
    cfg["tables"]["contacts"]["csv"] = {"encoding": "utf-16"}
    passes(tmp_path, cfg)


def test_durations_with_a_unit_do_not_suggest_duration_unit(tmp_path):
    minutes = ["90 min", "30 min", "60 min", "0 min", "120 min", "60 min"]
    cfg = write_site(tmp_path, contacts=CONTACTS.assign(Hours=minutes))
    msg = pipeline_error(cfg)
    assert "'impossible_duration'" in msg and "'90 min'" in msg
    assert "duration_unit" not in msg.split("hint:")[0]  # no config key offered
    assert "durations must be numbers" in msg and "without a unit in the cell" in msg
    # The fix it says: plain numbers of minutes (the unit setting then matches them).
    numbers = [m.removesuffix(" min") for m in minutes]
    cfg = write_site(tmp_path, contacts=CONTACTS.assign(Hours=numbers))
    cfg["tables"]["contacts"]["duration_unit"] = "minutes"
    result = passes(tmp_path, cfg)
    assert result.kept["contacts"]["duration_minutes"].tolist() == [90, 30, 60, 0, 120, 60]


def test_hours_read_as_minutes_still_suggest_duration_unit(tmp_path):
    cfg = write_site(tmp_path, contacts=CONTACTS.assign(Hours="30"))  # 30 hours each
    msg = pipeline_error(cfg)
    assert "fix: config key tables.contacts.duration_unit" in msg
    cfg["tables"]["contacts"]["duration_unit"] = "minutes"
    passes(tmp_path, cfg)


# --- 4. Conflicting duplicates ------------------------------------------------------------------


def with_copies(tmp_path: Path) -> dict:
    """c1 twice alike (a double export); c2 twice with another duration and mode."""
    conflicting = {**CONTACTS.iloc[1].to_dict(), "Hours": "2", "Type": "F2F"}
    copies = pd.DataFrame([CONTACTS.iloc[0].to_dict(), conflicting])
    return write_site(tmp_path, contacts=pd.concat([CONTACTS, copies], ignore_index=True))


def test_conflicting_copies_are_all_quarantined_naming_the_columns(tmp_path):
    result = run_site(with_copies(tmp_path))
    q = result.quarantine["contacts"].set_index("source_row")
    assert q["reason"].to_dict() == {3: "conflicting_duplicate", 8: "duplicate", 9: (
        "conflicting_duplicate"
    )}  # fmt: skip
    assert q.loc[3, "detail"] == (
        "copies at rows 3, 9 differ in duration_minutes, mode; none is kept"
    )
    assert sorted(result.kept["contacts"][SOURCE_ROW]) == [2, 4, 5, 6, 7]
    assert recon(result).loc["contacts", "quarantined_conflicting_duplicate"] == 2
    assert recon(result).loc["contacts", "balanced"]
    assert "contacts: conflicting duplicate id: copies at rows 3, 9 differ in " in "\n".join(
        leftover_lines(result)
    )


def test_keep_first_keeps_the_first_copy_and_says_so(tmp_path):
    cfg = with_copies(tmp_path)
    cfg["tables"]["contacts"]["duplicates"] = "keep_first"
    result = run_site(cfg)
    q = result.quarantine["contacts"].set_index("source_row")
    assert q["reason"].to_dict() == {8: "duplicate", 9: "conflicting_duplicate"}
    assert q.loc[9, "detail"].endswith("; the first is kept")
    kept = result.kept["contacts"].set_index(SOURCE_ROW)
    assert kept.loc[3, "duration_minutes"] == 30.0  # row 3's 0.5 hours, not row 9's 2


def test_too_many_conflicting_copies_stop_with_the_duplicates_key(tmp_path):
    cfg = with_copies(tmp_path)
    msg = pipeline_error(cfg, max_share=0.3)  # 3 of 8 rows quarantined
    assert "most common reason 'conflicting_duplicate'" in msg
    assert "fix: config key tables.contacts.duplicates" in msg
    cfg["tables"]["contacts"]["duplicates"] = "keep_first"  # the fix it names: 2 of 8 quarantined
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    result = run_site(load_site(path))
    check_quarantine_limit(result, max_share=0.3, site="tiny", site_cfg=cfg)


def test_duplicates_rule_defaults_to_keep_none_and_is_checked(tmp_path):
    cfg = write_site(tmp_path)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    assert load_site(path)["tables"]["contacts"]["duplicates"] == "keep_none"
    cfg["tables"]["contacts"]["duplicates"] = "keep_last"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    with pytest.raises(ConfigError, match="keep_first"):
        load_site(path)


# --- 5. The reconciliation balances with the analysed rows ---------------------------------------


def test_contacts_after_the_cutoff_are_excluded_and_the_analyses_use_the_kept_rows(tmp_path):
    # Cut-off 2016-03-03: c6 (03/04/2016, family A3 still open) is within the 14 grace days,
    # so not quarantined; it is after the cut-off, so excluded by the study rule.
    result = run_site(write_site(tmp_path), cutoff="2016-03-03")
    line = recon(result).loc["contacts"]
    assert (line["rows_read"], line["rows_kept"], line["rows_quarantined"]) == (6, 5, 0)
    assert line["rows_excluded_by_study_rule"] == 1 and line["excluded_after_data_cutoff"] == 1
    assert line["balanced"] and line["rows_in"] == 6
    assert result.excluded["contacts"][SOURCE_ROW].tolist() == [7]
    assert "contacts: 1 rows excluded by a study rule" in "\n".join(leftover_lines(result))
    # The analyses count exactly the kept contacts (no further cut-off filter drops any).
    kept = result.kept["contacts"]
    profile = family_profile(
        result.kept["families"], kept, data_cutoff="2016-03-03",
        count_statuses=["completed", "no_show", "refused"], hours_include_collateral=True,
    )  # fmt: skip
    assert profile["attempted_contacts"].sum() == len(kept) == 5


def test_reconciliation_stops_when_it_does_not_balance(tmp_path):
    result = run_site(write_site(tmp_path), cutoff="2016-03-03")
    result.reconciliation.loc[1, "balanced"] = False
    with pytest.raises(InputError, match="excluded by a study rule 1"):
        check_quarantine_limit(result, max_share=0.05, site="tiny")


def test_record_lines_from_bytes_agree_with_the_csv_module(tmp_path):
    from peermentor.ingest import csvtext

    path = tmp_path / "notes.csv"
    text = 'id,note\r\n1,"say ""hi""\r\nthen, leave"\r\n\r\n2,plain\r\n3,"a\nb\nc"\r\n,\r\n4,"x"'
    path.write_bytes(text.encode())
    by_csv = [line for line, _ in csvtext.records(path, {})]
    assert by_csv == [1, 2, 4, 5, 6, 9, 10]
    assert csvtext._record_starts(path.read_bytes(), {}).tolist() == by_csv  # no csv module
    assert csvtext.record_lines(path, {}, 1, 7).tolist() == by_csv
    assert csvtext.record_lines(path, {}, 2, 6).tolist() == by_csv[1:]


def test_site_check_reports_empty_rows_and_exclusions(tmp_path):
    from peermentor.config import load_study
    from peermentor.onboard.check import check_site
    from peermentor.onboard.text import check_text

    root = Path(__file__).resolve().parents[2]
    study = load_study(root / "config/config.yaml", schema_dir=root / "workflow/schemas")
    study["study"]["data_cutoff"] = "2016-03-03"  # c6 (03/04/2016) is after it
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    path.write_text(path.read_text() + ",,,,,,,,,,,\n\n")
    site_path = tmp_path / "tiny.yaml"
    site_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    report = check_site(site_path, study)
    assert report["passes"], report["error"]
    contacts = report["tables"]["contacts"]
    counts = [contacts[k] for k in ("rows_read", "rows_kept", "rows_empty_skipped")]
    assert counts == [6, 5, 2]
    assert contacts["rows_excluded_by_study_rule"] == 1 and report["contacts_after_cutoff"] == 1
    text = check_text(report)
    assert "empty rows skipped (not data): 2" in text
    assert "contacts after the study's data_cutoff (excluded, not analysed): 1" in text


def test_published_site_reconciliation_protects_the_excluded_count():
    from peermentor import notebooks as narrative

    recon = pd.DataFrame(
        {
            "site_id": ["s"],
            "table": ["contacts"],
            "rows_read": [8070],
            "rows_kept": [8000],
            "rows_quarantined": [66],
            "rows_excluded_by_study_rule": [4],
            "balanced": [True],
            "quarantined_duplicate": [66],
        }
    )
    shown = narrative.site_reconciliation(recon, "s", min_cell_size=11).iloc[0]
    assert shown["rows_excluded_by_study_rule"] == "<11"
    # read = kept + quarantined + excluded: one more cell hides the difference.
    assert "[c]" in {shown["rows_read"], shown["rows_kept"], shown["rows_quarantined"]}


def test_a_csv_whose_header_starts_with_a_bracket_is_csv(tmp_path):
    cfg = write_site(tmp_path)
    path = contacts_path(cfg)
    path.write_text(path.read_text().replace("LogId", "[LogId]", 1))
    cfg["tables"]["contacts"]["columns"]["contact_id"] = "[LogId]"
    passes(tmp_path, cfg)


@pytest.mark.parametrize("configured", ["excel", "parquet"])
def test_a_csv_configured_as_another_format_suggests_csv(tmp_path, configured):
    cfg = write_site(tmp_path)
    cfg["tables"]["mentors"]["format"] = configured
    msg = pipeline_error(cfg)
    assert "is a text file (CSV or similar), not " in msg
    assert "fix: config key tables.mentors.format" in msg and "set format: csv" in msg
    cfg["tables"]["mentors"]["format"] = "csv"
    passes(tmp_path, cfg)
