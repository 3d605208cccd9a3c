"""The messages of the path users take (`snakemake`, `make run`) on broken configs and exports.

Each case copies the project, breaks one thing and runs Snakemake with the default
profile: the message must be the one ``peermentor site check`` gives (file, YAML line, key,
fix), and no traceback or schema dump may appear. Parse-time failures take seconds; one
run reaches the cleaning stop.
"""

from __future__ import annotations

import ast
import json
import re

import pandas as pd
import pytest
from e2e_helpers import copy_project, snakemake

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("messages"))


@pytest.fixture
def project(pristine, tmp_path):
    """A fresh copy per test (the configs only; src/workflow are shared read-only copies)."""
    import shutil

    target = tmp_path / "project"
    shutil.copytree(pristine, target, symlinks=True)
    return target


def failed(workdir, *args) -> str:
    result = snakemake(workdir, "-n", *args, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Failed validating" not in output, output
    return result.stderr


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_invalid_yaml_names_the_file_and_line(project):
    edit(project / "config/sites/kenton.yaml", "  rucc: 1\n", "  rucc: [1\n")
    assert failed(project).endswith(
        "error: config/sites/kenton.yaml: line 6, column 7: not valid YAML: "
        "did not find expected ',' or ']' (while parsing a flow sequence that starts at "
        "line 5, column 9)\n"
    )


def test_misspelt_key_gets_did_you_mean_not_a_schema_dump(project):
    edit(project / "config/sites/kenton.yaml", "    columns:\n", "    colums:\n")
    stderr = failed(project)
    assert stderr.endswith(
        "error: config/sites/kenton.yaml: invalid site config (1 problem)\n"
        "  line 13, key tables.families.colums: unknown key 'colums'; did you mean 'columns'?\n"
    )
    assert len(stderr.splitlines()) < 5


def test_study_config_key_and_value(project):
    edit(project / "config/config.yaml", "  max_quarantine_share:", "  max_quarantine_shar:")
    edit(project / "config/config.yaml", "  adjust: holm", "  adjust: bonferroni")
    lines = (project / "config/config.yaml").read_text().splitlines()
    key_line = lines.index("  max_quarantine_shar: 0.05") + 1  # the lines the message must name
    value_line = lines.index("  adjust: bonferroni") + 1
    assert failed(project).endswith(
        "error: config/config.yaml: invalid study config (2 problems)\n"
        f"  line {key_line}, key cleaning.max_quarantine_shar: unknown key "
        "'max_quarantine_shar'; did you mean 'max_quarantine_share'?\n"
        f"  line {value_line}, key stratify.adjust: 'bonferroni' is not allowed; "
        "allowed values: holm, bh\n"
    )


def test_value_map_target_outside_the_contract(project):
    edit(project / "config/sites/martin.yaml", "Phone: phone", "Phone: in_person")
    assert failed(project).endswith(
        "error: config/sites/martin.yaml: invalid site config (1 problem)\n"
        "  line 41, key tables.contacts.values.mode.Phone: 'in_person' is not a value of mode; "
        "allowed values: face_to_face, phone, text_or_email, other\n"
    )


def test_missing_export_names_the_config_key(project):
    edit(project / "config/config.yaml", "  enabled: true", "  enabled: false")
    assert failed(project).endswith(
        "error: site jefferson, table families, file data/raw/jefferson/families.csv: "
        "file not found\n"
        "  fix: config key tables.families.path in config/sites/jefferson.yaml (line 8)\n"
        "  hint: drop the export there, or correct the path in the site config\n"
    )


def test_cleaning_stop_leaves_the_quarantine_it_points_at(project):
    """No quarantined row allowed: the demo's injected defects stop perry's cleaning."""
    edit(project / "config/config.yaml", "max_quarantine_share: 0.05", "max_quarantine_share: 0")
    result = snakemake(project, "results/interim/perry/reconciliation.csv", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    stopped = "results/quarantine/perry/families.stopped.csv"
    hint = f"  hint: every quarantined row of the table, with its reason: {stopped}"
    assert hint in output.splitlines()
    quarantine = pd.read_csv(project / stopped, dtype=str)
    truth = json.loads((project / "data/raw/demo_truth.json").read_text())
    injected = truth["injected_defects"]["perry"]["families"]
    assert quarantine["reason"].value_counts().to_dict() == injected
    by_reason = re.search(r"table families, .*; by reason: (\{[^}]*\})", output).group(1)
    assert ast.literal_eval(by_reason) == injected
    assert not (project / "results/quarantine/perry/families.csv").exists()
