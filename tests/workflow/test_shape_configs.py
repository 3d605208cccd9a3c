"""The study shapes the catalog way: one ``.test/config_<shape>/config.yaml`` per shape.

Each file holds the keys the shape sets over ``config/config.yaml`` (generated from
``peermentor.demo.shapes.SHAPES``, the one definition). Checked here, fast: every shape has its
file and it is current, the config Snakemake merges from it passes the schema, the shape tests'
``apply_shape`` gives exactly that config, and ``snakemake -n --configfile`` plans the shape's
sites (dry run only; tests/workflow/test_shapes.py runs the shapes end to end).
"""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from e2e_helpers import ROOT, copy_project, snakemake
from snakemake.utils import update_config

from peermentor.config import load_sites, load_study
from peermentor.demo.shapes import (
    SHAPES,
    apply_shape,
    merge_config,
    shape_config_text,
    write_site_copies,
)

TEST_DIR = ROOT / ".test"
REGENERATE = "run `.venv/bin/peermentor demo --write-test-configs` and commit .test/"


def shape_file(name: str):
    return TEST_DIR / f"config_{name}" / "config.yaml"


def snakemake_merge(base: dict, overrides: dict) -> dict:
    """What Snakemake's ``config`` is for the Snakefile's configfile plus ``--configfile``."""
    merged = copy.deepcopy(base)
    update_config(merged, overrides)
    return merged


def test_every_shape_has_a_folder_and_no_folder_is_left_over():
    folders = {p.name for p in TEST_DIR.glob("config_*")}
    assert folders == {f"config_{name}" for name in SHAPES}, REGENERATE


@pytest.mark.parametrize("name", list(SHAPES))
def test_shape_file_is_current(name):
    assert shape_file(name).read_text() == shape_config_text(name), REGENERATE


def test_merge_config_merges_mappings_at_every_depth_and_replaces_the_rest():
    base = {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "sites": ["x", "y"], "f": None}
    overrides = {"a": {"c": {"d": 20}}, "sites": ["z"], "f": {"g": 1}}
    expected = {"a": {"b": 1, "c": {"d": 20, "e": 3}}, "sites": ["z"], "f": {"g": 1}}
    assert merge_config(base, overrides) == expected
    assert snakemake_merge(base, overrides) == expected
    assert base["a"]["c"]["d"] == 2  # the base is not changed


@pytest.mark.parametrize("name", list(SHAPES))
def test_apply_shape_gives_the_config_snakemake_merges(tmp_path, name):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    base = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    overrides = yaml.safe_load(shape_file(name).read_text())
    applied = apply_shape(tmp_path, name)
    assert applied == snakemake_merge(base, overrides)
    assert yaml.safe_load((tmp_path / "config/config.yaml").read_text()) == applied


@pytest.mark.parametrize("name", list(SHAPES))
def test_merged_config_passes_the_schema_with_its_sites(tmp_path, name):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    base = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    merged = snakemake_merge(base, yaml.safe_load(shape_file(name).read_text()))
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(merged, sort_keys=False))
    write_site_copies(tmp_path, merged["sites"])
    study = load_study(tmp_path / "config/config.yaml")
    sites = load_sites({**study, "sites_dir": str(tmp_path / "config/sites")})
    assert list(sites) == SHAPES[name]["sites"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project copy with every shape's site copies; its config/config.yaml is the demo's."""
    workdir = copy_project(tmp_path_factory.mktemp("shape_configs"))
    every_site = {site for shape in SHAPES.values() for site in shape["sites"]}
    write_site_copies(workdir, sorted(every_site))
    shutil.copytree(TEST_DIR, workdir / ".test")
    return workdir


@pytest.mark.parametrize("name", list(SHAPES))
def test_snakemake_dry_run_plans_the_shape(project, name):
    result = snakemake(project, "-n", "--configfile", f".test/config_{name}/config.yaml")
    planned = result.stdout + result.stderr
    assert "demo_data" in planned
    for site in SHAPES[name]["sites"]:
        assert f"results/interim/{site}/" in planned, site
    for site in {"jefferson", "perry"} - set(SHAPES[name]["sites"]):  # the demo's own sites
        assert f"results/interim/{site}/" not in planned, site
