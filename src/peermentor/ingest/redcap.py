"""Reading a REDCap project's records export (raw CSV) with its data dictionary.

One records file may feed several contract tables: a table reads the non-repeating base
rows (``redcap: {instrument: null}``) or the rows of one repeating instrument
(``redcap: {instrument: contact_log}``), optionally of one event. Facts that are easy to
get wrong (docs/design.md section 12):

- the dictionary comes with two header styles, the web download (``Variable / Field
  Name``, ...) and the API metadata (``field_name``, ...); both are read;
- a raw export holds codes; a choice field's codes are checked against the dictionary's
  ``1, Face to face | 2, Phone`` list, so a dictionary that is not the export's stops the
  run instead of quarantining rows one by one;
- a checkbox field is one ``field___code`` column per choice (1/0); every form adds
  ``<form>_complete``; a repeating instance has no id of its own beyond (record,
  ``redcap_repeat_instance``), so ``redcap_instance_id`` is made from them;
- a raw export writes every date as YYYY-MM-DD whatever the field's ``date_mdy`` /
  ``date_dmy`` validation: the dictionary says which fields are dates, the table's
  ``date_format`` (default iso) says how the export wrote them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.errors import InputError

SOURCE_ROW = "source_row"  # as peermentor.ingest.read numbers rows (header = row 1)
INSTANCE_ID = "redcap_instance_id"
REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"
EVENT = "redcap_event_name"
SYSTEM_COLUMNS = (
    EVENT, REPEAT_INSTRUMENT, REPEAT_INSTANCE, "redcap_data_access_group",
    "redcap_survey_identifier",
)  # fmt: skip
WEB_HEADERS = {
    "Variable / Field Name": "field_name",
    "Form Name": "form_name",
    "Section Header": "section_header",
    "Field Type": "field_type",
    "Field Label": "field_label",
    "Choices, Calculations, OR Slider Labels": "select_choices_or_calculations",
    "Field Note": "field_note",
    "Text Validation Type OR Show Slider Number": "text_validation_type_or_show_slider_number",
    "Text Validation Min": "text_validation_min",
    "Text Validation Max": "text_validation_max",
    "Identifier?": "identifier",
    "Branching Logic (Show field only if...)": "branching_logic",
    "Required Field?": "required_field",
    "Custom Alignment": "custom_alignment",
    "Question Number (surveys only)": "question_number",
    "Matrix Group Name": "matrix_group_name",
    "Matrix Ranking?": "matrix_ranking",
    "Field Annotation": "field_annotation",
}
REQUIRED = ("field_name", "form_name", "field_type")
CHOICE_TYPES = ("radio", "dropdown", "checkbox")
# yes/no and true/false fields have fixed codes the dictionary does not list.
FIXED_CHOICES = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}


@dataclass(frozen=True)
class Field:
    """One row of the data dictionary."""

    name: str
    form: str
    type: str
    label: str
    choices: dict[str, str]  # code -> label, for radio, dropdown, checkbox, yesno, truefalse
    validation: str

    @property
    def is_date(self) -> bool:
        return self.validation.startswith(("date_", "datetime_"))


@dataclass
class Dictionary:
    """A project's data dictionary: its fields in order (the first is the record id)."""

    path: str
    fields: dict[str, Field]

    @property
    def record_id(self) -> str:
        return next(iter(self.fields))

    @property
    def forms(self) -> list[str]:
        return list(dict.fromkeys(f.form for f in self.fields.values()))

    def field_of(self, column: str) -> tuple[Field, str | None] | None:
        """The field an export column holds, and the checkbox choice it is (if one)."""
        if column in self.fields:
            return self.fields[column], None
        name, sep, suffix = column.rpartition("___")
        field = self.fields.get(name) if sep else None
        if field is not None and field.type == "checkbox":
            for code in field.choices:
                if checkbox_suffix(code) == suffix:
                    return field, code
        return None

    def is_known(self, column: str) -> bool:
        """A field, a checkbox choice, a form's completion status or a REDCap system column."""
        if column in SYSTEM_COLUMNS or column == INSTANCE_ID:
            return True
        if column.endswith("_complete") and column.removesuffix("_complete") in self.forms:
            return True
        return self.field_of(column) is not None


def checkbox_suffix(code: str) -> str:
    """How REDCap writes a checkbox code in a column name (lower case, - and . as _)."""
    return re.sub(r"[^a-z0-9_]", "_", str(code).strip().lower())


def parse_choices(text: str) -> dict[str, str]:
    """``1, Face to face | 2, Phone`` -> {"1": "Face to face", "2": "Phone"}."""
    choices = {}
    for item in str(text or "").split("|"):
        code, _, label = item.partition(",")
        if code.strip():
            choices[code.strip()] = label.strip()
    return choices


def read_dictionary(path: str | Path, *, where: dict | None = None, key: str | None = None):
    """A data dictionary in either header style; a clear stop when it is not one."""
    where = {**(where or {}), "file": str(path)}
    if not Path(path).is_file():
        raise InputError("data dictionary not found", **where, config_key=key)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"cannot be read as a REDCap data dictionary ({err})", **where) from None
    frame = frame.rename(columns=lambda c: WEB_HEADERS.get(c.strip(), c.strip()))
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing or frame.empty:
        raise InputError(
            f"is not a REDCap data dictionary: no {' / '.join(missing) or 'fields'} column "
            "(expected the web download's 'Variable / Field Name', 'Form Name', 'Field Type', ... "
            "or the API's field_name, form_name, field_type, ...)",
            **where,
            config_key=key,
        )
    fields = {}
    for _, row in frame.iterrows():
        kind = row["field_type"].strip()
        if kind == "descriptive":
            continue  # text shown on the form: no column in the export
        choices = FIXED_CHOICES.get(kind) or (
            parse_choices(row.get("select_choices_or_calculations", ""))
            if kind in CHOICE_TYPES
            else {}
        )
        name = row["field_name"].strip()
        fields[name] = Field(
            name=name,
            form=row["form_name"].strip(),
            type=kind,
            label=row.get("field_label", "").strip(),
            choices=choices,
            validation=row.get("text_validation_type_or_show_slider_number", "").strip(),
        )
    return Dictionary(str(path), fields)


def is_dictionary(path: str | Path) -> bool:
    """Whether a CSV's header is a data dictionary's (either style)."""
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except Exception:  # not even a CSV: certainly not a dictionary
        return False
    names = {WEB_HEADERS.get(str(c).strip(), str(c).strip()) for c in header}
    return set(REQUIRED) <= names


def read_records(path: str | Path, where: dict) -> pd.DataFrame:
    """The records export as text cells, numbered as a spreadsheet shows them."""
    stat = Path(path).stat()
    frame, problem = _read_records(str(path), stat.st_mtime_ns, stat.st_size)
    if problem:
        raise InputError(problem, **where)
    return frame.copy()


@functools.lru_cache(maxsize=2)
def _read_records(path: str, mtime_ns: int, size: int) -> tuple[pd.DataFrame | None, str | None]:
    """Read once for all the tables one records file feeds (keyed by its mtime and size)."""
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except pd.errors.EmptyDataError:
        return None, "file is empty"
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        return None, f"cannot be read as a REDCap CSV export ({err})"
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[SOURCE_ROW] = frame.index.to_numpy() + 2  # header is row 1
    return frame, None


def read_redcap(path: Path, table_cfg: dict, where: dict, table: str) -> pd.DataFrame:
    """This table's rows of a records export, checked against the data dictionary."""
    spec = table_cfg.get("redcap") or {}
    key = f"tables.{table}.redcap"
    dictionary = read_dictionary(
        dictionary_path(path, table_cfg), where=_no_file(where), key=f"{key}.dictionary"
    )
    records = read_records(path, where)
    _check_header(records, dictionary, where, table)
    rows = select_rows(records, dictionary, spec, where, key)
    if rows.empty:
        raise InputError(f"has no rows for {_which(spec)}", **where, config_key=key)
    check_against_dictionary(rows, dictionary, table_cfg, where, table)
    return rows.reset_index(drop=True)


def dictionary_path(records: Path, table_cfg: dict) -> Path:
    """The dictionary, relative to the project directory the records path was resolved in."""
    dictionary = Path((table_cfg.get("redcap") or {}).get("dictionary", ""))
    relative = str(table_cfg.get("path", ""))
    if dictionary.is_absolute() or not relative or not str(records).endswith(relative):
        return dictionary
    return Path(str(records)[: len(str(records)) - len(relative)]) / dictionary


def _no_file(where: dict) -> dict:
    return {k: v for k, v in where.items() if k != "file"}


def _which(spec: dict) -> str:
    what = f"repeating instrument {spec['instrument']!r}" if spec.get("instrument") else "base rows"
    return what + (f" of event {spec['event']!r}" if spec.get("event") else "")


def _check_header(records: pd.DataFrame, dictionary: Dictionary, where: dict, table: str) -> None:
    if dictionary.record_id in records.columns:
        return
    labels = {f.label for f in dictionary.fields.values()}
    if labels & set(records.columns):
        problem = (
            "looks like a labels export (its headers are field labels): export the records "
            "as 'CSV / Microsoft Excel (raw data)'"
        )
    else:
        problem = (
            f"has no column {dictionary.record_id!r}, the dictionary's first (record id) field: "
            "the records and the dictionary are not from the same project"
        )
    raise InputError(problem, **where, config_key=f"tables.{table}.redcap.dictionary")


def select_rows(records, dictionary: Dictionary, spec: dict, where: dict, key: str):
    """Rows of one event and of the base or one repeating instrument; instance ids added."""
    rows = records
    if spec.get("event"):
        _require_system(rows, EVENT, "the project is not longitudinal", where, f"{key}.event")
        rows = rows[rows[EVENT] == spec["event"]]
    instrument = spec.get("instrument")
    if not instrument:
        if REPEAT_INSTRUMENT in rows:
            rows = rows[rows[REPEAT_INSTRUMENT].isna()]
        return rows
    if instrument not in dictionary.forms:
        raise InputError(
            f"the dictionary has no instrument {instrument!r}; its instruments are "
            f"{dictionary.forms}",
            **where,
            config_key=f"{key}.instrument",
        )
    _require_system(rows, REPEAT_INSTRUMENT, "the export has no repeating instruments", where, key)
    rows = rows[rows[REPEAT_INSTRUMENT] == instrument].copy()
    instance = rows[dictionary.record_id].astype(str)
    if EVENT in rows:
        instance = instance + ":" + rows[EVENT].astype(str)
    rows[INSTANCE_ID] = instance + ":" + rows[REPEAT_INSTANCE].fillna("").astype(str)
    return rows


def _require_system(rows, column, problem, where, key) -> None:
    if column not in rows.columns:
        raise InputError(f"has no {column} column: {problem}", **where, config_key=key)


def mapped_sources(table_cfg: dict) -> list[tuple[str, str]]:
    """(export column, the config key that names it): columns, activities, filter."""
    sources = [(src, f"columns.{canonical}") for canonical, src in table_cfg["columns"].items()]
    acts = table_cfg.get("activities") or {}
    if acts.get("style") == "delimited" and acts.get("column"):
        sources.append((acts["column"], "activities.column"))
    sources += [
        (src, f"activities.columns.{code}") for code, src in (acts.get("columns") or {}).items()
    ]
    if table_cfg.get("filter"):
        sources.append((table_cfg["filter"]["column"], "filter.column"))
    return sources


def check_against_dictionary(rows, dictionary: Dictionary, table_cfg, where, table) -> None:
    """Every column read is a field of the dictionary, in the records, with its codes."""
    dates = {f"columns.{c.name}" for c in contract.TABLES[table] if c.kind == "date"}
    for column, key in mapped_sources(table_cfg):
        canonical = key.removeprefix("columns.") if key.startswith("columns.") else None
        here = {
            **where, "column": column, "contract_column": canonical,
            "config_key": f"tables.{table}.{key}",
        }  # fmt: skip
        if not dictionary.is_known(column):
            raise InputError(f"not a field of the data dictionary {dictionary.path}", **here)
        if column not in rows.columns:
            raise InputError(
                "a field of the data dictionary that is not in the records export "
                "(export every field of the instrument, or map another field)",
                **here,
            )
        found = dictionary.field_of(column)
        if found is None:
            continue  # system columns, <form>_complete, redcap_instance_id
        field, choice = found
        if key in dates and not field.is_date:
            what = field.validation or "no validation"
            raise InputError(
                f"the dictionary declares a {field.type} field ({what}), not a date", **here
            )
        allowed = {"0", "1"} if choice is not None else set(field.choices)
        if allowed:
            _check_codes(rows, column, allowed, field, dictionary, where, table)


def _check_codes(rows, column, allowed, field, dictionary, where, table) -> None:
    cells = rows[column].dropna().astype(str).str.strip()
    bad = cells[(cells != "") & ~cells.isin(allowed)]
    if bad.empty:
        return
    choices = " | ".join(f"{c}, {label}" for c, label in field.choices.items())
    raise InputError(
        f"holds codes that are not choices of field {field.name!r} in the data dictionary "
        f"{dictionary.path} (choices: {choices})",
        **where,
        column=column,
        values=list(zip(rows.loc[bad.index, SOURCE_ROW], bad, strict=True)),
        config_key=f"tables.{table}.redcap.dictionary",
        hint="download the records and the dictionary from the same project at the same time",
    )
