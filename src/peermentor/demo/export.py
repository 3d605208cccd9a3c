"""Writing the simulated study as each demo site's raw export.

The export of a site is the inverse of its site config: canonical names are
renamed back to the site's column names, values mapped back to the site's codes,
dates written in its format, durations in its unit, activities as its delimited
column or indicator columns, in its file format. Ingesting the export with the
same config must give the simulated tables back, so the default run exercises
every mapping capability. A few realistic defects are injected per site so that
the quarantine is exercised too; they are listed in the truth file.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from peermentor import contract
from peermentor.demo import formats
from peermentor.demo.distinct import per_distinct
from peermentor.ingest.mapping import EXCEL_EPOCH

FREE_TEXT = {"families": "caregiver_name", "contacts": "notes", "mentors": "mentor_name"}


def site_tables(study, site_cfg: dict) -> dict[str, pd.DataFrame]:
    """The canonical (raw-id) rows of one site."""
    return split_by_site(study, [site_cfg["site_id"]])[site_cfg["site_id"]]


def split_by_site(study, site_ids: list[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """Each site's canonical rows, as ``site_tables``; one pass over the contacts for all."""
    families, contacts, mentors = study.families, study.contacts, study.mentors
    site_of_family = pd.Index(site_ids).get_indexer(families["site_id"])  # -1: another site
    family = pd.Index(families["family_id"]).get_indexer(contacts["family_id"])
    site_of_contact = np.where(family >= 0, site_of_family[family], -1)
    return {
        site: {
            "families": families[site_of_family == k],
            "contacts": contacts.iloc[np.flatnonzero(site_of_contact == k)],
            "mentors": mentors[mentors["site_id"] == site],
        }
        for k, site in enumerate(site_ids)
    }


def inject_defects(tables: dict[str, pd.DataFrame], site_cfg: dict, seed: int):
    """Add a few defective rows a real export would have; returns tables and expected counts."""
    rng = np.random.default_rng(seed)
    families, contacts = tables["families"].copy(), tables["contacts"].copy()
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    # One family closed before it opened: it and all its contacts are quarantined.
    # Chosen among closed families with few contacts, so the site stays under the quarantine limit.
    per_family = contacts["family_id"].value_counts()
    light = families["family_id"].map(per_family).fillna(0) <= per_family.median()
    closed = families.index[families["case_close_date"].notna() & light]
    bad_family = rng.choice(closed)
    families.loc[bad_family, "case_close_date"] = families.loc[
        bad_family, "case_open_date"
    ] - pd.Timedelta(days=30)
    expected["families"]["closed_before_opened"] = 1
    expected["contacts"]["family_quarantined"] = int(
        (contacts["family_id"] == families.loc[bad_family, "family_id"]).sum()
    )
    healthy = contacts.index[contacts["family_id"] != families.loc[bad_family, "family_id"]]
    picks = rng.choice(healthy, size=8, replace=False)
    duplicates = contacts.loc[picks[:3]]  # copies: contacts is changed below
    unknown = contacts.loc[picks[3:5]].assign(
        family_id=[f"X{n:06d}" for n in range(2)], contact_id=lambda d: d["contact_id"] + "U"
    )
    contacts.loc[picks[5:7], "contact_date"] = contacts.loc[picks[5:7], "family_id"].map(
        families.set_index("family_id")["case_open_date"]
    ) - pd.Timedelta(days=120)
    contacts.loc[picks[7], "duration_minutes"] = 2000.0
    contacts = pd.concat([contacts, duplicates, unknown], ignore_index=True)
    expected["contacts"].update(
        duplicate=3, unknown_family=2, outside_case_window=2, impossible_duration=1
    )
    return {**tables, "families": families, "contacts": contacts}, expected


def to_export(table: str, frame: pd.DataFrame, table_cfg: dict, site_cfg: dict) -> pd.DataFrame:
    """Turn canonical rows into the site's export columns and codes."""
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for canonical, source in table_cfg["columns"].items():
        out[source] = _encode(table, canonical, frame[canonical], table_cfg)
    if table == "contacts" and table_cfg.get("activities"):
        out = out.join(_encode_activities(frame, table_cfg))
    if table == "families" and "county_column" in site_cfg["rurality"]:
        counties = sorted(site_cfg["rurality"]["county_rucc"])
        pick = np.arange(len(frame)) % len(counties)
        out[site_cfg["rurality"]["county_column"]] = np.array(counties)[pick]
    if table_cfg.get("filter"):
        out[table_cfg["filter"]["column"]] = table_cfg["filter"]["value"]
    for name in table_cfg.get("drop", [])[:1]:
        out[name] = frame[FREE_TEXT[table]].to_numpy()
    return out.reset_index(drop=True)


def _encode(table: str, canonical: str, values: pd.Series, cfg: dict) -> pd.Series:
    col = contract.column(table, canonical)
    if col.kind == "date":
        return _encode_date(values, cfg, with_time=table == "contacts")
    if col.kind == "bool":
        return _encode_bool(values, cfg)
    if col.kind == "category":
        inverse = _inverse(cfg.get("values", {}).get(canonical, {}))

        def encode(v):
            return inverse.get(v, v) if pd.notna(v) else None

        return per_distinct(values, lambda sample: sample.map(encode))
    if canonical == "duration_minutes" and cfg.get("duration_unit") == "hours":
        return (values / 60.0).round(4)
    return values


def _inverse(value_map: dict) -> dict:
    inverse: dict = {}
    for source, canonical in value_map.items():
        inverse.setdefault(canonical, source)
    return inverse


def _encode_bool(values: pd.Series, cfg: dict) -> pd.Series:
    spec = cfg.get("booleans")
    if not spec:
        return values.astype(bool)
    codes = {True: spec["true"][0], False: spec["false"][0]}
    return per_distinct(values, lambda s: s.map(codes))


def _encode_date(values: pd.Series, cfg: dict, *, with_time: bool) -> pd.Series:
    fmt = cfg.get("date_format")
    if fmt is None and cfg["format"] != "csv":
        return values  # Excel and Parquet carry real dates
    if fmt == "excel_serial":
        return (values - EXCEL_EPOCH).dt.days.astype("Int64")
    if fmt in (None, "iso"):
        fmt = "%Y-%m-%d"
    if with_time and "%H" in fmt:
        # Contacts logged with a time of day, as a case system does (08:00-17:59).
        minutes = (np.arange(len(values)) * 37) % 600 + 8 * 60
        values = values + pd.to_timedelta(minutes, unit="min")
    return per_distinct(values, lambda s: s.dt.strftime(fmt))


def _encode_activities(frame: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    acts = cfg["activities"]
    if acts["style"] == "indicators":
        return pd.DataFrame(
            {src: _encode_bool(frame[f"act_{code}"], cfg) for code, src in acts["columns"].items()}
        )
    inverse = _inverse(acts["codes"])
    delimiter = acts.get("delimiter", ";")
    labels = [str(inverse[code]) for code in contract.ACTIVITY_CODES]
    # each distinct combination of codes is joined once: a bit per code, in ACTIVITY_CODES order
    pattern = np.zeros(len(frame), dtype=np.int64)
    for bit, code in enumerate(contract.ACTIVITY_CODES):
        pattern |= frame[f"act_{code}"].to_numpy(dtype=bool).astype(np.int64) << bit
    present, rows = np.unique(pattern, return_inverse=True)
    texts = [
        delimiter.join(label for bit, label in enumerate(labels) if p >> bit & 1 and label)
        for p in present.tolist()
    ]
    joined = np.array(texts, dtype=object)[rows].tolist()
    return pd.DataFrame({acts["column"]: joined}, index=frame.index)


def write_exports(
    exports: dict[str, list[tuple[dict, pd.DataFrame]]], project_dir: Path
) -> list[Path]:
    """Write every export file; tables sharing a path share the file (workbook sheets, rosters)."""
    written = []
    for path, parts in sorted(exports.items()):
        target = Path(project_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        cfg = parts[0][0]
        if cfg["format"] == "redcap":
            written += formats.write_redcap(parts, target)
            continue
        if cfg["format"] == "spss":
            written += formats.write_spss(cfg, parts[0][1], target)
            continue
        if cfg["format"] == "excel":
            from peermentor.demo import xlsx  # openpyxl: imported only for a workbook

            sheets = [(part_cfg["excel"]["sheet"], frame) for part_cfg, frame in parts]
            xlsx.write_workbook(sheets, target)
        else:
            frame = pd.concat([f for _, f in parts], ignore_index=True)
            if cfg["format"] == "parquet":
                frame.to_parquet(target, index=False)
            else:
                opts = cfg.get("csv", {})
                frame.to_csv(
                    target,
                    index=False,
                    sep=opts.get("sep", ","),
                    encoding=opts.get("encoding", "utf-8"),
                    quotechar=opts.get("quotechar", '"'),
                )
        written.append(target)
    return written
