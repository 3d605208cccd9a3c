"""Demo exports in the formats analysts and evaluation teams hold: REDCap and SPSS.

Written with the real layouts, so ``make run`` reads them as it would a site's:

- **REDCap**: one records file in the layout of a raw CSV export (a record's base row,
  then its repeating ``contact_log`` instances; ``redcap_repeat_instrument`` /
  ``redcap_repeat_instance``; one ``<field>___<code>`` column per checkbox choice;
  ``<form>_complete``), and its data dictionary (API metadata header). Date fields carry a
  ``date_mdy`` validation, as they were typed in, while the export writes YYYY-MM-DD.
- **SPSS**: ``.sav`` files through ``pyreadstat.write_sav``: coded categories and yes/no
  columns with value labels, ``-9`` "not recorded" declared user-missing, typed dates.

Both are built from the export frames ``demo.export.to_export`` made from the site config,
so ingesting them with that config gives the simulated tables back.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
import pyreadstat

from peermentor import contract
from peermentor.demo.distinct import per_distinct

API_HEADER = (
    "field_name", "form_name", "section_header", "field_type", "field_label",
    "select_choices_or_calculations", "field_note", "text_validation_type_or_show_slider_number",
)  # fmt: skip
BASE_FORM = "case_intake"
NOT_RECORDED = -9


def label_of(canonical: str) -> str:
    """A code's label as a form shows it: ``face_to_face`` -> ``Face to face``."""
    return canonical.replace("_", " ").capitalize()


# --- REDCap -----------------------------------------------------------------------------------


def write_redcap(parts: list[tuple[dict, pd.DataFrame]], target: Path) -> list[Path]:
    """The records file (families on base rows, contacts as instances) and its dictionary."""
    by_table = {_table_of(cfg): (cfg, frame) for cfg, frame in parts}
    fam_cfg, families = by_table["families"]
    con_cfg, contacts = by_table["contacts"]
    record_id = fam_cfg["columns"]["family_id"]
    instrument = con_cfg["redcap"]["instrument"]
    base = families.assign(
        redcap_repeat_instrument="", redcap_repeat_instance="", **{f"{BASE_FORM}_complete": 2}
    )
    instance = contacts.groupby(con_cfg["columns"]["family_id"], sort=False).cumcount() + 1
    log = contacts.rename(columns={con_cfg["columns"]["family_id"]: record_id}).assign(
        redcap_repeat_instrument=instrument,
        redcap_repeat_instance=instance.astype(str),
        **{f"{instrument}_complete": 2},
    )
    # REDCap writes a record's base row, then its instances; records in the order entered.
    order = {
        rid: i for i, rid in enumerate(pd.unique(pd.concat([base[record_id], log[record_id]])))
    }
    rows = pd.concat([base.assign(_kind=0), log.assign(_kind=1)], ignore_index=True)
    rows["_record"] = rows[record_id].map(order)
    rows = rows.sort_values(["_record", "_kind"], kind="stable").drop(columns=["_record", "_kind"])
    front = [record_id, "redcap_repeat_instrument", "redcap_repeat_instance"]
    family_fields = [c for c in base.columns if c not in front]
    log_fields = [c for c in log.columns if c not in front and c not in family_fields]
    rows = rows[front + family_fields + log_fields]
    target.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target, index=False, lineterminator="\n")
    dictionary = Path(fam_cfg["redcap"]["dictionary"])
    if not dictionary.is_absolute():
        dictionary = target.parent / dictionary.name
    fields = [*_fields(fam_cfg, "families", BASE_FORM, families, skip=()),
              *_fields(con_cfg, "contacts", instrument, contacts, skip=(record_id,))]  # fmt: skip
    pd.DataFrame(fields, columns=API_HEADER).to_csv(dictionary, index=False, lineterminator="\n")
    return [target, dictionary]


def _table_of(cfg: dict) -> str:
    return "contacts" if cfg.get("redcap", {}).get("instrument") else "families"


def _fields(cfg: dict, table: str, form: str, frame: pd.DataFrame, skip: tuple) -> list[tuple]:
    """Dictionary rows of one form, in the export's column order."""
    canonical_of = {source: canonical for canonical, source in cfg["columns"].items()}
    checkbox = _checkbox(cfg)
    rows, seen = [], set()
    for column in frame.columns:
        if column in skip:
            continue
        if column in checkbox:
            name = column.rpartition("___")[0]
            if name not in seen:
                seen.add(name)
                rows.append(
                    _row(name, form, "checkbox", "Activities", _choices(checkbox_choices(cfg)))
                )
            continue
        canonical = canonical_of.get(column)
        col = contract.column(table, canonical) if canonical else None
        if col is not None and col.kind == "category":
            codes = {code: label_of(value) for code, value in cfg["values"][canonical].items()}
            rows.append(_row(column, form, "radio", label_of(canonical), _choices(codes)))
        elif col is not None and col.kind == "bool":
            rows.append(_row(column, form, "yesno", label_of(canonical)))
        elif col is not None and col.kind == "date":
            rows.append(_row(column, form, "text", label_of(canonical), check="date_mdy"))
        elif col is not None and col.kind in ("int", "float"):
            check = "integer" if col.kind == "int" else "number"
            rows.append(_row(column, form, "text", label_of(canonical), check=check))
        else:
            kind = "text" if col is not None else "notes"  # ids; free text
            rows.append(_row(column, form, kind, label_of(canonical or column)))
    return rows


def _row(name, form, kind, label, choices="", check="") -> tuple:
    return (name, form, "", kind, label, choices, "", check)


def _choices(codes: dict) -> str:
    return " | ".join(f"{code}, {label}" for code, label in codes.items())


def _checkbox(cfg: dict) -> set[str]:
    acts = cfg.get("activities") or {}
    return set((acts.get("columns") or {}).values()) if acts.get("style") == "indicators" else set()


def checkbox_choices(cfg: dict) -> dict[str, str]:
    """Checkbox code -> label, from the indicator columns ``<field>___<code>``."""
    columns = cfg["activities"]["columns"]
    return {src.rpartition("___")[2]: label_of(code) for code, src in columns.items()}


# --- SPSS -------------------------------------------------------------------------------------


def table_of(cfg: dict) -> str:
    """Which contract table a site config's table maps (by its own id column)."""
    columns = cfg["columns"]
    return (
        "contacts"
        if "contact_id" in columns
        else "families"
        if "n_children" in columns
        else "mentors"
    )


def write_spss(cfg: dict, frame: pd.DataFrame, target: Path) -> list[Path]:
    """One table as a .sav: labelled codes, -9 declared missing, dates as SPSS dates."""
    table = table_of(cfg)
    frame = frame.copy()
    labels, missing = {}, {}
    canonical_of = {source: canonical for canonical, source in cfg["columns"].items()}
    booleans = cfg.get("booleans") or {}
    for column in frame.columns:
        canonical = canonical_of.get(column)
        col = contract.column(table, canonical) if canonical else None
        if col is not None and col.kind == "category":
            keys = list(cfg["values"][canonical])
            codes = {label: float(i) for i, label in enumerate(keys, start=1)}
            labels[column] = {**{v: k for k, v in codes.items()}, NOT_RECORDED: "not recorded"}
            missing[column] = [NOT_RECORDED]
            frame[column] = per_distinct(frame[column], partial(_numeric_codes, codes))
        elif col is not None and col.kind == "bool" and booleans:
            yes, no = booleans["true"][0], booleans["false"][0]
            labels[column] = {1: yes, 0: no}
            frame[column] = frame[column].map({yes: 1.0, no: 0.0})
        elif col is not None and col.kind == "date":
            stamps = pd.to_datetime(frame[column])  # to_export may have written ISO text
            frame[column] = per_distinct(stamps, _calendar_dates)
        elif col is not None and col.kind in ("int", "float"):
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    target.parent.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(
        frame, target, variable_value_labels=labels, missing_ranges=missing or None
    )
    _pin_creation_time(target)
    return [target]


def _numeric_codes(codes: dict, labels: pd.Series) -> pd.Series:
    """Each label's numeric code, -9 (not recorded) for a label the config does not code."""
    return labels.map(lambda v: codes.get(v, NOT_RECORDED))


def _calendar_dates(stamps: pd.Series) -> pd.Series:
    """``datetime.date`` per timestamp (None where missing): what write_sav takes as a date."""
    days = [d.date() if pd.notna(d) else None for d in stamps]
    return pd.Series(days, index=stamps.index, dtype=object)


# The .sav header stamps the time it was written (creation date 9 bytes, time 8 bytes, after
# the 92 bytes of record type, product name, layout code, case size, compression, weight
# index, case count and bias): pinned so a rerun writes the same bytes.
_SAV_STAMP = slice(92, 109)


def _pin_creation_time(path: Path) -> None:
    data = bytearray(path.read_bytes())
    if data[:4] == b"$FL2":
        data[_SAV_STAMP] = b"01 Jan 1800:00:00"
        path.write_bytes(bytes(data))
