"""End to end: the Snakemake workflow on the generated demo study, in a temporary directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
PROJECT_FILES = ("Snakefile", "workflow", "config", "profiles", "notebooks", "environment.yml")

pytestmark = pytest.mark.e2e


def copy_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, target / name)
    return target


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--profile", "profiles/default", *args],
        cwd=workdir, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """The demo study run once through the whole workflow, report included."""
    workdir = copy_project(tmp_path_factory.mktemp("study"))
    snakemake(workdir)
    snakemake(workdir, "--report", "results/report.html")
    return workdir


def test_report_is_built(study):
    report = study / "results" / "report.html"
    assert report.stat().st_size > 10_000


def test_reconciliation_balances_and_matches_injected_defects(study):
    recon = pd.read_csv(study / "results/tables/reconciliation.csv")
    assert recon["balanced"].all()
    assert (recon["rows_read"] == recon["rows_kept"] + recon["rows_quarantined"]).all()
    truth = json.loads((study / "data/raw/demo_truth.json").read_text())
    for site, tables in truth["injected_defects"].items():
        for table, reasons in tables.items():
            row = recon[(recon["site_id"] == site) & (recon["table"] == table)].iloc[0]
            for reason, count in reasons.items():
                assert row[f"quarantined_{reason}"] == count, (site, table, reason)


def test_study_tables_hold_every_kept_row(study):
    recon = pd.read_csv(study / "results/tables/reconciliation.csv")
    kept = recon.groupby("table")["rows_kept"].sum()
    for table in ("families", "contacts", "mentors"):
        frame = pd.read_parquet(study / f"results/interim/study/{table}.parquet")
        assert len(frame) == kept[table]


def test_no_raw_identifier_or_free_text_reaches_results(study):
    raw = pd.read_csv(study / "data/raw/jefferson/families.csv")
    contacts = pd.read_csv(study / "data/raw/jefferson/contacts.csv")
    needles = [
        *raw["family_id"].head(20),
        *raw["mentor_id"].head(5),
        *raw["caregiver_name"].dropna().head(5),
        *contacts["contact_id"].head(20),
    ]
    for path in (study / "results").rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".parquet", ".html", ".txt", ".json"}:
            data = path.read_bytes()
            for needle in needles:
                assert str(needle).encode() not in data, (needle, path)


def test_dry_run_shows_nothing_left_to_do(study):
    result = snakemake(study, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_invalid_config_names_the_key(tmp_path):
    workdir = copy_project(tmp_path)
    config = yaml.safe_load((workdir / "config/config.yaml").read_text())
    config["cleaning"]["max_quarantine_share"] = "five percent"
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "max_quarantine_share" in output
    assert "is not of type 'number'" in output


def test_broken_export_stops_with_a_clear_message(tmp_path):
    # The demo exports follow the site configs, so write them first, then switch the demo
    # off (as a site data team would run) and break the mapping.
    workdir = copy_project(tmp_path)
    peermentor = str(Path(sys.executable).parent / "peermentor")
    subprocess.run([peermentor, "demo"], cwd=workdir, check=True, capture_output=True)
    config = yaml.safe_load((workdir / "config/config.yaml").read_text())
    config["demo"]["enabled"] = False
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    site = yaml.safe_load((workdir / "config/sites/fayette.yaml").read_text())
    site["tables"]["contacts"]["columns"]["mode"] = "KIND_OF_CONTACT"
    (workdir / "config/sites/fayette.yaml").write_text(yaml.safe_dump(site))
    result = snakemake(workdir, check=False)
    assert result.returncode != 0
    log = (workdir / "logs/ingest/fayette.log").read_text()
    assert "site fayette, table contacts" in log
    assert "column 'KIND_OF_CONTACT': column not found in the export" in log
    assert "fix: config key tables.contacts.columns.mode" in log
    assert "Traceback" not in log
    assert not (workdir / "results/interim/fayette/mapped/contacts.parquet").exists()
