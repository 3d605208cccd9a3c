"""Mapping one raw export table onto its canonical contract table.

Whole-file problems (a mapped column missing from the export) raise an
``InputError``; row-level problems (a date that does not parse, an unmapped code)
are returned as problem rows so the row can be quarantined with its reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from peermentor import contract
from peermentor.errors import InputError
from peermentor.ingest.layout import HEADER_SEARCH_ROWS, best_header
from peermentor.ingest.read import SOURCE_ROW

DEFAULT_TRUE = ("1", "1.0", "true", "True", "TRUE", "t", "T", "y", "Y", "yes", "Yes", "YES")
DEFAULT_FALSE = ("0", "0.0", "false", "False", "FALSE", "f", "F", "n", "N", "no", "No", "NO")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0, accounting for its 1900 leap-year bug

# Columns not read from the export: they come from the site config or are derived.
DERIVED = {"site_id", "rucc", "rurality", *contract.ACTIVITY_COLUMNS}


@dataclass
class Mapped:
    """A mapped table: canonical rows (all of them, with source_row) and their problems."""

    rows: pd.DataFrame
    problems: pd.DataFrame  # source_row, reason, column, value


def map_table(raw: pd.DataFrame, table: str, table_cfg: dict, *, site: str, file: str) -> Mapped:
    """Map a raw export table onto ``table``'s canonical columns."""
    raw = _apply_filter(raw, table_cfg, site=site, table=table, file=file)
    _check_columns(raw, table, table_cfg, site=site, file=file)
    out = pd.DataFrame({SOURCE_ROW: raw[SOURCE_ROW].to_numpy()})
    problems: list[pd.DataFrame] = []
    for col in contract.TABLES[table]:
        if col.name in DERIVED:
            continue
        values = raw[table_cfg["columns"][col.name]].reset_index(drop=True)
        converted, bad = _convert(values, col, table_cfg)
        out[col.name] = converted
        problems.append(_problem_rows(out[SOURCE_ROW], values, bad, col.name))
    if table == "contacts":
        acts, bad_acts = _activities(raw.reset_index(drop=True), table_cfg)
        out = pd.concat([out, acts], axis=1)
        problems.append(bad_acts)
    if "site_id" in contract.columns(table):
        out.insert(1, "site_id", site)  # from the site config, never from the export
    return Mapped(out, pd.concat(problems, ignore_index=True))


def _apply_filter(raw, table_cfg, *, site, table, file) -> pd.DataFrame:
    """Keep the rows of a shared file (e.g. one HR roster for several sites) for this site."""
    rule = table_cfg.get("filter")
    if not rule:
        return raw
    if rule["column"] not in raw.columns:
        raise InputError(
            f"filter column not in the export; columns are {_listing(raw)}",
            site=site,
            table=table,
            file=file,
            column=rule["column"],
            config_key=f"tables.{table}.filter.column",
        )
    kept = raw[raw[rule["column"]].astype(str).str.strip() == rule["value"]]
    if kept.empty:
        raise InputError(
            f"no row has {rule['column']} = {rule['value']!r}",
            site=site,
            table=table,
            file=file,
            column=rule["column"],
            config_key=f"tables.{table}.filter.value",
        )
    return kept


def _check_columns(raw, table, table_cfg, *, site, file) -> None:
    mapping = table_cfg["columns"]
    for col in contract.TABLES[table]:
        if col.name not in DERIVED and col.name not in mapping:
            raise InputError(
                f"the contract column {col.name!r} is not mapped",
                site=site,
                table=table,
                file=file,
                config_key=f"tables.{table}.columns.{col.name}",
            )
    for canonical, source in mapping.items():
        if source not in raw.columns:
            _check_title_block(raw, table, source, site=site, file=file)
            raise InputError(
                f"column not found in the export; columns are {_listing(raw)}",
                site=site,
                table=table,
                file=file,
                column=source,
                contract_column=canonical,
                config_key=f"tables.{table}.columns.{canonical}",
            )
    for source in _activity_sources(table_cfg):
        if source not in raw.columns:
            raise InputError(
                f"activity column not found in the export; columns are {_listing(raw)}",
                site=site,
                table=table,
                file=file,
                column=source,
                config_key=f"tables.{table}.activities",
            )


def _check_title_block(raw, table, source, *, site, file) -> None:
    """A missing column named in a row below the header: a title block sits above the header."""
    below = raw.head(HEADER_SEARCH_ROWS)
    found = best_header(list(below.drop(columns=SOURCE_ROW).itertuples(index=False)), {source})
    if found is None:
        return
    row = int(below[SOURCE_ROW].iloc[found])
    raise InputError(
        f"column not found in the header, but row {row} names it: a title block sits above "
        "the header",
        site=site,
        table=table,
        file=file,
        column=source,
        config_key=f"tables.{table}.header_row",
        hint=f"set header_row: {row} (or header_row: auto) so the rows above it are skipped",
    )


def export_column(table_cfg: dict, column: str, rurality: dict | None = None) -> str | None:
    """The export's header that a contract column (or act_*, activities, rurality) is read from."""
    acts = table_cfg.get("activities") or {}
    if column in (table_cfg.get("columns") or {}):
        return table_cfg["columns"][column]
    if column == "activities":
        return acts.get("column")
    if column.startswith("act_"):
        return (acts.get("columns") or {}).get(column.removeprefix("act_"))
    if column in ("rurality", "rucc") and rurality:
        return rurality.get("county_column") or rurality.get("rucc_column")
    return None


def _listing(raw: pd.DataFrame) -> list[str]:
    return [c for c in raw.columns if c != SOURCE_ROW]


def _activity_sources(table_cfg: dict) -> list[str]:
    acts = table_cfg.get("activities")
    if not acts:
        return []
    if acts["style"] == "delimited":
        return [acts["column"]]
    return list(acts["columns"].values())


def _convert(values: pd.Series, col: contract.Column, cfg: dict) -> tuple[pd.Series, pd.Series]:
    """Canonical values and a frame-aligned Series of problem reasons (None = fine)."""
    missing = values.isna() | (values.astype(str).str.strip() == "")
    converters = {
        "string": _to_string,
        "date": _to_date,
        "category": _to_category,
        "bool": _to_bool,
        "int": _to_number,
        "float": _to_number,
    }
    converted, invalid = converters[col.kind](values, col, cfg)
    reason = pd.Series(None, index=values.index, dtype=object)
    reason[invalid & ~missing] = _INVALID_REASON[col.kind]
    if col.kind in ("int", "float"):
        out_of_range = _out_of_range(converted, col)
        reason[out_of_range & reason.isna()] = (
            "impossible_duration" if col.name == "duration_minutes" else "out_of_range"
        )
        if col.name == "duration_minutes":
            reason[invalid & ~missing] = "impossible_duration"
    if not col.nullable:
        reason[missing] = "missing_value"
    return converted, reason


_INVALID_REASON = {
    "string": "missing_value",
    "date": "unparseable_date",
    "category": "unmapped_category",
    "bool": "unmapped_category",
    "int": "invalid_number",
    "float": "impossible_duration",
}


def _to_string(values, col, cfg):
    text = values.astype("string").str.strip()
    # Excel may hand numeric ids back as floats (123.0): keep the integer text.
    text = text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return text.astype(object).where(text.notna(), None), pd.Series(False, index=values.index)


def _to_date(values, col, cfg):
    fmt = cfg.get("date_format", "iso")
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
    elif fmt == "excel_serial":
        days = pd.to_numeric(values, errors="coerce")
        parsed = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    else:
        # Excel cells may already hold dates; only the text cells need the format.
        typed = values.map(_as_timestamp) if values.dtype == object else None
        text = _as_text(values if typed is None else values.where(typed.isna()))
        kwargs = {"format": "ISO8601"} if fmt == "iso" else {"format": fmt}
        parsed = pd.to_datetime(text, errors="coerce", **kwargs)
        if typed is not None:
            parsed = parsed.fillna(pd.to_datetime(typed))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    # A time of day is kept out of the contract: a contact belongs to a calendar day.
    parsed = parsed.dt.normalize().astype("datetime64[ns]")
    return parsed, parsed.isna()


def _as_timestamp(value):
    if isinstance(value, datetime.datetime | datetime.date | np.datetime64):
        return pd.Timestamp(value)
    return None


def _to_category(values, col, cfg):
    text = _as_text(values)
    value_map = cfg.get("values", {}).get(col.name)
    # Cells are compared as text: an unquoted YAML key 1 is the cell "1".
    value_map = {_key_text(k): v for k, v in value_map.items()} if value_map else None
    mapped = text.map(value_map) if value_map else text
    valid = mapped.isin(col.allowed)
    return mapped.where(valid), ~valid


def _to_bool(values, col, cfg):
    text = _as_text(values)
    spec = cfg.get("booleans", {})
    truthy = set(spec.get("true", DEFAULT_TRUE))
    falsy = set(spec.get("false", DEFAULT_FALSE))
    is_true, is_false = text.isin(truthy), text.isin(falsy)
    return is_true.astype(bool), ~(is_true | is_false)


def _to_number(values, col, cfg):
    number = pd.to_numeric(values, errors="coerce").astype(float)
    if col.name == "duration_minutes" and cfg.get("duration_unit", "minutes") == "hours":
        number = number * 60.0
    if col.kind == "int":
        whole = number.notna() & (number == number.round())
        return number.where(whole).astype("Int64"), ~whole
    return number, number.isna()


def _out_of_range(number: pd.Series, col: contract.Column) -> pd.Series:
    number = number.astype(float)
    low = number < col.minimum if col.minimum is not None else False
    high = number > col.maximum if col.maximum is not None else False
    return pd.Series(low | high, index=number.index).fillna(False).astype(bool)


def _as_text(values: pd.Series) -> pd.Series:
    """Raw cells as stripped text; True/1.0 from typed files become 'True'/'1'.

    Converted once per distinct value (factorize), so millions of rows with a few
    codes cost almost nothing.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([_cell_text(u) for u in uniques] + [None], dtype=object)
    return pd.Series(texts[codes], index=values.index, dtype=object)


def _key_text(key) -> str:
    return str(int(key)) if isinstance(key, float) and key.is_integer() else str(key)


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _activities(raw: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    acts = cfg.get("activities")
    rows = raw[SOURCE_ROW]
    if not acts:
        flags = pd.DataFrame(False, index=raw.index, columns=list(contract.ACTIVITY_COLUMNS))
        return flags, _problem_rows(rows, rows, pd.Series(None, index=raw.index), "act_*")
    if acts["style"] == "indicators":
        return _indicator_activities(raw, cfg, acts)
    return _delimited_activities(raw, acts)


def _indicator_activities(raw, cfg, acts):
    flags = pd.DataFrame(False, index=raw.index, columns=list(contract.ACTIVITY_COLUMNS))
    problems = []
    for code, source in acts["columns"].items():
        col = contract.Column(f"act_{code}", "bool")
        flags[col.name], bad = _to_bool(raw[source], col, cfg)
        missing = raw[source].isna()
        reason = pd.Series(None, index=raw.index, dtype=object)
        reason[bad & ~missing] = "unmapped_category"
        problems.append(_problem_rows(raw[SOURCE_ROW], raw[source], reason, col.name))
    return flags, pd.concat(problems, ignore_index=True)


def _delimited_activities(raw, acts):
    source = raw[acts["column"]]
    codes = _as_text(source).fillna("").str.split(acts.get("delimiter", ";"), regex=False)
    long = codes.explode().str.strip()
    long = long[long != ""]
    canonical = long.map({_key_text(k): v for k, v in acts["codes"].items()})
    flags = pd.DataFrame(False, index=raw.index, columns=list(contract.ACTIVITY_COLUMNS))
    known = canonical.dropna()
    for code in contract.ACTIVITY_CODES:
        hit = known.index[known == code].unique()
        flags.loc[hit, f"act_{code}"] = True
    reason = pd.Series(None, index=raw.index, dtype=object)
    unknown_rows = canonical.index[canonical.isna()].unique()
    reason[unknown_rows] = "unmapped_category"
    return flags, _problem_rows(raw[SOURCE_ROW], source, reason, "activities")


def _problem_rows(rows: pd.Series, values: pd.Series, reason: pd.Series, column: str):
    bad = reason.notna().to_numpy()
    return pd.DataFrame(
        {
            SOURCE_ROW: rows.to_numpy()[bad],
            "reason": reason.to_numpy()[bad],
            "column": column,
            "value": [_cell_text(v) if pd.notna(v) else "" for v in values.to_numpy()[bad]],
        }
    )
