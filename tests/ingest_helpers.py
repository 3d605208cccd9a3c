"""A tiny hand-made site export (CSV) and its site config, for ingestion tests."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd

from peermentor.ingest.clean import clean_site
from peermentor.ingest.site import ingest_site, site_files

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


def run_site(cfg: dict, *, grace_days: int = 14, cutoff: str = "2017-12-31"):
    """Ingest and clean a site config the way the workflow does."""
    mapped = ingest_site(cfg, salt=SALT, rucc_threshold=4)
    return clean_site(
        mapped,
        site=cfg["site_id"],
        files=site_files(cfg),
        grace_days=grace_days,
        data_cutoff=cutoff,
    )
