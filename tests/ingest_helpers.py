"""A tiny hand-made site export (CSV) and its site config, for ingestion tests."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd

from peermentor.clean import prepare
from peermentor.errors import InputError

SALT = b"test-salt"

FAMILIES = pd.DataFrame(
    {
        "CaseNo": ["A1", "A2", "A3"],
        "Mentor": ["m1", "m1", "m2"],
        "Opened": ["01/05/2015", "02/01/2015", "03/01/2016"],
        "Closed": ["06/30/2016", "", ""],
        "Result": ["Reunified", "", ""],
        "Kids": ["2", "1", "3"],
        "Caregiver": ["Pat Doe", "Sam Roe", "Lee Poe"],
    }
)
CONTACTS = pd.DataFrame(
    {
        "LogId": ["c1", "c2", "c3", "c4", "c5", "c6"],
        "CaseNo": ["A1", "A1", "A2", "A2", "A3", "A3"],
        "Mentor": ["m1", "m1", "m1", "m1", "m2", "m2"],
        "When": [
            "01/06/2015",
            "01/09/2015",
            "02/02/2015",
            "02/05/2015",
            "03/02/2016",
            "03/04/2016",
        ],
        "Hours": ["1.5", "0.5", "1", "0", "2", "1"],
        "Type": ["F2F", "PH", "F2F", "TXT", "F2F", "F2F"],
        "Parent": ["Y", "Y", "Y", "N", "Y", "Y"],
        "Kids": ["Y", "N", "N", "N", "Y", "N"],
        "Collat": ["N", "N", "N", "Y", "N", "N"],
        "Status": ["done", "done", "done", "done", "noshow", "done"],
        "Codes": ["RC|DL", "RC", "DL|TR", "", "", "RC"],
        "Notes": ["ok", '=HYPERLINK("http://x")', 'long, quoted "note"', "", "", ""],
    }
)
MENTORS = pd.DataFrame(
    {
        "Id": ["m1", "m2"],
        "Hired": ["01/01/2014", "06/01/2015"],
        "Left": ["", "12/31/2016"],
        "Why": ["Active", "Relapse"],
        "Name": ["Alex Kay", "Jo Lin"],
    }
)

SITE = {
    "site_id": "tiny",
    "rurality": {"rucc": 6},
    "tables": {
        "families": {
            "path": "raw/families.csv",
            "format": "csv",
            "columns": {
                "family_id": "CaseNo", "mentor_id": "Mentor", "case_open_date": "Opened",
                "case_close_date": "Closed", "outcome_at_closure": "Result", "n_children": "Kids",
            },
            "values": {"outcome_at_closure": {"Reunified": "unified", "Removed": "separated"}},
            "date_format": "%m/%d/%Y",
            "drop": ["Caregiver"],
        },
        "contacts": {
            "path": "raw/contacts.csv",
            "format": "csv",
            "columns": {
                "contact_id": "LogId", "family_id": "CaseNo", "mentor_id": "Mentor",
                "contact_date": "When", "duration_minutes": "Hours", "mode": "Type",
                "with_parent": "Parent", "with_children": "Kids", "collateral": "Collat",
                "status": "Status",
            },
            "values": {
                "mode": {"F2F": "face_to_face", "PH": "phone", "TXT": "text_or_email"},
                "status": {"done": "completed", "noshow": "no_show", "ref": "refused"},
            },
            "booleans": {"true": ["Y"], "false": ["N"]},
            "date_format": "%m/%d/%Y",
            "duration_unit": "hours",
            "activities": {
                "style": "delimited", "column": "Codes", "delimiter": "|",
                "codes": {
                    "RC": "recovery_coaching",
                    "DL": "daily_living_coaching",
                    "TR": "transportation",
                },
            },
            "drop": ["Notes"],
        },
        "mentors": {
            "path": "raw/mentors.csv",
            "format": "csv",
            "columns": {
                "mentor_id": "Id", "hire_date": "Hired", "end_date": "Left", "exit_reason": "Why",
            },
            "values": {"exit_reason": {"Active": "still_employed", "Relapse": "relapse"}},
            "date_format": "%m/%d/%Y",
            "drop": ["Name"],
        },
    },
}  # fmt: skip


def write_site(
    root: Path,
    *,
    families: pd.DataFrame = FAMILIES,
    contacts: pd.DataFrame = CONTACTS,
    mentors: pd.DataFrame = MENTORS,
) -> dict:
    """Write the tiny export under ``root``; returns a site config with absolute paths."""
    cfg = copy.deepcopy(SITE)
    (root / "raw").mkdir(parents=True, exist_ok=True)
    for table, frame in (("families", families), ("contacts", contacts), ("mentors", mentors)):
        path = root / cfg["tables"][table]["path"]
        frame.to_csv(path, index=False)
        cfg["tables"][table]["path"] = str(path)
    return cfg


def run_site(cfg: dict, *, grace_days: int = 14, cutoff: str = "2017-12-31", salt: bytes = SALT):
    """Ingest and clean a site config the way the workflow does (peermentor.clean.prepare)."""
    mapped = prepare.ingest(cfg, salt=salt, rucc_threshold=4)
    return prepare.clean(mapped, cfg, grace_days=grace_days, data_cutoff=cutoff)


def pipeline_error(cfg: dict, *, max_share: float = 0.05, salt: bytes = SALT) -> str:
    """The message the workflow's ingest and clean steps stop with for this site config."""
    try:
        result = run_site(cfg, salt=salt)
        prepare.check_limit(result, cfg, max_share=max_share)
    except InputError as err:
        return str(err)
    raise AssertionError("the site config was expected to stop the run")


# --- Bad exports: each stops the run with one message (tests/ingest/test_ingest.py, site CLI) ---


def _missing_column(root: Path) -> dict:
    return write_site(root, contacts=CONTACTS.drop(columns="Type"))


def _wrong_sheet(root: Path) -> dict:
    cfg = write_site(root)
    xlsx = root / "raw" / "book.xlsx"
    FAMILIES.to_excel(xlsx, sheet_name="Cases", index=False)
    cfg["tables"]["families"].update(path=str(xlsx), format="excel", excel={"sheet": "Families"})
    return cfg


def _empty_file(root: Path) -> dict:
    cfg = write_site(root)
    open(cfg["tables"]["contacts"]["path"], "w").close()
    return cfg


def _header_only(root: Path) -> dict:
    return write_site(root, contacts=CONTACTS.iloc[0:0])


def _wrong_encoding(root: Path) -> dict:
    cfg = write_site(root)
    path = cfg["tables"]["mentors"]["path"]
    MENTORS.assign(Name=["José", "Zoë"]).to_csv(path, index=False, encoding="latin-1")
    return cfg


def _all_dates_bad(root: Path) -> dict:
    return write_site(root, contacts=CONTACTS.assign(When="2015-01-06"))


def _duplicated_header(root: Path) -> dict:
    cfg = write_site(root)
    path = Path(cfg["tables"]["mentors"]["path"])
    path.write_text(path.read_text().replace("Hired,Left", "Hired,Hired", 1))
    return cfg


def _unmapped_code(root: Path) -> dict:
    return write_site(root, contacts=CONTACTS.assign(Status="DONE"))


def _closed_before_opened_everywhere(root: Path) -> dict:
    return write_site(root, families=FAMILIES.assign(Closed="01/01/2014", Result="Reunified"))


def _nonexistent_path(root: Path) -> dict:
    cfg = write_site(root)
    cfg["tables"]["contacts"]["path"] = str(root / "nope.csv")
    return cfg


def _all_rows_duplicated(root: Path) -> dict:
    return write_site(root, contacts=pd.concat([CONTACTS, CONTACTS]))


def _unmapped_contract_column(root: Path) -> dict:
    cfg = write_site(root)
    del cfg["tables"]["contacts"]["columns"]["status"]
    return cfg


def _too_many_unmapped_modes(root: Path) -> dict:
    contacts = CONTACTS.copy()
    contacts.loc[:2, "Type"] = "VIDEO"
    return write_site(root, contacts=contacts)


BAD_EXPORTS = {
    "missing_column": _missing_column,
    "wrong_sheet": _wrong_sheet,
    "empty_file": _empty_file,
    "header_only": _header_only,
    "wrong_encoding": _wrong_encoding,
    "all_dates_bad": _all_dates_bad,
    "duplicated_header": _duplicated_header,
    "unmapped_code": _unmapped_code,
    "closed_before_opened_everywhere": _closed_before_opened_everywhere,
    "nonexistent_path": _nonexistent_path,
    "all_rows_duplicated": _all_rows_duplicated,
    "unmapped_contract_column": _unmapped_contract_column,
    "too_many_unmapped_modes": _too_many_unmapped_modes,
}
