"""The tiny site (tests/ingest_helpers.py) as two REDCap projects, in REDCap's documented layout.

Families and their contacts are one project: a family per record on the non-repeating base
row, contacts as the repeating instrument ``contact_log`` (its rows leave the base fields
empty). Its dictionary is the API's metadata; the mentors project's is the web download.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
from ingest_helpers import CONTACTS, FAMILIES, MENTORS, write_site

API_HEADER = [
    "field_name", "form_name", "section_header", "field_type", "field_label",
    "select_choices_or_calculations", "field_note", "text_validation_type_or_show_slider_number",
]  # fmt: skip
WEB_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number",
]  # fmt: skip
OUTCOME = {"1": "Reunified", "2": "Removed"}
MODE = {"1": "F2F", "2": "PH", "3": "TXT"}
STATUS = {"1": "done", "2": "noshow", "3": "ref"}
ACTIVITY = {"1": "RC", "2": "DL", "3": "TR"}
WHY = {"1": "Active", "2": "Relapse"}


def choices(codes: dict) -> str:
    return " | ".join(f"{code}, {label}" for code, label in codes.items())


# field, form, type, label, choices, validation
FAMILY_FIELDS = [
    ("record_id", "family", "text", "Case number", "", ""),
    ("fam_mentor", "family", "text", "Mentor ID", "", ""),
    ("open_date", "family", "text", "Case opened", "", "date_mdy"),
    ("close_date", "family", "text", "Case closed", "", "date_mdy"),
    ("outcome", "family", "radio", "Outcome at closure", choices(OUTCOME), ""),
    ("n_kids", "family", "text", "Number of children", "", "integer"),
    ("caregiver", "family", "text", "Caregiver name", "", ""),
    ("contact_mentor", "contact_log", "text", "Mentor ID", "", ""),
    ("contact_date", "contact_log", "text", "Contact date", "", "date_mdy"),
    ("contact_hours", "contact_log", "text", "Hours", "", "number"),
    ("contact_mode", "contact_log", "dropdown", "Contact mode", choices(MODE), ""),
    ("parent_yn", "contact_log", "yesno", "With parent", "", ""),
    ("kids_yn", "contact_log", "yesno", "With children", "", ""),
    ("collat_yn", "contact_log", "yesno", "Collateral", "", ""),
    ("contact_status", "contact_log", "radio", "Contact status", choices(STATUS), ""),
    ("contact_act", "contact_log", "checkbox", "Activities", choices(ACTIVITY), ""),
    ("contact_notes", "contact_log", "notes", "Notes", "", ""),
]
MENTOR_FIELDS = [
    ("mentor_id", "mentor", "text", "Employee ID", "", ""),
    ("hired", "mentor", "text", "Hire date", "", "date_ymd"),
    ("left", "mentor", "text", "End date", "", "date_ymd"),
    ("why", "mentor", "dropdown", "Exit reason", choices(WHY), ""),
    ("mentor_name", "mentor", "text", "Name", "", ""),
]


def iso(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates, format="%m/%d/%Y").dt.strftime("%Y-%m-%d").fillna("")


def code_of(codes: dict, values: pd.Series) -> pd.Series:
    return values.map({label: code for code, label in codes.items()}).fillna("")


def family_records(families=FAMILIES, contacts=CONTACTS) -> pd.DataFrame:
    base = pd.DataFrame(
        {
            "record_id": families["CaseNo"],
            "redcap_repeat_instrument": "",
            "redcap_repeat_instance": "",
            "fam_mentor": families["Mentor"],
            "open_date": iso(families["Opened"]),
            "close_date": iso(families["Closed"].replace("", None)),
            "outcome": code_of(OUTCOME, families["Result"]),
            "n_kids": families["Kids"],
            "caregiver": families["Caregiver"],
            "family_complete": "2",
        }
    )
    yes = {"Y": "1", "N": "0"}
    codes = contacts["Codes"].str.split("|")
    log = pd.DataFrame(
        {
            "record_id": contacts["CaseNo"],
            "redcap_repeat_instrument": "contact_log",
            "redcap_repeat_instance": contacts.groupby("CaseNo").cumcount().add(1).astype(str),
            "contact_mentor": contacts["Mentor"],
            "contact_date": iso(contacts["When"]),
            "contact_hours": contacts["Hours"],
            "contact_mode": code_of(MODE, contacts["Type"]),
            "parent_yn": contacts["Parent"].map(yes),
            "kids_yn": contacts["Kids"].map(yes),
            "collat_yn": contacts["Collat"].map(yes),
            "contact_status": code_of(STATUS, contacts["Status"]),
            **{
                f"contact_act___{code}": codes.map(lambda c, a=abbr: "1" if a in c else "0")
                for code, abbr in ACTIVITY.items()
            },
            "contact_notes": contacts["Notes"],
            "contact_log_complete": "2",
        }
    )
    # REDCap writes each record's base row, then its instances.
    both = pd.concat([base, log], ignore_index=True).fillna("")
    both["_order"] = both["redcap_repeat_instrument"] != ""
    return both.sort_values(["record_id", "_order"], kind="stable").drop(columns="_order")


def mentor_records(mentors=MENTORS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mentor_id": mentors["Id"],
            "hired": iso(mentors["Hired"]),
            "left": iso(mentors["Left"].replace("", None)),
            "why": code_of(WHY, mentors["Why"]),
            "mentor_name": mentors["Name"],
            "mentor_complete": "2",
        }
    )


def dictionary(fields, header) -> pd.DataFrame:
    """Columns in the header order: name, form, section, type, label, choices, note, check."""
    rows = [
        (name, form, "", kind, label, codes, "", check)
        for name, form, kind, label, codes, check in fields
    ]
    return pd.DataFrame(rows, columns=header)


REDCAP_TABLES = {
    "families": {
        "path": "raw/records.csv",
        "format": "redcap",
        "redcap": {"dictionary": "raw/dictionary.csv", "instrument": None},
        "columns": {
            "family_id": "record_id", "mentor_id": "fam_mentor", "case_open_date": "open_date",
            "case_close_date": "close_date", "outcome_at_closure": "outcome",
            "n_children": "n_kids",
        },
        "values": {"outcome_at_closure": {"1": "unified", "2": "separated"}},
        "drop": ["caregiver"],
    },
    "contacts": {
        "path": "raw/records.csv",
        "format": "redcap",
        "redcap": {"dictionary": "raw/dictionary.csv", "instrument": "contact_log"},
        "columns": {
            "contact_id": "redcap_instance_id", "family_id": "record_id",
            "mentor_id": "contact_mentor", "contact_date": "contact_date",
            "duration_minutes": "contact_hours", "mode": "contact_mode",
            "with_parent": "parent_yn", "with_children": "kids_yn", "collateral": "collat_yn",
            "status": "contact_status",
        },
        "values": {
            "mode": {"1": "face_to_face", "2": "phone", "3": "text_or_email"},
            "status": {"1": "completed", "2": "no_show", "3": "refused"},
        },
        "duration_unit": "hours",
        "activities": {
            "style": "indicators",
            "columns": {
                "recovery_coaching": "contact_act___1",
                "daily_living_coaching": "contact_act___2",
                "transportation": "contact_act___3",
            },
        },
        "drop": ["contact_notes"],
    },
    "mentors": {
        "path": "raw/mentor_records.csv",
        "format": "redcap",
        "redcap": {"dictionary": "raw/mentors_dictionary.csv"},
        "columns": {
            "mentor_id": "mentor_id", "hire_date": "hired", "end_date": "left",
            "exit_reason": "why",
        },
        "values": {"exit_reason": {"1": "still_employed", "2": "relapse"}},
        "drop": ["mentor_name"],
    },
}  # fmt: skip


def write_redcap_site(root: Path, *, records=None, mentors=None) -> tuple[dict, dict]:
    """The tiny site as REDCap exports under ``root``, and its CSV twin (absolute paths)."""
    csv_cfg = write_site(root)
    raw = root / "raw"
    (family_records() if records is None else records).to_csv(raw / "records.csv", index=False)
    (mentor_records() if mentors is None else mentors).to_csv(
        raw / "mentor_records.csv", index=False
    )
    dictionary(FAMILY_FIELDS, API_HEADER).to_csv(raw / "dictionary.csv", index=False)
    dictionary(MENTOR_FIELDS, WEB_HEADER).to_csv(raw / "mentors_dictionary.csv", index=False)
    cfg = copy.deepcopy(csv_cfg)
    cfg["tables"] = copy.deepcopy(REDCAP_TABLES)
    for table in cfg["tables"].values():
        table["path"] = str(root / table["path"])
        table["redcap"]["dictionary"] = str(root / table["redcap"]["dictionary"])
    return cfg, csv_cfg
