"""One site's export, read, mapped onto the contract and pseudonymized."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.errors import InputError
from peermentor.ingest.files import site_files
from peermentor.ingest.layout import EMPTY_ROW, EMPTY_ROWS
from peermentor.ingest.mapping import Mapped, map_table
from peermentor.ingest.pseudonymize import pseudonymize
from peermentor.ingest.read import SOURCE_ROW, read_export
from peermentor.ingest.rurality import RUCC_MAX, RUCC_MIN, rurality_from_rucc

TABLE_ORDER = ("mentors", "families", "contacts")


def duplicate_rules(site_cfg: dict) -> dict[str, str]:
    """Per table, what happens to copies of an id that differ (default keep_none)."""
    return {t: site_cfg["tables"][t].get("duplicates", "keep_none") for t in contract.TABLE_NAMES}


def ingest_site(
    site_cfg: dict, *, salt: bytes, rucc_threshold: int, project_dir: str | Path = "."
) -> dict[str, Mapped]:
    """Read and map every table of one site; identifiers come out pseudonymized."""
    site = site_cfg["site_id"]
    files = site_files(site_cfg, project_dir)
    mapped = {}
    for table in TABLE_ORDER:
        table_cfg = site_cfg["tables"][table]
        raw = read_export(files[table], table_cfg, site=site, table=table)
        result = map_table(raw, table, table_cfg, site=site, file=files[table])
        if table == "families":
            result = _add_rurality(
                result, raw, site_cfg["rurality"], rucc_threshold, site, files[table]
            )
        mapped[table] = _pseudonymize_ids(_with_empty_rows(result, raw), site=site, salt=salt)
    return mapped


def _with_empty_rows(mapped: Mapped, raw: pd.DataFrame) -> Mapped:
    """The empty rows the reader skipped, as problems of reason empty_row (the reconciliation
    counts them; cleaning never quarantines them)."""
    rows = raw.attrs.get(EMPTY_ROWS, [])
    if not rows:
        return mapped
    empty = pd.DataFrame({SOURCE_ROW: rows, "reason": EMPTY_ROW, "column": "", "value": ""})
    return Mapped(mapped.rows, pd.concat([mapped.problems, empty], ignore_index=True))


def _pseudonymize_ids(mapped: Mapped, *, site: str, salt: bytes) -> Mapped:
    rows = mapped.rows.copy()
    for col in ("family_id", "contact_id", "mentor_id"):
        if col in rows:
            # Family and contact ids are only unique within a site; mentor ids are
            # organisation-wide so a shared HR roster links mentors across sites.
            namespace = "" if col == "mentor_id" else site
            rows[col] = pseudonymize(rows[col], salt=salt, kind=col, namespace=namespace)
    return Mapped(rows, mapped.problems)


def _add_rurality(mapped: Mapped, raw, spec: dict, threshold: int, site: str, file: str) -> Mapped:
    rows = mapped.rows.copy()
    problems = mapped.problems
    if "label" in spec:
        rows["rucc"] = pd.array([pd.NA] * len(rows), dtype="Int64")
        rows["rurality"] = spec["label"]
    elif "rucc" in spec:
        rows["rucc"] = pd.array([spec["rucc"]] * len(rows), dtype="Int64")
        rows["rurality"] = rurality_from_rucc(rows["rucc"], threshold).astype(object)
    elif "rucc_column" in spec:
        rows, problems = _rucc_from_column(rows, problems, raw, spec, threshold, site, file)
    else:
        column = spec["county_column"]
        _require_column(raw, column, "county", "rurality", "rurality.county_column", site, file)
        county = raw.set_index(SOURCE_ROW)[column].map(_county_text)
        codes = county.map({str(k): v for k, v in spec["county_rucc"].items()})
        rows["rucc"] = rows[SOURCE_ROW].map(codes).astype("Int64")
        rows["rurality"] = rurality_from_rucc(rows["rucc"], threshold).astype(object)
        unknown = rows["rucc"].isna().to_numpy()
        extra = pd.DataFrame(
            {
                SOURCE_ROW: rows.loc[unknown, SOURCE_ROW].to_numpy(),
                "reason": "unmapped_category",
                "column": "rurality",
                "value": rows.loc[unknown, SOURCE_ROW].map(county).fillna("").to_numpy(),
            }
        )
        problems = pd.concat([problems, extra], ignore_index=True)
    return Mapped(rows, problems)


def _rucc_from_column(rows, problems, raw, spec, threshold, site, file):
    """``rurality: {rucc_column: <col>}``: the families export already holds each family's RUCC."""
    column = spec["rucc_column"]
    _require_column(raw, column, "RUCC", "rucc", "rurality.rucc_column", site, file)
    text = raw.set_index(SOURCE_ROW)[column].map(_county_text)
    number = pd.to_numeric(text, errors="coerce")
    valid = number.notna() & number.isin(range(RUCC_MIN, RUCC_MAX + 1))
    codes = number.where(valid)
    rows["rucc"] = rows[SOURCE_ROW].map(codes).astype("Int64")
    rows["rurality"] = rurality_from_rucc(rows["rucc"], threshold).astype(object)
    reason = pd.Series(None, index=text.index, dtype=object)
    reason[text.isna()] = "missing_value"
    reason[text.notna() & number.isna()] = "invalid_number"
    reason[number.notna() & ~valid] = "out_of_range"
    bad = reason.loc[rows[SOURCE_ROW]].notna().to_numpy()
    extra = pd.DataFrame(
        {
            SOURCE_ROW: rows.loc[bad, SOURCE_ROW].to_numpy(),
            "reason": reason.loc[rows.loc[bad, SOURCE_ROW]].to_numpy(),
            "column": "rucc",
            "value": text.loc[rows.loc[bad, SOURCE_ROW]].fillna("").to_numpy(),
        }
    )
    return rows, pd.concat([problems, extra], ignore_index=True)


def _county_text(value) -> str | None:
    if pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _require_column(raw, column, what, contract_column, config_key, site, file) -> None:
    """Stop with the config key to fix when a rurality column is not in the families export."""
    if column not in raw.columns:
        raise InputError(
            f"{what} column not found in the families export",
            site=site,
            table="families",
            file=file,
            column=column,
            contract_column=contract_column,
            config_key=config_key,
        )
