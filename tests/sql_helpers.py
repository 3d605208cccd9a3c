"""The tiny site (tests/ingest_helpers.py) loaded into a SQL database, and its site config."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import sqlalchemy
from ingest_helpers import write_site

URL_ENV = "PEERMENTOR_TEST_DB_URL"
ORDER = "csv_row"  # the export's row order, so a snapshot's rows are numbered as the file's


def load_site(cfg: dict, url: str, project: Path = Path()) -> None:
    """Each CSV export as a table of text columns (the cells exactly as the CSV holds them)."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            for table in ("families", "contacts", "mentors"):
                path = project / cfg["tables"][table]["path"]
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
                frame = frame.replace("", None)
                frame.insert(0, ORDER, range(len(frame)))
                frame.to_sql(table, connection, index=False, if_exists="replace")
    finally:
        engine.dispose()


def as_sql(site_cfg: dict, snapshots: Path) -> dict:
    """The same site config, every table read from the database loaded by ``load_site``."""
    cfg = copy.deepcopy(site_cfg)
    for table, table_cfg in cfg["tables"].items():
        table_cfg.update(
            format="sql",
            path=str(snapshots / f"{table}.parquet"),
            sql={"url_env": URL_ENV, "table": table, "order_by": ORDER},
        )
    return cfg


def sql_site(root: Path, url: str) -> tuple[dict, dict]:
    """The tiny site in the database at ``url`` (its URL in URL_ENV), and its CSV twin."""
    csv_cfg = write_site(root)
    load_site(csv_cfg, url)
    return as_sql(csv_cfg, root / "snapshot"), csv_cfg
