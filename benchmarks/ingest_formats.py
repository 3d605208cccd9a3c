"""Benchmark: ingest time per source format at the demo size and at 10x.

    .venv/bin/python benchmarks/ingest_formats.py                 # scales 1 and 10
    .venv/bin/python benchmarks/ingest_formats.py --scales 1      # quicker

For each scale it generates the demo study in a temporary project (the six demo sites,
each in its own export format), then times ``peermentor.ingest.site.ingest_site`` (read,
map, pseudonymize; no cleaning) per site, best of ``--repeat`` runs:

- jefferson: CSV (ISO dates, indicator columns) and the shared HR roster;
- perry: TSV with Excel serial dates;  martin: one Excel workbook (three sheets);
- kenton: a REDCap records export + data dictionary (families on base rows, contacts as a
  repeating instrument), mentors from the shared roster;
- daviess: SPSS .sav files (families, contacts) and a Parquet mentor roster;
- jefferson from SQLite: jefferson's CSV cells loaded into an SQLite database, read once
  from the database (snapshot taken) and once more from its Parquet snapshot.

Prints a Markdown table: rows read, seconds, thousands of rows per second. A measurement,
not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlalchemy

from peermentor.config import load_sites, load_study
from peermentor.demo.build import build_demo
from peermentor.ingest import redcap
from peermentor.ingest.pseudonymize import DEMO_SALT
from peermentor.ingest.site import ingest_site

ROOT = Path(__file__).resolve().parents[1]
SITES = {
    "jefferson": "CSV + shared roster",
    "perry": "TSV, Excel serial dates",
    "martin": "Excel workbook",
    "kenton": "REDCap + shared roster",
    "daviess": "SPSS .sav + Parquet",
}
URL_ENV = "PEERMENTOR_BENCH_DB_URL"


def timed(site_cfg: dict, project: Path, repeat: int, before=None) -> tuple[int, float]:
    best = float("inf")
    for _ in range(repeat):
        redcap._read_records.cache_clear()  # each run reads its records file from disk
        if before:
            before()
        started = time.perf_counter()
        mapped = ingest_site(
            site_cfg, salt=DEMO_SALT.encode(), rucc_threshold=4, project_dir=project
        )
        best = min(best, time.perf_counter() - started)
    return sum(len(m.rows) for m in mapped.values()), best


def sql_twin(site_cfg: dict, project: Path) -> dict:
    """The site's CSV cells as text tables of an SQLite database; its config reads them."""
    url = f"sqlite:///{project / 'agency.db'}"
    os.environ[URL_ENV] = url
    engine = sqlalchemy.create_engine(url)
    twin = copy.deepcopy(site_cfg)
    with engine.begin() as connection:
        for table, cfg in twin["tables"].items():
            frame = pd.read_csv(project / cfg["path"], dtype=str, keep_default_na=False)
            frame.replace("", None).to_sql(table, connection, index=False, if_exists="replace")
            cfg.update(
                format="sql",
                path=f"snapshot/{table}.parquet",
                sql={"url_env": URL_ENV, "table": table},
            )
    engine.dispose()
    return twin


def bench(scale: int, repeat: int) -> list[dict]:
    project = Path(tempfile.mkdtemp(prefix=f"ingest-bench-{scale}x-"))
    try:
        shutil.copytree(ROOT / "config", project / "config")
        shutil.copytree(ROOT / "workflow" / "schemas", project / "workflow" / "schemas")
        study = load_study(project / "config/config.yaml", schema_dir=project / "workflow/schemas")
        sites = load_sites(
            {**study, "sites_dir": str(project / "config/sites")},
            schema_dir=project / "workflow/schemas",
        )
        started = time.perf_counter()
        build_demo(
            sites,
            seed=study["demo"]["seed"],
            scale=scale,
            data_cutoff=study["study"]["data_cutoff"],
            truth_file="data/raw/demo_truth.json",
            project_dir=project,
        )
        print(f"{scale}x: demo written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rows = []
        for site, what in SITES.items():
            n, seconds = timed(sites[site], project, repeat)
            rows.append({"scale": scale, "source": f"{site}: {what}", "rows": n, "s": seconds})
        twin = sql_twin(sites["jefferson"], project)
        snapshots = project / "snapshot"

        def drop_snapshots():
            shutil.rmtree(snapshots, ignore_errors=True)

        n, seconds = timed(twin, project, repeat, before=drop_snapshots)
        rows.append({"scale": scale, "source": "jefferson: SQLite (read)", "rows": n, "s": seconds})
        n, seconds = timed(twin, project, repeat)
        rows.append(
            {"scale": scale, "source": "jefferson: SQLite snapshot", "rows": n, "s": seconds}
        )
        return rows
    finally:
        shutil.rmtree(project, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [row for scale in args.scales for row in bench(scale, args.repeat)]
    print("| scale | source | rows read | seconds | k rows/s |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        rate = r["rows"] / r["s"] / 1000
        print(f"| {r['scale']}x | {r['source']} | {r['rows']} | {r['s']:.3f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
