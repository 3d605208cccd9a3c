"""Checking one site before a run: its config through the pipeline's own ingestion and cleaning.

Nothing here re-implements a pipeline step: the site config is validated with
``peermentor.config`` (the JSON schema the workflow validates against), the salt comes
from ``resolve_salt`` with the study's pseudonymization settings, and the exports go
through ``peermentor.clean.prepare``: the same steps, with the same settings, that the
workflow's ingest_site and clean_site rules call. A site that passes here passes those steps
of a run; when it fails, the message is the one the run would stop with.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.clean.prepare import check_limit, prepare_site, validated
from peermentor.clean.site import ID_COLUMNS, CleanResult
from peermentor.config import check_exports, load_site, load_yaml
from peermentor.errors import ConfigError, PeermentorError
from peermentor.ingest.files import site_files
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.ingest.read import SOURCE_ROW
from peermentor.onboard.drafted import todo_paths
from peermentor.onboard.infer import swap_day_month

DATE_COLUMNS = {
    "families": ("case_open_date", "case_close_date"),
    "contacts": ("contact_date",),
    "mentors": ("hire_date", "end_date"),
}
Progress = Callable[[str], None]


def check_site(site_path: str | Path, study: dict, progress: Progress | None = None) -> dict:
    """A report of one site's ingestion and cleaning; ``error`` holds the run's message."""
    report = {
        "site": Path(site_path).stem,
        "config": str(site_path),
        "max_quarantine_share": study["cleaning"]["max_quarantine_share"],
        "passes": False,
        "error": None,
    }
    try:
        _check(Path(site_path), study, report, progress or (lambda _: None))
    except PeermentorError as err:
        report["error"] = str(err)
    return report


def _check(site_path: Path, study: dict, report: dict, progress: Progress) -> None:
    todos = [".".join(map(str, p)) for p in todo_paths(load_yaml(site_path))]
    if todos:
        raise ConfigError(
            f"{site_path}: {len(todos)} TODO left to fill (see the comment beside each): "
            + ", ".join(todos)
        )
    site_cfg = load_site(site_path)
    salt_settings = study["pseudonymization"]
    salt = resolve_salt(**salt_settings)
    report["salt"] = "demo salt" if salt_settings["use_demo_salt"] else "secret salt"
    report["listed_in_study"] = site_cfg["site_id"] in study["sites"]
    check_exports(site_cfg, site_path)
    files = site_files(site_cfg)
    progress(f"checking site {site_cfg['site_id']}: reading {len(set(files.values()))} file(s)")
    result = prepare_site(site_cfg, study, salt=salt)
    for row in result.reconciliation.itertuples():
        empty = f" ({row.rows_empty_skipped} empty rows skipped)" if row.rows_empty_skipped else ""
        progress(f"  {files[row.table]}: {row.rows_read} {row.table} rows read{empty}")
    report.update(summarize(result, files))
    report["day_month"] = day_month_check(site_cfg, study, salt=salt, result=result)
    check_limit(result, site_cfg, max_share=study["cleaning"]["max_quarantine_share"])
    validated(result)
    report["passes"] = True


DATE_REASONS = ("unparseable_date", "closed_before_opened", "outside_case_window")


def day_month_check(site_cfg: dict, study: dict, *, salt: bytes, result: CleanResult) -> list:
    """Per table with a day/month ``date_format``: whether the swapped order reads every date
    too (the data cannot tell), and the cases and contacts impossible under the configured
    format (unreadable, closed before opened, outside the case window) that the swapped
    format would keep."""
    swapped_cfg = copy.deepcopy(site_cfg)
    notes = []
    for table in ("families", "contacts"):
        fmt = site_cfg["tables"][table].get("date_format", "iso")
        swapped = swap_day_month(fmt)
        if swapped is None:
            continue
        swapped_cfg["tables"][table]["date_format"] = swapped
        notes.append({"table": table, "date_format": fmt, "swapped": swapped})
    if not notes:
        return []
    try:
        other = prepare_site(swapped_cfg, study, salt=salt)
    except PeermentorError:
        other = None  # the swapped format cannot even be read: no doubt about the order
    for note in notes:
        table = note["table"]
        impossible = _date_quarantined(result, table)
        note["impossible"] = len(impossible)
        note["fit_swapped"] = 0 if other is None else len(impossible - _quarantined(other, table))
        note["both_read"] = (
            other is not None and _unreadable(result, table) == 0 and _unreadable(other, table) == 0
        )
    return notes


def _date_quarantined(result: CleanResult, table: str) -> set[int]:
    rows = result.quarantine[table]
    return set(rows.loc[rows["reason"].isin(DATE_REASONS), SOURCE_ROW].astype(int))


def _quarantined(result: CleanResult, table: str) -> set[int]:
    return set(result.quarantine[table][SOURCE_ROW].astype(int))


def _unreadable(result: CleanResult, table: str) -> int:
    return int((result.quarantine[table]["reason"] == "unparseable_date").sum())


def summarize(result: CleanResult, files: dict[str, str]) -> dict:
    """Rows read, kept and quarantined per table; unmapped values; dates; contacts per month."""
    return {
        "tables": {
            table: _table_line(result, table, files[table]) for table in contract.TABLE_NAMES
        },
        "reconciliation": json.loads(result.reconciliation.to_json(orient="records")),
        "unmapped_values": _unmapped_values(result),
        "examples": _examples(result),
        "dates": _date_ranges(result.kept),
        # excluded by the study rule: not kept, not analysed (the reconciliation counts them)
        "contacts_after_cutoff": len(result.excluded["contacts"]),
        "rurality": _counts(result.kept["families"]["rurality"]),
        "per_month": per_month(result.kept["contacts"]),
    }


def _table_line(result: CleanResult, table: str, file: str) -> dict:
    row = result.reconciliation.set_index("table").loc[table]
    read, quarantined = int(row["rows_read"]), int(row["rows_quarantined"])
    return {
        "file": file,
        "rows_read": read,
        "rows_kept": int(row["rows_kept"]),
        "rows_quarantined": quarantined,
        "rows_empty_skipped": int(row["rows_empty_skipped"]),
        "rows_excluded_by_study_rule": int(row["rows_excluded_by_study_rule"]),
        "quarantined_share": quarantined / read if read else 0.0,
        "by_reason": _counts(result.quarantine[table]["reason"]),
    }


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().items()}


def _unmapped_values(result: CleanResult) -> dict[str, dict[str, int]]:
    """Per table and column: codes that are neither mapped nor canonical, with their rows."""
    out = {}
    for table, rows in result.quarantine.items():
        unmapped = rows[rows["reason"] == "unmapped_category"]
        for column, group in unmapped.groupby("column", sort=True):
            out[f"{table}.{column}"] = _counts(group["value"])
    return out


def _examples(result: CleanResult, per_reason: int = 3) -> dict[str, list[dict]]:
    """The first few quarantined rows of each table and reason, to find them in the export."""
    out = {}
    for table, rows in result.quarantine.items():
        for reason, group in rows.groupby("reason", sort=True):
            out[f"{table}.{reason}"] = [
                {"row": int(r[SOURCE_ROW]), "column": r["column"], "value": _shown_value(r)}
                for _, r in group.head(per_reason).iterrows()
            ]
    return out


def _shown_value(row) -> str | None:
    """Identifiers are never printed: the row number locates them in the export."""
    return None if row["column"] in ID_COLUMNS.values() else row["value"]


def _date_ranges(kept: dict[str, pd.DataFrame]) -> dict[str, list[str] | None]:
    ranges = {}
    for table, columns in DATE_COLUMNS.items():
        for column in columns:
            dates = kept[table][column].dropna()
            ranges[column] = (
                [f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}"] if len(dates) else None
            )
    return ranges


def per_month(contacts: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Contacts and families with a contact, for every month from the first to the last."""
    if contacts.empty:
        return {}
    month = contacts["contact_date"].dt.to_period("M")
    counts = pd.DataFrame(
        {
            "contacts": month.value_counts(),
            "families": contacts.groupby(month)["family_id"].nunique(),
        }
    )
    every = pd.period_range(month.min(), month.max(), freq="M")
    counts = counts.reindex(every, fill_value=0).astype(int)
    return {str(p): {k: int(v) for k, v in row.items()} for p, row in counts.iterrows()}
