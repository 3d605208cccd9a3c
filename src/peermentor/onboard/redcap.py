"""A REDCap project for ``site inspect`` and ``site draft``: its records read with its dictionary.

The records file is split into its parts as ingestion reads them (the non-repeating base
rows, and each repeating instrument's rows), and each part is shown with its choice codes
as their labels, so the vocabulary matching of the other formats recognises ``Face to
face`` or ``Reunified``. The draft is then made REDCap's: value maps keyed by the codes
(every choice of the dictionary, not only those seen), checkbox choices as activity
indicators, the record id as the family id, ``redcap_instance_id`` as the contact id, and
``date_format: iso`` (a raw export writes YYYY-MM-DD whatever the fields' validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.errors import InputError
from peermentor.ingest.redcap import (
    INSTANCE_ID,
    REPEAT_INSTRUMENT,
    SOURCE_ROW,
    Dictionary,
    checkbox_suffix,
    is_dictionary,
    read_dictionary,
    read_records,
    select_rows,
)
from peermentor.onboard.drafted import TODO, Draft
from peermentor.onboard.files import Export
from peermentor.onboard.vocabulary import CANONICAL, guess_value

LABELLED_TYPES = ("radio", "dropdown")  # yes/no and checkbox columns keep their 1/0
GUESSED = {
    "word": " (guessed from a word in it: check)",
    "abbreviation": " (an abbreviation: check)",
}


@dataclass
class RedcapPart(Export):
    """The base rows, or one repeating instrument's rows, of a records export."""

    dictionary: Dictionary | None = None
    instrument: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path} [{self.part}]"

    @property
    def title(self) -> str:
        return self.instrument or " ".join(self._forms())

    @property
    def part(self) -> str:
        return f"instrument {self.instrument}" if self.instrument else "base rows"

    def _forms(self) -> list[str]:
        fields = self.dictionary.fields.values()
        return list(dict.fromkeys(f.form for f in fields if f.name in self.frame.columns))


def split_paths(paths: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(records, dictionary) pairs, and the other exports: each dictionary finds its records."""
    dictionaries = [p for p in paths if Path(p).suffix.lower() == ".csv" and is_dictionary(p)]
    others = [p for p in paths if p not in dictionaries]
    pairs = []
    for dictionary_path in dictionaries:
        record_id = read_dictionary(dictionary_path).record_id
        records = [p for p in others if _has_column(p, record_id)]
        if len(records) != 1:
            raise InputError(
                f"a REDCap data dictionary needs exactly one records export with its record id "
                f"column {record_id!r} among the files given; found {len(records)}",
                file=dictionary_path,
                hint="give the records export (CSV, raw data) and its dictionary together",
            )
        others.remove(records[0])
        pairs.append((records[0], dictionary_path))
    return pairs, others


def _has_column(path: str, column: str) -> bool:
    try:
        return column in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except Exception:  # not a CSV (a workbook, a .sav): not REDCap records
        return False


def read_project(records_path: str, dictionary_path: str) -> list[RedcapPart]:
    """The parts of one records export, each as its table would read it (labels shown)."""
    dictionary = read_dictionary(dictionary_path)
    records = read_records(records_path, {"file": records_path})
    instruments = []
    if REPEAT_INSTRUMENT in records:
        instruments = list(dict.fromkeys(records[REPEAT_INSTRUMENT].dropna()))
    repeating = set(instruments)
    parts = []
    for instrument in [None, *instruments]:
        rows = select_rows(records, dictionary, {"instrument": instrument}, {}, "redcap")
        forms = {instrument} if instrument else set(dictionary.forms) - repeating
        columns = [dictionary.record_id] + [
            c
            for c in records.columns
            if c != dictionary.record_id
            and (found := dictionary.field_of(c)) is not None
            and found[0].form in forms
        ]
        if instrument:
            columns.insert(1, INSTANCE_ID)
        if rows.empty:
            continue
        frame = _labelled(rows[[*columns, SOURCE_ROW]].reset_index(drop=True), dictionary)
        options = {
            "format": "redcap",
            "redcap": {"dictionary": _relative(dictionary_path), "instrument": instrument},
        }
        parts.append(RedcapPart(records_path, options, frame, 1, dictionary, instrument))
    return parts


def _labelled(frame: pd.DataFrame, dictionary: Dictionary) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        field = dictionary.fields.get(column)
        if field is not None and field.type in LABELLED_TYPES and field.choices:
            frame[column] = frame[column].map(lambda v, c=field.choices: c.get(v, v))
    return frame


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def make_redcap_draft(draft: Draft, chosen: dict[str, Export | None]) -> None:
    """The REDCap keys of every table drafted from a records export."""
    for table, export in chosen.items():
        if not isinstance(export, RedcapPart):
            continue
        key = ("tables", table)
        columns = draft.config["tables"][table]["columns"]
        _ids(draft, key, table, export, columns)
        for canonical, source in columns.items():
            field = export.dictionary.fields.get(source)
            if field is not None and canonical in CANONICAL and field.choices:
                _value_map(draft, (*key, "values", canonical), canonical, field.choices)
        if table == "contacts":
            _checkbox_activities(draft, (*key, "activities"), export)
        if any(c.kind == "date" and c.name in columns for c in contract.TABLES[table]):
            draft.put(
                (*key, "date_format"),
                "iso",
                "a raw REDCap export writes YYYY-MM-DD whatever the field's date_mdy/date_dmy; "
                "change it only if the export was made with the MDY or DMY option",
            )


def _ids(draft: Draft, key: tuple, table: str, export: RedcapPart, columns: dict) -> None:
    """A record is a family; a repeating instance's id is its (record, instance)."""
    record_id = export.dictionary.record_id
    if table in ("families", "contacts") and (table == "contacts" or not export.instrument):
        draft.put((*key, "columns", "family_id"), record_id)
        draft.comments.pop((*key, "columns", "family_id"), None)
    if table == "contacts" and export.instrument and columns.get("contact_id") == TODO:
        # No contact number of its own: the instance is the contact (record id:instance).
        draft.put((*key, "columns", "contact_id"), INSTANCE_ID, "the record id and instance")


def _forget(draft: Draft, path: tuple) -> None:
    """Comments and guesses under a key that is about to be rewritten."""
    for old in [p for p in draft.comments if p[: len(path)] == path]:
        del draft.comments[old]
    draft.abbreviations[:] = [p for p in draft.abbreviations if p[: len(path)] != path]


def _value_map(draft: Draft, path: tuple, field_name: str, choices: dict[str, str]) -> None:
    """Every choice code of the dictionary -> its canonical value, or TODO."""
    _forget(draft, path)
    node = draft.config
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = {}
    allowed = ", ".join(CANONICAL[field_name])
    for code, label in choices.items():
        canonical, how = guess_value(label, field_name)
        note = f"{label!r}" + GUESSED.get(how, "")
        if canonical is None:
            draft.put((*path, code), TODO, f"{label!r}: one of {allowed}")
        else:
            draft.put((*path, code), canonical, note)
            if how in ("word", "abbreviation"):
                draft.abbreviations.append((*path, code))


def _checkbox_activities(draft: Draft, path: tuple, export: RedcapPart) -> None:
    """A checkbox field whose choices are activities: one indicator column per choice."""
    best, found, unknown = None, {}, []
    for field in export.dictionary.fields.values():
        if field.type != "checkbox" or field.form not in export._forms():
            continue
        guesses = {c: guess_value(label, "activities")[0] for c, label in field.choices.items()}
        if sum(g is not None for g in guesses.values()) > len(found):
            best = field
            found = {g: f"{field.name}___{checkbox_suffix(c)}" for c, g in guesses.items() if g}
            unknown = [f"{c}, {field.choices[c]}" for c, g in guesses.items() if g is None]
    if best is None:
        return
    _forget(draft, path)
    draft.config["tables"][path[1]].pop("activities", None)
    if draft.comments.get((*path[:2], "columns"), "").startswith("TODO: no activity codes"):
        del draft.comments[(*path[:2], "columns")]
    columns = {code: found[code] for code in contract.ACTIVITY_CODES if code in found}
    draft.put(path, {"style": "indicators", "columns": columns}, f"checkbox field {best.name!r}")
    if unknown and "other" not in columns:
        draft.put(
            (*path, "columns", "other"),
            TODO,
            f"choices not recognised: {'; '.join(unknown)} (a column {best.name}___<code>)",
        )
