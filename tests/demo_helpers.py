"""Demo projects of a given shape, generated and ingested (tests/demo/, tests/ingest/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from peermentor.config import load_sites, load_study
from peermentor.demo import shapes
from peermentor.demo.build import build_demo
from peermentor.ingest.pseudonymize import DEMO_SALT
from peermentor.ingest.site import ingest_site

ROOT = Path(__file__).resolve().parents[1]


def shaped_project(tmp_path: Path, site_ids: list[str], **demo) -> tuple[dict, dict, Path]:
    """A project with ``sites`` (copies written) and ``demo`` keys; returns config, sites, dir."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shapes.write_site_copies(tmp_path, site_ids)
    config = yaml.safe_load((tmp_path / "config/config.yaml").read_text())
    config["sites"] = site_ids
    config["demo"].update(demo)
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(config))
    study = load_study(tmp_path / "config/config.yaml")
    site_cfgs = load_sites({**study, "sites_dir": str(tmp_path / "config/sites")})
    return study, site_cfgs, tmp_path


def build(tmp_path: Path, site_ids: list[str], **demo) -> tuple[dict, dict, Path]:
    study, site_cfgs, project = shaped_project(tmp_path, site_ids, **demo)
    truth = build_demo(
        site_cfgs,
        seed=7,
        scale=1,
        data_cutoff="2017-12-31",
        truth_file="data/raw/demo_truth.json",
        project_dir=project,
        shape=study["demo"],
    )
    return truth, site_cfgs, project


def ingest(project: Path, site_cfg: dict) -> dict[str, pd.DataFrame]:
    """The site's mapped rows (pseudonymized with the demo salt)."""
    mapped = ingest_site(site_cfg, salt=DEMO_SALT.encode(), rucc_threshold=4, project_dir=project)
    return {table: result.rows for table, result in mapped.items()}
