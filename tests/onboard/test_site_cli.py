"""`peermentor site inspect|draft|check` on the six demo sites and on the bad-input suite.

The demo study is the generator's own exports (``build_demo``), cut to the first
families of each site so that six sites read in seconds. For every site the drafted
config, with only its TODO keys filled from the committed config, must ingest and clean
to exactly the tables the committed config gives.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml
from ingest_helpers import BAD_EXPORTS, CONTACTS, FAMILIES, pipeline_error, write_site

from peermentor.clean.prepare import prepare_site
from peermentor.cli import main
from peermentor.config import load_site, load_study, yaml_lines
from peermentor.demo import build
from peermentor.demo.simulate import Study, simulate_study
from peermentor.errors import SaltError
from peermentor.ingest.pseudonymize import DEMO_SALT, resolve_salt
from peermentor.onboard.drafted import TODO, todo_paths
from peermentor.onboard.text import inspect_text

ROOT = Path(__file__).resolve().parents[2]
SITES = ("jefferson", "kenton", "fayette", "daviess", "perry", "martin")
FAMILIES_PER_SITE = 30
# What the draft cannot know from the exports, per site. Anything else it must get right.
EXPECTED_TODOS = {
    "jefferson": {"rurality"},
    "kenton": {"rurality"},
    "fayette": {"rurality"},
    "daviess": {"rurality", "tables.families.values.outcome_at_closure.not reunified"},
    "perry": {"rurality"},
    "martin": {"rurality.county_rucc.21071", "rurality.county_rucc.21159"},
}


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    """A project directory with the demo exports of the first families of each site."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "config", root / "config")
    shutil.copytree(ROOT / "workflow" / "schemas", root / "workflow" / "schemas")
    study = load_study(root / "config/config.yaml", schema_dir=root / "workflow/schemas")
    sites = {
        site: load_site(root / f"config/sites/{site}.yaml", schema_dir=root / "workflow/schemas")
        for site in study["sites"]
    }

    def first_families(**kwargs) -> Study:
        full = simulate_study(**kwargs)
        families = full.families.groupby("site_id").head(FAMILIES_PER_SITE)
        contacts = full.contacts[full.contacts["family_id"].isin(families["family_id"])]
        return Study(families, contacts, full.mentors, full.truth)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "simulate_study", first_families)
        build.build_demo(
            sites,
            seed=study["demo"]["seed"],
            scale=1,
            data_cutoff=study["study"]["data_cutoff"],
            truth_file=study["demo"]["truth_file"],
            project_dir=root,
        )
    return root


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run ``peermentor ARGS`` in a directory: (exit code, stdout, stderr)."""

    def run(*args, cwd: Path) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def study_of(root: Path) -> dict:
    return load_study(root / "config/config.yaml", schema_dir=root / "workflow/schemas")


def export_paths(site_cfg: dict) -> list[str]:
    """Every export, and a REDCap project's data dictionary beside its records."""
    tables = site_cfg["tables"].values()
    return sorted(
        {t["path"] for t in tables} | {t["redcap"]["dictionary"] for t in tables if "redcap" in t}
    )


def fill_todos(draft: dict, known: dict) -> dict:
    """Fill only the keys the draft left as TODO, from the committed config."""
    filled = json.loads(json.dumps(draft))
    for path in todo_paths(draft):
        value, node = known, filled
        for key in path:
            value = value[key]  # a TODO the committed config cannot answer fails here
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return filled


# --- draft: the committed config is the known answer --------------------------------------------


@pytest.mark.parametrize("site", SITES)
def test_drafted_config_ingests_like_the_committed_one(demo, cli, site, monkeypatch):
    committed_path = demo / f"config/sites/{site}.yaml"
    committed = yaml.safe_load(committed_path.read_text())
    out = demo / "drafts" / f"{site}.yaml"
    code, stdout, _ = cli(
        "site", "draft", "--site", site, *export_paths(committed), "--out", out, "--json", cwd=demo
    )
    assert code == 0
    summary = json.loads(stdout)
    draft = yaml.safe_load(out.read_text())
    assert draft == summary["config"]
    todos = {".".join(map(str, p)) for p in todo_paths(draft)}
    assert todos == EXPECTED_TODOS[site]
    assert set(summary["todos"]) == todos
    assert out.read_text().count(TODO) >= len(todos) + 1  # the header says how many are left

    filled_path = demo / "filled" / f"{site}.yaml"  # named <site>.yaml, as load_site requires
    filled_path.parent.mkdir(exist_ok=True)
    filled_path.write_text(yaml.safe_dump(fill_todos(draft, committed), sort_keys=False))
    monkeypatch.chdir(demo)
    study = study_of(demo)
    ours = prepare_site(load_site(filled_path), study, salt=DEMO_SALT.encode())
    theirs = prepare_site(load_site(committed_path), study, salt=DEMO_SALT.encode())
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])
        pd.testing.assert_frame_equal(ours.quarantine[table], theirs.quarantine[table])
    pd.testing.assert_frame_equal(ours.reconciliation, theirs.reconciliation)


def test_abbreviated_codes_are_flagged_for_review(demo, cli):
    committed = yaml.safe_load((demo / "config/sites/fayette.yaml").read_text())
    out = demo / "drafts" / "fayette_flags.yaml"
    code, stdout, _ = cli(
        "site", "draft", "--site", "fayette", *export_paths(committed), "--out", out, cwd=demo
    )
    assert code == 0
    assert "code(s) guessed from a word or an abbreviation, check them:" in stdout
    assert "tables.contacts.values.status: C, NS, R" in stdout
    text = out.read_text()
    assert "NS: no_show  # guessed from an abbreviation" in text
    assert "value: FAY  # the mentors this site's families and contacts name all have FAY" in text


def test_draft_never_overwrites_without_force(demo, cli):
    out = demo / "drafts" / "keep.yaml"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# a team's edits\n")
    paths = ["data/raw/perry/families.tsv", "data/raw/perry/contacts.tsv"]
    code, _, stderr = cli("site", "draft", "--site", "perry", *paths, "--out", out, cwd=demo)
    assert code == 1
    assert f"error: {out} already exists: not overwritten (use --force to replace it)" in stderr
    assert out.read_text() == "# a team's edits\n"
    code, _, _ = cli("site", "draft", "--site", "perry", *paths, "--out", out, "--force", cwd=demo)
    assert code == 0
    assert out.read_text().startswith("# Site config for perry")


# --- check --------------------------------------------------------------------------------------


# One site per reader (shared CSV roster, TSV with serial dates, SPSS and Parquet); kenton's
# REDCap project is checked in test_check_text_report.
@pytest.mark.parametrize("site", ["jefferson", "perry", "daviess"])
def test_check_passes_a_demo_site_and_counts_what_was_injected(demo, cli, site):
    code, stdout, stderr = cli("site", "check", f"config/sites/{site}.yaml", "--json", cwd=demo)
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["passes"] and report["error"] is None
    truth = json.loads((demo / "data/raw/demo_truth.json").read_text())
    site_cfg = yaml.safe_load((demo / f"config/sites/{site}.yaml").read_text())
    for table, line in report["tables"].items():
        excluded = line["rows_excluded_by_study_rule"]
        assert line["rows_read"] == line["rows_kept"] + line["rows_quarantined"] + excluded
        assert line["rows_read"] == raw_rows(demo, site_cfg["tables"][table])
        assert line["by_reason"] == truth["injected_defects"][site].get(table, {})
    recon = pd.DataFrame(report["reconciliation"]).set_index("table")
    for table, line in report["tables"].items():
        assert recon.loc[table, "rows_kept"] == line["rows_kept"]
        assert recon.loc[table, "balanced"]
    assert report["unmapped_values"] == {}
    kept_contacts = report["tables"]["contacts"]["rows_kept"]
    assert sum(m["contacts"] for m in report["per_month"].values()) == kept_contacts
    assert f"{site_cfg['tables']['contacts']['path']}:" in stderr  # progress: rows per file


def raw_rows(root: Path, table_cfg: dict) -> int:
    """Data rows of an export, counted without the pipeline (the shared roster: this site's)."""
    path = root / table_cfg["path"]
    if table_cfg["format"] == "parquet":
        frame = pd.read_parquet(path)
    elif table_cfg["format"] == "spss":
        frame, _ = pyreadstat.read_sav(path)
    elif table_cfg["format"] == "excel":
        frame = pd.read_excel(path, sheet_name=table_cfg["excel"]["sheet"])
    else:
        opts = table_cfg.get("csv", {})
        frame = pd.read_csv(path, sep=opts.get("sep", ","), encoding=opts.get("encoding"))
    rule = table_cfg.get("filter")
    return int((frame[rule["column"]] == rule["value"]).sum()) if rule else len(frame)


def test_check_text_report(demo, cli):
    code, stdout, _ = cli("site", "check", "config/sites/kenton.yaml", cwd=demo)
    assert code == 0
    assert "identifiers pseudonymized with the demo salt" in stdout
    assert "quarantined: " in stdout and "closed_before_opened 1" in stdout
    assert "contacts, and families with a contact, per month" in stdout
    assert "PASS: every table within the study's max_quarantine_share of 5%" in stdout


def test_describe_prints_the_study_and_the_paper_figures(demo, cli):
    code, stdout, stderr = cli("describe", "--json", cwd=demo)
    assert code == 0 and "reading site perry" in stderr
    summary = json.loads(stdout)
    assert set(summary) == {
        "study", "data_cutoff", "rurality_coding", "sites", "analysis", "summary", "against_paper",
    }  # fmt: skip
    assert set(summary["sites"]) == set(SITES)
    assert summary["summary"]["n_families"] == sum(s["families"] for s in summary["sites"].values())
    assert summary["against_paper"]["pct_mentors_stable_or_advanced"]["published"] == 64.3
    code, text, _ = cli("describe", cwd=demo)
    assert code == 0 and "against_paper:\n  mean_hours_per_family:\n    computed: " in text


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_check_stops_with_the_pipelines_own_message(tmp_path, cli, case):
    cfg = BAD_EXPORTS[case](tmp_path)
    site_yaml = tmp_path / f"{cfg['site_id']}.yaml"
    site_yaml.write_text(yaml.safe_dump(cfg))
    study = study_of(ROOT)
    expected = pipeline_error(
        cfg, max_share=study["cleaning"]["max_quarantine_share"], salt=DEMO_SALT.encode()
    )
    if case == "nonexistent_path":  # check (like the workflow) also names the config file
        line = yaml_lines(site_yaml)[("tables", "contacts", "path")]
        expected = expected.replace(
            "tables.contacts.path", f"tables.contacts.path in {site_yaml} (line {line})"
        ).replace(
            "drop the export in data/raw/<site>/ or correct the path in the site config",
            "drop the export there, or correct the path in the site config",
        )
    code, stdout, stderr = cli("site", "check", site_yaml, "--json", cwd=ROOT)
    assert code == 1
    assert json.loads(stdout)["error"] == expected
    assert stderr.endswith(f"error: {expected}\n")


def test_check_takes_the_salt_as_a_real_run_does(tmp_path, cli, monkeypatch):
    cfg = write_site(tmp_path)
    site_yaml = tmp_path / "tiny.yaml"
    site_yaml.write_text(yaml.safe_dump(cfg))
    study = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    study["pseudonymization"].update(use_demo_salt=False, salt_file=str(tmp_path / "no_salt"))
    study_yaml = tmp_path / "study.yaml"
    study_yaml.write_text(yaml.safe_dump(study))
    monkeypatch.delenv("PEERMENTOR_SALT", raising=False)
    with pytest.raises(SaltError) as expected:
        resolve_salt(**study["pseudonymization"])
    code, _, stderr = cli("--config", study_yaml, "site", "check", site_yaml, cwd=ROOT)
    assert code == 1
    assert stderr.endswith(f"error: {expected.value}\n")
    monkeypatch.setenv("PEERMENTOR_SALT", "not-the-demo-salt")
    code, stdout, _ = cli("--config", study_yaml, "site", "check", site_yaml, "--json", cwd=ROOT)
    assert code == 0
    assert json.loads(stdout)["salt"] == "secret salt"


def test_check_refuses_a_config_with_todos_left(demo, cli):
    draft = yaml.safe_load((demo / "config/sites/perry.yaml").read_text())
    draft["rurality"] = TODO
    draft["tables"]["contacts"]["values"]["mode"]["Phone"] = TODO
    path = demo / "todo" / "perry.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(draft))
    code, stdout, stderr = cli("site", "check", path, cwd=demo)
    assert code == 1
    assert (
        f"error: {path}: 2 TODO left to fill (see the comment beside each): "
        "rurality, tables.contacts.values.mode.Phone"
    ) in stderr
    assert "FAIL" in stdout


def test_check_names_the_invalid_key(demo, cli):
    site = yaml.safe_load((demo / "config/sites/perry.yaml").read_text())
    site["tables"]["contacts"]["duration_unit"] = "seconds"
    path = demo / "invalid" / "perry.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(site))
    code, _, stderr = cli("site", "check", path, cwd=demo)
    assert code == 1
    line = _line_of(path, "  contacts:", "duration_unit:")
    assert stderr.endswith(
        f"error: {path}: invalid site config (1 problem)\n"
        f"  line {line}, key tables.contacts.duration_unit: "
        "'seconds' is not allowed; allowed values: minutes, hours\n"
    )


def _line_of(path, after: str, text: str) -> int:
    """1-based line of the first line holding ``text`` after the line holding ``after``."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i > start and text in line) + 1


# --- inspect ------------------------------------------------------------------------------------


def test_inspect_reports_types_and_never_prints_names(demo, cli):
    files = [
        "data/raw/fayette/FAMILIES.csv",
        "data/raw/fayette/CONTACT_LOG.csv",
        "data/raw/perry/contacts.tsv",
        "data/raw/kenton/kenton_records.csv",
        "data/raw/kenton/kenton_dictionary.csv",
    ]
    code, stdout, stderr = cli("site", "inspect", *files, "--json", cwd=demo)
    assert code == 0
    assert "data/raw/kenton/kenton_records.csv [instrument contact_log]:" in stderr
    report = {(f["file"], f["sheet"] or f["part"]): f for f in json.loads(stdout)}
    columns = {key: {c["name"]: c for c in entry["columns"]} for key, entry in report.items()}
    fayette = columns[("data/raw/fayette/CONTACT_LOG.csv", None)]
    assert report[("data/raw/fayette/CONTACT_LOG.csv", None)]["reader"]["csv"]["sep"] == ";"
    assert fayette["CONTACT_TS"]["date_formats"] == ["%m/%d/%Y %H:%M"]
    assert (fayette["SERVICE_CODES"]["type"], fayette["SERVICE_CODES"]["delimiter"]) == (
        "codes",
        "|",
    )
    assert fayette["PARENT_YN"]["type"] == "boolean"
    perry = columns[("data/raw/perry/contacts.tsv", None)]
    assert perry["ContactDate"]["date_formats"] == ["excel_serial"]
    kenton = columns[("data/raw/kenton/kenton_records.csv", "instrument contact_log")]
    assert kenton["contact_hours"]["duration_unit"] == "hours"
    # A raw REDCap export writes ISO dates (the dictionary's date_mdy is how they were typed).
    assert kenton["contact_date"]["date_formats"] == ["iso"]
    # Choice codes are shown as the dictionary's labels; the base rows are another part.
    assert set(kenton["contact_type"]["values"]) == {
        "Face to face",
        "Phone",
        "Text or email",
        "Other",
    }
    assert "intake_date" in columns[("data/raw/kenton/kenton_records.csv", "base rows")]

    text = inspect_text(json.loads(stdout))  # what the command prints without --json
    names = pd.read_csv(demo / files[0], sep=";", dtype=str)["CAREGIVER_NM"]
    assert "CAREGIVER_NM" in text and "free text (names)" in text
    assert not [name for name in names if name in text]


@pytest.mark.parametrize("step", ["inspect", "draft", "check"])
def test_every_step_has_help_and_json(step, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["site", step, "--help"])
    assert exit_.value.code == 0
    assert "--json" in capsys.readouterr().out


def test_check_counts_contacts_the_swapped_day_month_order_would_keep(tmp_path, cli):
    """Contacts written day first, configured month first: 02/03/2016 (A3 opened 2016-03-01)
    reads as 3 February, before the case opened; 13/01/2015 does not read at all."""
    families = FAMILIES.assign(
        Opened=["2015-01-05", "2015-02-01", "2016-03-01"], Closed=["2016-06-30", "", ""]
    )
    when = ["13/01/2015", "09/01/2015", "02/02/2015", "05/02/2015", "02/03/2016", "04/03/2016"]
    cfg = write_site(tmp_path, families=families, contacts=CONTACTS.assign(When=when))
    cfg["tables"]["families"]["date_format"] = "iso"
    site_yaml = tmp_path / "tiny.yaml"
    site_yaml.write_text(yaml.safe_dump(cfg))
    code, stdout, _ = cli("site", "check", site_yaml, "--json", cwd=ROOT)
    assert code == 1  # 2 of 6 contacts quarantined
    assert json.loads(stdout)["day_month"] == [
        {
            "table": "contacts", "date_format": "%m/%d/%Y", "swapped": "%d/%m/%Y",
            "impossible": 2, "fit_swapped": 2, "both_read": False,
        }
    ]  # fmt: skip
    code, stdout, _ = cli("site", "check", site_yaml, cwd=ROOT)
    note = "note: contacts: 2 contacts impossible under %m/%d/%Y would fit under %d/%m/%Y: "
    assert f"{note}day/month order?" in stdout.splitlines()
