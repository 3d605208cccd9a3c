"""Study shapes of the demo generator: each knob does what it says; the default is the demo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from demo_helpers import build, ingest

from peermentor.config import load_sites, load_study
from peermentor.demo import shapes
from peermentor.demo.simulate import simulate_study
from peermentor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_config_defaults_are_the_demo():
    demo = load_study(ROOT / "config/config.yaml")["demo"]
    assert shapes.shape_options(demo) == shapes.SHAPE_DEFAULTS
    assert shapes.is_default(shapes.shape_options(demo))


def test_families_and_mentors_set_the_study_size():
    study = simulate_study(seed=3, n_families=90, n_mentors=7, sites=shapes_sites("perry_1"))
    assert len(study.families) == 90
    assert len(study.mentors) == 7


def shapes_sites(*ids):
    from peermentor.demo.build import demo_sites

    return demo_sites(list(ids))


def test_no_defects_no_missed_contacts_no_exits(tmp_path):
    truth, _, project = build(
        tmp_path, ["jefferson_1", "perry_1"], families=60, mentors=6, defects=False,
        no_shows=False, exits=False,
    )  # fmt: skip
    assert truth["injected_defects"] == {"jefferson_1": {}, "perry_1": {}}
    assert truth["shape"]["applied"]["dropped_missed_contacts"] > 0
    contacts = pd.read_csv(project / "data/raw/jefferson_1/contacts.csv")
    families = pd.read_csv(project / "data/raw/jefferson_1/families.csv")
    assert len(families) == truth["realized"]["n_families"] - len(
        pd.read_csv(project / "data/raw/perry_1/families.tsv", sep="\t")
    )
    assert len(contacts) > 0
    roster = pd.read_csv(project / "data/raw/shared/mentors_hr.csv")
    assert roster.filter(regex="(?i)end|left|term").isna().all().all()


def test_ingested_shape_has_no_missed_contact_and_no_exit(tmp_path):
    _, site_cfgs, project = build(
        tmp_path, ["perry_1"], families=40, mentors=4, defects=False, no_shows=False, exits=False
    )
    tables = ingest(project, site_cfgs["perry_1"])
    assert set(tables["contacts"]["status"].astype(str)) == {"completed"}
    assert tables["mentors"]["end_date"].isna().all()
    assert set(tables["mentors"]["exit_reason"].astype(str)) == {"still_employed"}


def test_defects_per_site_and_all_open_site(tmp_path):
    truth, site_cfgs, project = build(
        tmp_path,
        ["jefferson_1", "perry_1"],
        families=80,
        mentors=6,
        sites={"jefferson_1": {"defects": False}, "perry_1": {"open_share": 1.0}},
    )
    assert truth["injected_defects"]["jefferson_1"] == {}
    assert truth["injected_defects"]["perry_1"]["families"] == {"closed_before_opened": 1}
    perry = ingest(project, site_cfgs["perry_1"])["families"]
    # every case open except the one the defect closed before it opened
    assert perry["case_close_date"].notna().sum() == 1
    assert truth["shape"]["applied"]["reopened_cases"]["perry_1"] > 0


def test_site_weight_sets_its_share(tmp_path):
    truth, _, _ = build(
        tmp_path, ["jefferson_1", "perry_1"], families=100, mentors=6,
        sites={"perry_1": {"weight": 0.05}, "jefferson_1": {"weight": 0.95}},
    )  # fmt: skip
    per_site = {s["site_id"]: s["n_families"] for s in truth["sites"]}
    assert per_site == {"jefferson_1": 95, "perry_1": 5}


@pytest.mark.parametrize("agree", [True, False])
def test_shared_roster_lists_one_mentor_in_both_sites(tmp_path, agree):
    truth, site_cfgs, project = build(
        tmp_path, ["jefferson_1", "kenton_1"], families=40, mentors=4, defects=False,
        shared_roster={"sites": ["jefferson_1", "kenton_1"], "agree": agree},
    )  # fmt: skip
    assert truth["shape"]["applied"]["shared_mentor"]["sites"] == ["jefferson_1", "kenton_1"]
    a = ingest(project, site_cfgs["jefferson_1"])["mentors"]
    b = ingest(project, site_cfgs["kenton_1"])["mentors"]
    (mentor,) = set(a["mentor_id"]) & set(b["mentor_id"])  # pseudonymized alike: one in both
    row_a = a[a["mentor_id"] == mentor]
    row_b = b[b["mentor_id"] == mentor]
    assert len(row_a) == len(row_b) == 1
    same = row_a["hire_date"].iloc[0] == row_b["hire_date"].iloc[0]
    assert same is agree


def test_shared_roster_needs_both_sites(tmp_path):
    with pytest.raises(ConfigError, match="not in the study"):
        build(
            tmp_path, ["jefferson_1"], families=20, mentors=2,
            shared_roster={"sites": ["jefferson_1", "kenton_1"], "agree": True},
        )  # fmt: skip


@pytest.mark.parametrize("name", sorted(shapes.SHAPES))
def test_apply_shape_writes_a_valid_project(tmp_path, name):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shapes.apply_shape(tmp_path, name)
    study = load_study(tmp_path / "config/config.yaml")
    assert study["sites"] == shapes.SHAPES[name]["sites"]
    site_cfgs = load_sites({**study, "sites_dir": str(tmp_path / "config/sites")})
    assert set(site_cfgs) == set(study["sites"])


def test_unknown_shape_names_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match="one_urban_site"):
        shapes.apply_shape(tmp_path, "no_such_shape")


def test_clone_site_gives_its_own_files_and_roster_slice():
    cfg = yaml.safe_load((ROOT / "config/sites/jefferson.yaml").read_text())
    clone = shapes.clone_site(cfg, 3)
    assert clone["site_id"] == "jefferson_3"
    assert clone["tables"]["families"]["path"] == "data/raw/jefferson_3/families.csv"
    assert clone["tables"]["mentors"]["path"] == cfg["tables"]["mentors"]["path"]  # shared
    assert (
        clone["tables"]["mentors"]["filter"]["value"]
        == cfg["tables"]["mentors"]["filter"]["value"] + "3"
    )


def test_truth_records_the_shape(tmp_path):
    truth, _, project = build(tmp_path, ["perry_1"], families=30, mentors=2, exits=False)
    saved = json.loads((project / "data/raw/demo_truth.json").read_text())
    assert saved["shape"]["options"]["exits"] is False
    assert truth["shape"]["applied"]["exits_removed"] is True


# --- `peermentor demo`: a plugin command (demo/command.py), not part of cli.py ------------------
def test_demo_is_a_plugin_command_of_the_cli(capsys):
    from importlib.metadata import entry_points

    from peermentor.cli import PLUGIN_COMMANDS, main

    (entry,) = [e for e in entry_points(group=PLUGIN_COMMANDS) if e.name == "demo"]
    assert entry.value == "peermentor.demo.command:register"
    assert main(["demo", "--list-shapes"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in listed] == list(shapes.SHAPES)
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "generate the synthetic demo study's raw exports" in capsys.readouterr().out


def test_the_demo_command_generates_the_demo(tmp_path, capsys):
    from peermentor.cli import main

    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(ROOT / "workflow/schemas", tmp_path / "workflow/schemas")
    config = tmp_path / "config/config.yaml"
    args = ["--config", str(config), "demo", "--project-dir", str(tmp_path), "--seed", "5"]
    assert main([*args, "--shape", "one_rural_site"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("demo study: 60 families, 4 mentors, ") and "(seed 5, scale 1)" in out
    assert json.loads((tmp_path / "data/raw/demo_truth.json").read_text())["seed"] == 5
