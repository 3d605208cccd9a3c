"""Ingestion: every mapping capability, every quarantine reason, and bad exports."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from ingest_helpers import (
    BAD_EXPORTS,
    CONTACTS,
    FAMILIES,
    MENTORS,
    SALT,
    pipeline_error,
    run_site,
    write_site,
)

from peermentor.clean.site import check_quarantine_limit, write_quarantine
from peermentor.clean.validate import validate_table
from peermentor.config import check_exports, load_site, load_study
from peermentor.errors import ConfigError, InputError
from peermentor.ingest.pseudonymize import pseudonymize


def kept_contacts(result) -> pd.DataFrame:
    return result.kept["contacts"].set_index("source_row")


# --- Mapping capabilities -----------------------------------------------------------------------


def test_clean_tiny_site_keeps_every_row_and_balances(tmp_path):
    result = run_site(write_site(tmp_path))
    recon = result.reconciliation.set_index("table")
    assert recon["rows_read"].to_dict() == {"families": 3, "contacts": 6, "mentors": 2}
    assert recon["rows_quarantined"].sum() == 0
    assert recon["balanced"].all()
    for table, frame in result.kept.items():
        validate_table(frame, table)


def test_durations_in_hours_become_minutes(tmp_path):
    contacts = kept_contacts(run_site(write_site(tmp_path)))
    assert contacts["duration_minutes"].tolist() == [90.0, 30.0, 60.0, 0.0, 120.0, 60.0]


def test_value_maps_for_categories_and_booleans(tmp_path):
    contacts = kept_contacts(run_site(write_site(tmp_path)))
    assert contacts["mode"].tolist() == [
        "face_to_face", "phone", "face_to_face", "text_or_email", "face_to_face", "face_to_face",
    ]  # fmt: skip
    assert contacts["status"].tolist()[4] == "no_show"
    assert contacts["with_children"].tolist() == [True, False, False, False, True, False]
    assert contacts["collateral"].tolist() == [False, False, False, True, False, False]


def test_delimited_activity_codes_are_multi_label(tmp_path):
    contacts = kept_contacts(run_site(write_site(tmp_path)))
    assert contacts["act_recovery_coaching"].tolist() == [True, True, False, False, False, True]
    assert contacts["act_daily_living_coaching"].tolist() == [
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    assert contacts["act_transportation"].tolist() == [False, False, True, False, False, False]
    assert not contacts["act_advocacy"].any()


def test_indicator_activity_columns(tmp_path):
    contacts = CONTACTS.drop(columns="Codes").assign(
        RC=["1", "1", "0", "0", "0", "1"], DL=["1", "0", "1", "0", "0", "0"]
    )
    cfg = write_site(tmp_path, contacts=contacts)
    cfg["tables"]["contacts"]["activities"] = {
        "style": "indicators",
        "columns": {"recovery_coaching": "RC", "daily_living_coaching": "DL"},
    }
    cfg["tables"]["contacts"]["booleans"] = {"true": ["Y", "1"], "false": ["N", "0"]}
    result = kept_contacts(run_site(cfg))
    assert result["act_recovery_coaching"].tolist() == [True, True, False, False, False, True]
    assert result["act_daily_living_coaching"].sum() == 2


def test_dates_with_time_of_day_are_kept_as_calendar_days(tmp_path):
    contacts = CONTACTS.assign(When=[w + " 14:35" for w in CONTACTS["When"]])
    cfg = write_site(tmp_path, contacts=contacts)
    cfg["tables"]["contacts"]["date_format"] = "%m/%d/%Y %H:%M"
    result = kept_contacts(run_site(cfg))
    assert str(result["contact_date"].iloc[0]) == "2015-01-06 00:00:00"


def test_excel_serial_dates(tmp_path):
    # 42010 is 2015-01-06 in Excel's 1900 date system.
    contacts = CONTACTS.assign(When=["42010", "42013", "42037", "42040", "42431", "42433"])
    cfg = write_site(tmp_path, contacts=contacts)
    cfg["tables"]["contacts"]["date_format"] = "excel_serial"
    result = kept_contacts(run_site(cfg))
    assert result["contact_date"].dt.strftime("%Y-%m-%d").tolist()[:2] == [
        "2015-01-06",
        "2015-01-09",
    ]


def test_semicolon_latin1_csv(tmp_path):
    cfg = write_site(tmp_path)
    path = cfg["tables"]["mentors"]["path"]
    MENTORS.assign(Name=["José Núñez", "Zoë"]).to_csv(
        path, sep=";", index=False, encoding="latin-1"
    )
    cfg["tables"]["mentors"]["csv"] = {"sep": ";", "encoding": "latin-1"}
    assert len(run_site(cfg).kept["mentors"]) == 2


def test_excel_sheet_and_parquet(tmp_path):
    cfg = write_site(tmp_path)
    xlsx = tmp_path / "raw" / "book.xlsx"
    with pd.ExcelWriter(xlsx) as book:
        FAMILIES.to_excel(book, sheet_name="Cases", index=False)
    cfg["tables"]["families"].update(path=str(xlsx), format="excel", excel={"sheet": "Cases"})
    parquet = tmp_path / "raw" / "mentors.parquet"
    MENTORS.to_parquet(parquet)
    cfg["tables"]["mentors"].update(path=str(parquet), format="parquet")
    result = run_site(cfg)
    assert len(result.kept["families"]) == 3
    assert len(result.kept["mentors"]) == 2


def test_shared_mentor_roster_filtered_by_site(tmp_path):
    roster = pd.concat([MENTORS.assign(Site="T"), MENTORS.assign(Id=["x1", "x2"], Site="OTHER")])
    cfg = write_site(tmp_path, mentors=roster)
    cfg["tables"]["mentors"]["filter"] = {"column": "Site", "value": "T"}
    result = run_site(cfg)
    assert result.reconciliation.set_index("table").loc["mentors", "rows_read"] == 2


def test_rurality_from_rucc_label_and_county(tmp_path):
    cfg = write_site(tmp_path)
    assert set(run_site(cfg).kept["families"]["rurality"]) == {"rural"}  # RUCC 6 >= 4
    cfg["rurality"] = {"label": "urban"}
    assert set(run_site(cfg).kept["families"]["rurality"]) == {"urban"}
    families = FAMILIES.assign(County=["21111", "21159", "21111"])
    cfg = write_site(tmp_path, families=families)
    cfg["rurality"] = {"county_column": "County", "county_rucc": {"21111": 1, "21159": 9}}
    fam = run_site(cfg).kept["families"]
    assert fam["rurality"].tolist() == ["urban", "rural", "urban"]
    assert fam["rucc"].tolist() == [1, 9, 1]


def test_identifiers_are_pseudonymized_and_free_text_dropped(tmp_path):
    result = run_site(write_site(tmp_path))
    families = result.kept["families"]
    assert not families["family_id"].isin(["A1", "A2", "A3"]).any()
    assert families["family_id"].str.match(r"^F-[0-9a-f]{16}$").all()
    expected = pseudonymize(pd.Series(["A1"]), salt=SALT, kind="family_id", namespace="tiny")[0]
    assert expected in set(families["family_id"])
    text = pd.concat(result.kept.values()).to_csv()
    for raw in ("Pat Doe", "HYPERLINK", "m1", "c1,", "Alex Kay"):
        assert raw not in text


def test_pseudonyms_depend_on_salt_and_namespace():
    ids = pd.Series(["A1", "A1", None])
    a = pseudonymize(ids, salt=b"one", kind="family_id", namespace="s")
    assert a[0] == a[1] and a[2] is None
    assert a[0] != pseudonymize(ids, salt=b"two", kind="family_id", namespace="s")[0]
    assert a[0] != pseudonymize(ids, salt=b"one", kind="family_id", namespace="t")[0]


# --- Quarantine reasons (exact counts) ----------------------------------------------------------


def quarantined(result, table: str) -> dict[str, int]:
    return result.quarantine[table]["reason"].value_counts().to_dict()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("When", "31/31/2015", "unparseable_date"),
        ("Type", "VIDEO", "unmapped_category"),
        ("Hours", "30", "impossible_duration"),
        ("Hours", "-1", "impossible_duration"),
        ("Hours", "lots", "impossible_duration"),
        ("Parent", "maybe", "unmapped_category"),
        ("Codes", "RC|XX", "unmapped_category"),
        ("LogId", "", "missing_value"),
    ],
)
def test_row_level_problem_is_quarantined_with_reason(tmp_path, column, value, reason):
    contacts = CONTACTS.copy()
    contacts.loc[1, column] = value
    result = run_site(write_site(tmp_path, contacts=contacts))
    assert quarantined(result, "contacts") == {reason: 1}
    row = result.quarantine["contacts"].iloc[0]
    assert row["source_row"] == 3  # header is row 1, so the second data row is row 3
    assert result.reconciliation["balanced"].all()


def test_duplicates_outside_window_unknown_family_and_mentor(tmp_path):
    extra = pd.DataFrame(
        [
            CONTACTS.iloc[0].to_dict(),  # duplicate of c1
            {**CONTACTS.iloc[1].to_dict(), "LogId": "c7", "When": "01/01/2014"},  # before opening
            {**CONTACTS.iloc[1].to_dict(), "LogId": "c8", "CaseNo": "ZZ"},  # unknown family
            {**CONTACTS.iloc[1].to_dict(), "LogId": "c9", "Mentor": "m9"},  # unknown mentor
            {
                **CONTACTS.iloc[1].to_dict(),
                "LogId": "c10",
                "When": "07/10/2016",
            },  # within 14 d grace
        ]
    )
    result = run_site(write_site(tmp_path, contacts=pd.concat([CONTACTS, extra])))
    assert quarantined(result, "contacts") == {
        "duplicate": 1, "outside_case_window": 1, "unknown_family": 1, "unknown_mentor": 1,
    }  # fmt: skip
    assert len(result.kept["contacts"]) == 7


def test_closed_before_opened_quarantines_family_and_its_contacts(tmp_path):
    families = FAMILIES.copy()
    families.loc[0, "Closed"] = "01/01/2015"
    result = run_site(write_site(tmp_path, families=families))
    assert quarantined(result, "families") == {"closed_before_opened": 1}
    assert quarantined(result, "contacts") == {"family_quarantined": 2}


def test_outcome_on_open_case_and_bad_children_counts(tmp_path):
    families = pd.concat([FAMILIES, FAMILIES.assign(CaseNo=["B1", "B2", "B3"])])
    families.iloc[1, families.columns.get_loc("Result")] = "Removed"
    families.iloc[2, families.columns.get_loc("Kids")] = "16"
    families.iloc[3, families.columns.get_loc("Kids")] = "two"
    families.iloc[4, families.columns.get_loc("Kids")] = "1.5"
    result = run_site(write_site(tmp_path, families=families))
    assert quarantined(result, "families") == {
        "outcome_without_closure": 1, "out_of_range": 1, "invalid_number": 2,
    }  # fmt: skip


def test_quarantine_file_neutralizes_formulas(tmp_path):
    contacts = CONTACTS.copy()
    contacts.loc[0, "Type"] = '=HYPERLINK("http://evil")'
    result = run_site(write_site(tmp_path, contacts=contacts))
    # Neutralized where it is written for a spreadsheet; kept as read everywhere else.
    assert result.quarantine["contacts"]["value"].iloc[0] == '=HYPERLINK("http://evil")'
    write_quarantine(result.quarantine["contacts"], tmp_path / "q.csv")
    written = pd.read_csv(tmp_path / "q.csv", dtype=str)
    assert written["value"].iloc[0] == '\'=HYPERLINK("http://evil")'


def test_quarantine_limit_stops_with_the_fix(tmp_path):
    result = run_site(BAD_EXPORTS["too_many_unmapped_modes"](tmp_path))
    with pytest.raises(InputError) as err:
        check_quarantine_limit(result, max_share=0.05, site="tiny")
    message = str(err.value)
    assert "50.0% of rows quarantined" in message
    assert "'unmapped_category'" in message
    assert "row 2: 'VIDEO'" in message
    assert "tables.contacts.values.mode" in message


# --- Bad exports: one clear message each (the cases are shared with tests/onboard/test_site_cli.py)


def error_of(case: str, tmp_path: Path) -> str:
    return pipeline_error(BAD_EXPORTS[case](tmp_path))


def test_missing_column(tmp_path):
    msg = error_of("missing_column", tmp_path)
    assert "column 'Type' (mode): column not found in the export" in msg
    assert "fix: config key tables.contacts.columns.mode" in msg


def test_wrong_sheet(tmp_path):
    msg = error_of("wrong_sheet", tmp_path)
    assert "has no sheet 'Families'; sheets are ['Cases']" in msg
    assert "tables.families.excel.sheet" in msg


def test_empty_file(tmp_path):
    assert "file is empty" in error_of("empty_file", tmp_path)


def test_header_only(tmp_path):
    msg = error_of("header_only", tmp_path)
    assert "table contacts" in msg and "has a header but no rows" in msg


def test_wrong_encoding(tmp_path):
    msg = error_of("wrong_encoding", tmp_path)
    assert "cannot be decoded as utf-8" in msg
    assert "tables.mentors.csv.encoding" in msg


def test_all_dates_bad(tmp_path):
    msg = error_of("all_dates_bad", tmp_path)
    assert "100.0% of rows quarantined" in msg
    assert "'unparseable_date'" in msg
    assert "tables.contacts.date_format" in msg


def test_duplicated_header(tmp_path):
    assert "header repeats column name(s) ['Hired']" in error_of("duplicated_header", tmp_path)


def test_unmapped_code(tmp_path):
    msg = error_of("unmapped_code", tmp_path)
    assert "'unmapped_category'" in msg
    assert "line 2: 'DONE'" in msg
    assert "tables.contacts.values.status" in msg


def test_closed_before_opened_everywhere(tmp_path):
    msg = error_of("closed_before_opened_everywhere", tmp_path)
    assert "table families" in msg and "'closed_before_opened'" in msg


def test_nonexistent_path(tmp_path):
    msg = error_of("nonexistent_path", tmp_path)
    assert "nope.csv: file not found" in msg
    assert "tables.contacts.path" in msg


def test_formula_in_free_text_is_never_read(tmp_path):
    contacts = CONTACTS.assign(Notes='=HYPERLINK("http://evil","click")')
    result = run_site(write_site(tmp_path, contacts=contacts))
    assert result.quarantine["contacts"].empty
    assert "HYPERLINK" not in result.kept["contacts"].to_csv()


def test_all_rows_duplicated(tmp_path):
    msg = error_of("all_rows_duplicated", tmp_path)
    assert "50.0% of rows quarantined" in msg and "'duplicate'" in msg


def test_unmapped_contract_column(tmp_path):
    msg = error_of("unmapped_contract_column", tmp_path)
    assert "contract column 'status' is not mapped" in msg


def test_config_is_not_mutated(tmp_path):
    cfg = write_site(tmp_path)
    before = copy.deepcopy(cfg)
    run_site(cfg)
    assert cfg == before


def test_csv_quote_character(tmp_path):
    cfg = write_site(tmp_path)
    path = cfg["tables"]["mentors"]["path"]
    Path(path).write_text(
        "Id,Hired,Left,Why,Name\n"
        "m1,01/01/2014,,Active,'Kay, Alex'\n"
        "m2,06/01/2015,12/31/2016,Relapse,'Lin, Jo'\n"
    )
    cfg["tables"]["mentors"]["csv"] = {"quotechar": "'"}
    assert len(run_site(cfg).kept["mentors"]) == 2


# --- Messages that lead to the fix (issue 17): config checks, columns, rows, numbers ----------


def site_yaml(tmp_path: Path, cfg: dict, *, edit: tuple[str, str] | None = None) -> Path:
    """The site config as a data manager writes it: YAML, keys unquoted where YAML allows."""
    path = tmp_path / "tiny.yaml"
    text = yaml.safe_dump(cfg, sort_keys=False)
    if edit:
        assert edit[0] in text, edit[0]
        text = text.replace(edit[0], edit[1], 1)
    path.write_text(text)
    return path


def line_of(path: Path, text: str, after: str = "") -> int:
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_site(path)
    return str(err.value)


def test_unquoted_integer_key_matches_the_cell_text(tmp_path):
    cfg = write_site(tmp_path, contacts=CONTACTS.assign(Status=["1", "1", "2", "1", "1", "1"]))
    path = site_yaml(tmp_path, cfg, edit=("      done: completed\n", "      1: completed\n"))
    path.write_text(path.read_text().replace("      noshow: no_show\n", "      2: no_show\n"))
    site = load_site(path)
    assert site["tables"]["contacts"]["values"]["status"] == {
        "1": "completed", "2": "no_show", "ref": "refused",
    }  # fmt: skip
    kept = run_site(site).kept["contacts"]
    assert kept["status"].tolist() == ["completed", "completed", "no_show"] + ["completed"] * 3
    # Ingestion called directly (no config loading) compares the same way.
    cfg["tables"]["contacts"]["values"]["status"] = {1: "completed", 2: "no_show"}
    assert len(run_site(cfg).kept["contacts"]) == 6


def test_boolean_key_must_be_quoted(tmp_path):
    cfg = write_site(tmp_path)
    path = site_yaml(tmp_path, cfg, edit=("      PH: phone\n", "      yes: phone\n"))
    line = line_of(path, "yes: phone")
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line}, key tables.contacts.values.mode.yes: YAML read this key as the "
        "boolean true, not the export's text: quote the key as the export writes it, "
        'e.g. "yes" or "Y"'
    )


def test_unquoted_true_false_under_booleans_are_the_keys_true_and_false(tmp_path):
    """`booleans: {true: [Y], false: [N]}` unquoted means the keys "true" and "false"; an
    unquoted item (Yes) is still a boolean to YAML and must be quoted."""
    cfg = write_site(tmp_path)
    path = site_yaml(tmp_path, cfg, edit=("    'true':\n", "    true:\n"))
    text = path.read_text().replace("    'false':\n", "    false:\n", 1)
    path.write_text(text)
    site = load_site(path)
    assert site["tables"]["contacts"]["booleans"] == {"true": ["Y"], "false": ["N"]}
    assert len(run_site(site).kept["contacts"]) == len(run_site(cfg).kept["contacts"])
    path.write_text(text.replace("    - Y\n", "    - Yes\n", 1))
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, '- Yes')}, key tables.contacts.booleans.true.0: expected text, "
        "got True (quote it: YAML reads unquoted yes/no/true/false/on/off as booleans and "
        "digits as numbers)"
    )


def test_value_map_target_must_be_a_contract_value(tmp_path):
    cfg = write_site(tmp_path)
    path = site_yaml(tmp_path, cfg, edit=("F2F: face_to_face", "F2F: in_person"))
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, 'F2F: in_person')}, key tables.contacts.values.mode.F2F: "
        "'in_person' is not a value of mode; allowed values: face_to_face, phone, "
        "text_or_email, other"
    )


def test_drop_must_not_hold_a_mapped_column(tmp_path):
    cfg = write_site(tmp_path)
    cfg["tables"]["contacts"]["drop"] = ["Notes", "Type"]
    path = site_yaml(tmp_path, cfg)
    line = line_of(path, "- Type", after="  contacts:")
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line}, key tables.contacts.drop.1: 'Type' is listed under drop but is read "
        "as columns.mode: remove it from drop, or stop reading it"
    )


def test_misspelt_keys_get_did_you_mean(tmp_path):
    cfg = write_site(tmp_path)
    cfg["tables"]["families"]["colums"] = cfg["tables"]["families"].pop("columns")
    cfg["tables"]["mentors"]["columns"]["hire_dat"] = cfg["tables"]["mentors"]["columns"].pop(
        "hire_date"
    )
    path = site_yaml(tmp_path, cfg)
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, 'colums:')}, key tables.families.colums: unknown key "
        "'colums'; did you mean 'columns'?"
    )
    cfg["tables"]["families"]["columns"] = cfg["tables"]["families"].pop("colums")
    path = site_yaml(tmp_path, cfg)
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, 'hire_dat:')}, key tables.mentors.columns.hire_dat: "
        "'hire_dat' is not a contract column of mentors; did you mean 'hire_date'?"
    )


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text("site_id: tiny\nrurality: {rucc: 6\ntables: {}\n")
    assert config_error(path) == (
        f"{path}: line 3, column 7: not valid YAML: did not find expected ',' or '}}' "
        "(while parsing a flow mapping that starts at line 2, column 11)"
    )


def test_rurality_forms_are_listed(tmp_path):
    cfg = write_site(tmp_path)
    cfg["rurality"] = {"rucc": 6, "label": "rural"}
    path = site_yaml(tmp_path, cfg)
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, 'rurality:')}, key rurality: give exactly one of: label; rucc; "
        "county_column with county_rucc; rucc_column"
    )


def test_study_config_defaults_are_filled_nested(tmp_path):
    study = yaml.safe_load(Path("config/config.yaml").read_text())
    study["stratify"] = {"test": "t_test"}
    study["cleaning"] = {}
    del study["sites_dir"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(study))
    loaded = load_study(path)
    assert loaded["sites_dir"] == "config/sites"
    assert loaded["cleaning"] == {"contact_window_grace_days": 14, "max_quarantine_share": 0.05}
    assert loaded["stratify"]["test"] == "t_test" and loaded["stratify"]["n_bootstrap"] == 2000
    site = load_site(Path("config/sites/kenton.yaml"))
    # Through $ref: every table gets date_format and duration_unit; csv options where csv is.
    assert site["tables"]["families"]["date_format"] == "iso"
    assert site["tables"]["contacts"]["duration_unit"] == "hours"
    assert "csv" not in site["tables"]["families"] and "csv" not in site["tables"]["mentors"]
    cfg = write_site(tmp_path)
    cfg["tables"]["mentors"]["csv"] = {"sep": ";"}
    site = load_site(site_yaml(tmp_path, cfg))
    assert site["tables"]["mentors"]["csv"] == {"sep": ";", "encoding": "utf-8", "quotechar": '"'}
    assert site["tables"]["contacts"]["activities"]["delimiter"] == "|"


def test_study_config_value_and_key(tmp_path):
    study = yaml.safe_load(Path("config/config.yaml").read_text())
    study["stratify"]["adjust"] = "bonferroni"
    study["cleaning"]["max_quarantine_shar"] = study["cleaning"].pop("max_quarantine_share")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_study(path)
    assert str(err.value) == (
        f"{path}: invalid study config (2 problems)\n"
        f"  line {line_of(path, 'max_quarantine_shar:')}, key cleaning.max_quarantine_shar: "
        "unknown key 'max_quarantine_shar'; did you mean 'max_quarantine_share'?\n"
        f"  line {line_of(path, 'adjust:')}, key stratify.adjust: 'bonferroni' is not allowed; "
        "allowed values: holm, bh"
    )


def test_unquoted_number_where_text_is_needed(tmp_path):
    cfg = write_site(tmp_path)
    cfg["tables"]["mentors"]["filter"] = {"column": "Id", "value": 7}
    path = site_yaml(tmp_path, cfg)
    assert config_error(path) == (
        f"{path}: invalid site config (1 problem)\n"
        f"  line {line_of(path, 'value: 7')}, key tables.mentors.filter.value: expected text, "
        "got 7 (quote it: YAML reads unquoted yes/no/true/false/on/off as booleans and digits "
        "as numbers)"
    )


def test_missing_export_names_key_file_and_line(tmp_path):
    cfg = write_site(tmp_path)
    cfg["tables"]["contacts"]["path"] = "raw/nope.csv"
    path = site_yaml(tmp_path, cfg)
    with pytest.raises(InputError) as err:
        check_exports(load_site(path), path, project_dir=tmp_path)
    assert str(err.value) == (
        "site tiny, table contacts, file raw/nope.csv: file not found\n"
        f"  fix: config key tables.contacts.path in {path} "
        f"(line {line_of(path, 'path: raw/nope.csv')})\n"
        "  hint: drop the export there, or correct the path in the site config"
    )


def test_rurality_from_a_rucc_column(tmp_path):
    families = FAMILIES.assign(RUCC=["1", "9", "12"])
    cfg = write_site(tmp_path, families=families)
    cfg["rurality"] = {"rucc_column": "RUCC"}
    result = run_site(cfg)
    fam = result.kept["families"]
    assert fam["rurality"].tolist() == ["urban", "rural"]
    assert fam["rucc"].tolist() == [1, 9]
    q = result.quarantine["families"]
    assert q[["source_row", "reason", "column", "value"]].values.tolist() == [
        [4, "out_of_range", "rucc", "12"]
    ]


def test_encoding_error_gives_file_line_and_offset(tmp_path):
    msg = error_of("wrong_encoding", tmp_path)
    path = tmp_path / "raw" / "mentors.csv"
    data = path.read_bytes()
    offset = data.index(b"\xe9")
    line_start = data.index(b"\n") + 1
    assert data.count(b"\n", 0, offset) + 1 == 2  # José is on the file's second line
    assert msg == (
        f"site tiny, table mentors, file {path}: cannot be decoded as utf-8: line 2, "
        f"byte {offset - line_start + 1} of the line (byte offset {offset} in the file) "
        "is b'\\xe9'\n"
        "  fix: config key tables.mentors.csv.encoding\n"
        "  hint: set the export's real encoding, e.g. latin-1 or cp1252"
    )


def test_stop_names_the_export_column_and_prints_numbers_as_numbers(tmp_path):
    cfg = write_site(tmp_path, families=FAMILIES.assign(Kids=["-15", "2", "-3"]))
    assert pipeline_error(cfg) == (
        f"site tiny, table families, file {tmp_path / 'raw/families.csv'}, "
        "column 'Kids' (n_children): 66.7% of rows quarantined (limit 5%); most common "
        "reason 'out_of_range' (2 rows: a number is outside the contract's range "
        "(e.g. n_children 1-15)); by reason: {'out_of_range': 2}\n"
        "  offending values: line 2: -15; line 4: -3\n"
        "  fix: config key cleaning.max_quarantine_share (study config), or fix the export"
    )


def test_stop_on_identifiers_shows_rows_only(tmp_path):
    msg = error_of("all_rows_duplicated", tmp_path)
    assert msg.splitlines()[1:] == [
        "  lines: 8, 9, 10, 11, 12 (and 1 more)",
        "  fix: config key cleaning.max_quarantine_share (study config), or fix the export",
    ]
    assert "column 'LogId' (contact_id)" in msg.splitlines()[0]


def test_stop_writes_the_quarantine_it_points_at(tmp_path):
    cfg = BAD_EXPORTS["too_many_unmapped_modes"](tmp_path)
    result = run_site(cfg)
    files = {t: tmp_path / "results" / f"{t}.csv" for t in ("families", "contacts", "mentors")}
    with pytest.raises(InputError) as err:
        check_quarantine_limit(
            result, max_share=0.05, site="tiny", site_cfg=cfg, quarantine_files=files
        )
    stopped = tmp_path / "results" / "contacts.stopped.csv"
    assert str(err.value).endswith(
        f"  hint: every quarantined row of the table, with its reason: {stopped}"
    )
    written = pd.read_csv(stopped, dtype=str)
    assert written["source_row"].tolist() == ["2", "3", "4"]
    assert set(written["reason"]) == {"unmapped_category"}
    assert not files["contacts"].exists()  # the finished run's file is the workflow's to write
    assert [p.name for p in stopped.parent.iterdir()] == ["contacts.stopped.csv"]  # atomic
