"""Which files a site reads, from its config alone: export paths, SQL snapshots and their
records, REDCap data dictionaries.

Free of pandas and the readers: the workflow's Snakefile lists every job's inputs with these
functions in each Snakemake process (a run, a dry run, each report), which need not import
pandas (about 0.4 s) for that. (A run still imports it: Snakemake compares the rules' params
with it.)
"""

from __future__ import annotations

from pathlib import Path

from peermentor import contract

SNAPSHOT = "results/interim/{site}/snapshot/{table}.parquet"


def snapshot_path(site: str, table: str) -> str:
    """Where a SQL table's snapshot is kept (the workflow's ``snapshot_sql`` output)."""
    return SNAPSHOT.format(site=site, table=table)


def record_path(snapshot: str | Path) -> Path:
    """The snapshot's record: query, rows, columns, SHA-256 (never the URL)."""
    return Path(snapshot).with_suffix(".json")


def site_files(site_cfg: dict, project_dir: str | Path = ".") -> dict[str, str]:
    """Export path of each table (several tables may share one workbook)."""
    return {t: str(Path(project_dir) / table_path(site_cfg, t)) for t in contract.TABLE_NAMES}


def table_path(site_cfg: dict, table: str) -> str:
    """The export's path; for a SQL table, the snapshot of what the database returned."""
    cfg = site_cfg["tables"][table]
    return cfg.get("path") or snapshot_path(site_cfg["site_id"], table)


def source_files(site_cfg: dict, project_dir: str | Path = ".") -> list[str]:
    """Every file a site reads: exports and REDCap data dictionaries (a workflow's inputs)."""
    files = set(site_files(site_cfg, project_dir).values())
    for table in contract.TABLE_NAMES:
        if site_cfg["tables"][table]["format"] == "sql":  # the snapshot's record of its query
            files.add(str(record_path(Path(project_dir) / table_path(site_cfg, table))))
        dictionary = (site_cfg["tables"][table].get("redcap") or {}).get("dictionary")
        if dictionary:
            files.add(str(Path(project_dir) / dictionary))
    return sorted(files)
