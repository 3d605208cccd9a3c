"""End to end: the Snakemake workflow on the generated demo study, in a temporary directory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from e2e_helpers import ROOT, SNAKEMAKE, copy_project, project_env, snakemake
from published_checks import negative_zeros, notebook_mismatches, rank_test_mismatches

pytestmark = pytest.mark.e2e


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


def test_the_single_process_baseline_writes_byte_identical_outputs(study, tmp_path):
    """benchmarks/baseline.py runs Snakemake's own jobs in one process: every table, model and
    figure is identical to the workflow's (nothing restates the rules, so nothing can drift)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/baseline.py"), str(study), "--compare",
         "--out", str(tmp_path / "baseline")],
        cwd=study, capture_output=True, text=True, timeout=600, env=project_env(study),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    identical = int(summary.split()[0])
    assert identical >= 20 and summary.endswith("0 differs, 0 missing, 0 unmatched"), summary


def test_reconciliation_balances_and_matches_injected_defects(study):
    recon = pd.read_csv(study / "results/tables/reconciliation.csv")
    assert recon["balanced"].all()
    rows_out = recon["rows_kept"] + recon["rows_quarantined"] + recon["rows_excluded_by_study_rule"]
    assert (recon["rows_read"] == rows_out).all()
    assert (recon["rows_in"] == recon["rows_read"] + recon["rows_empty_skipped"]).all()
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


def raw_identifiers(workdir: Path) -> set[str]:
    """Raw ids and names of every site's export, read through its own site config."""
    from peermentor.ingest.read import read_export

    needles: set[str] = set()
    for site_file in sorted((workdir / "config/sites").glob("*.yaml")):
        site = yaml.safe_load(site_file.read_text())
        for table, cfg in site["tables"].items():
            raw = read_export(workdir / cfg["path"], cfg, site=site["site_id"], table=table)
            for canonical in ("family_id", "mentor_id", "contact_id"):
                if canonical in cfg["columns"]:
                    needles.update(raw[cfg["columns"][canonical]].astype(str).head(30))
            for free_text in cfg.get("drop", []):
                if free_text in raw:
                    needles.update(raw[free_text].dropna().astype(str).head(10))
    return {n for n in needles if len(n) >= 4}


def test_no_raw_identifier_or_free_text_reaches_results(study):
    needles = raw_identifiers(study)
    assert len(needles) > 100
    # HTML embeds figures as base64, where a 4-character mentor id like M010 can occur
    # by chance: there only ids and names of 7 characters or more are searched.
    long_needles = [n.encode() for n in needles if len(n) >= 7]
    for path in (study / "results").rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            for column in frame.columns:
                if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                    leaked = set(frame[column].dropna().astype(str)) & needles
                    assert not leaked, (path, column, sorted(leaked)[:3])
        elif path.suffix in {".csv", ".tsv", ".txt", ".json", ".ipynb", ".html"}:
            data = path.read_bytes()
            searched = long_needles if path.suffix in {".html", ".ipynb"} else needles
            for needle in searched:
                needle = needle if isinstance(needle, bytes) else needle.encode()
                assert needle not in data, (needle, path)


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
    line = next(
        i + 1
        for i, text in enumerate((workdir / "config/config.yaml").read_text().splitlines())
        if "max_quarantine_share" in text
    )
    assert result.stderr.endswith(
        "error: config/config.yaml: invalid study config (1 problem)\n"
        f"  line {line}, key cleaning.max_quarantine_share: expected a number, got 'five percent'\n"
    )
    assert "Traceback" not in output


def test_broken_export_stops_with_a_clear_message(tmp_path):
    # The demo exports follow the site configs, so write them first, then switch the demo
    # off (as a site data team would run) and break the mapping.
    workdir = copy_project(tmp_path)
    peermentor = str(Path(sys.executable).parent / "peermentor")
    subprocess.run(
        [peermentor, "demo"], cwd=workdir, check=True, capture_output=True, env=project_env(workdir)
    )
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
    assert "column 'KIND_OF_CONTACT' (mode): column not found in the export" in log
    assert "fix: config key tables.contacts.columns.mode" in log
    assert "Traceback" not in log
    assert not (workdir / "results/interim/fayette/mapped/contacts.parquet").exists()


# --- Reproducibility: byte-identical reruns and precise incremental reruns ----------------------

CHECKSUMMED = (
    "results/tables", "results/models", "results/quarantine", "results/interim/study",
    "results/figures", "results/notebooks",
)  # fmt: skip


def checksums(workdir: Path) -> dict[str, str]:
    import hashlib

    sums = {}
    for folder in CHECKSUMMED:
        for path in sorted((workdir / folder).rglob("*")):
            if path.is_file():
                sums[str(path.relative_to(workdir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Job counts of a dry run, from Snakemake's job stats table."""
    result = snakemake(workdir, "-n", "--quiet", "rules", *args)
    counts = {}
    for line in (result.stdout + result.stderr).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("total", "job"):
            counts[parts[0]] = int(parts[1])
    return counts


def test_changing_one_sites_export_reruns_only_its_branch(study, tmp_path):
    # As with real data: the demo generator off, one site's export edited. Snakemake 9
    # compares input checksums, so a mere touch would (rightly) rerun nothing.
    override = tmp_path / "real_data.yaml"
    override.write_text(yaml.safe_dump({"demo": {"enabled": False, "seed": 1, "scale": 1}}))
    raw = study / "data/raw/perry/contacts.tsv"
    original = raw.read_bytes()
    try:
        raw.write_bytes(original.replace(b"\tCompleted\t", b"\tRefused\t", 1))
        jobs = planned_jobs(study, "--configfile", "config/config.yaml", str(override))
    finally:
        raw.write_bytes(original)
    assert jobs.get("ingest_site") == 1 and jobs.get("clean_site") == 1, jobs
    assert "demo_data" not in jobs


def test_changing_a_model_setting_reruns_only_the_model_branch(study, tmp_path):
    override = tmp_path / "override.yaml"
    override.write_text(
        yaml.safe_dump({"model": {"primary": "unified_at_closure ~ face_to_face_with_children"}})
    )
    jobs = planned_jobs(study, "--configfile", "config/config.yaml", str(override))
    assert set(jobs) == {
        "outcome_models", "replication_table", "study_figures", "study_notebook",
        "audit_disclosure", "manifest", "all",
        # The joint display sets the P5 finding beside its theme, so it and the partnership
        # notebook follow the model; nothing else of the interview strand reruns.
        "joint_display", "partnership_notebook",
    }  # fmt: skip


def test_describe_shows_the_demo_within_ten_percent_of_the_paper(study):
    peermentor = str(Path(sys.executable).parent / "peermentor")
    result = subprocess.run(
        [peermentor, "describe", "--json"],
        cwd=study, capture_output=True, text=True, check=True, env=project_env(study),
    )  # fmt: skip
    summary = json.loads(result.stdout)
    assert set(summary["sites"]) == {"jefferson", "kenton", "fayette", "daviess", "perry", "martin"}
    for figure in (
        "mean_contacts_per_family",
        "mean_hours_per_family",
        "mean_days_to_7th_contact",
        "mean_hours_first_7_contacts",
        "pct_mentors_stable_or_advanced",
    ):
        assert abs(summary["against_paper"][figure]["relative_difference"]) < 0.10, figure


def test_manifest_records_command_code_and_versions(study):
    manifest = json.loads((study / "results/manifest.json").read_text())
    assert "snakemake" in manifest["command"]
    assert manifest["packages"]["pandas"] == pd.__version__
    assert {"commit", "dirty"} <= set(manifest["code"])
    assert manifest["config"]["disclosure"]["min_cell_size"] == 11
    assert any(e["path"].endswith("contacts.tsv") for e in manifest["inputs"])
    peermentor = str(Path(sys.executable).parent / "peermentor")
    verified = subprocess.run(
        [peermentor, "verify"], cwd=study, capture_output=True, text=True, env=project_env(study)
    )
    assert verified.returncode == 0, verified.stdout
    assert "files match the manifest" in verified.stdout


def test_editing_an_analysis_module_reruns_its_stage_only(study):
    module = study / "src/peermentor/analysis/rural_urban/compare.py"
    original = module.read_bytes()
    try:
        module.write_bytes(original + b"\n# an edit\n")
        jobs = planned_jobs(study)
    finally:
        module.write_bytes(original)
    assert jobs.get("rural_urban") == 1, jobs
    assert not {"ingest_site", "clean_site", "family_profile", "outcome_models"} & set(jobs)


# --- Disclosure: no count of families or mentors below the threshold in published output --------

# Columns counting families or mentors (not sites, parameters or audit rows).
SUPPRESSIBLE = re.compile(
    r"^(n|n_families|n_receiving|n_not_receiving|n_reached|n_not_reached|n_mentors|count|events|"
    r"clusters|n_rural|n_urban|n_receiving_.*|n_not_receiving_.*|n_closed|n_with_outcome|"
    r"n_unified|n_separated|families|families_served|rows|rows_.*|quarantined_.*)$"
)
# exact counts for reviewers with data access
AUDIT_TABLES = {"reconciliation.csv", "data_quality.csv"}


def small_counts(column: pd.Series, min_cell_size: int = 11) -> list:
    values = pd.to_numeric(column.astype(str).str.replace(",", ""), errors="coerce")
    return sorted(values[(values >= 1) & (values < min_cell_size)].unique().tolist())


def test_published_tables_show_no_small_counts(study):
    published = [
        *(study / "results/tables").glob("*.csv"),
        *(study / "results/models").glob("*.csv"),
    ]
    assert len(published) > 10
    for path in published:
        if path.name in AUDIT_TABLES:
            continue
        table = pd.read_csv(path)
        for column in table.columns:
            if SUPPRESSIBLE.match(column):
                assert not small_counts(table[column]), (path.name, column)


def test_disclosure_audit_recovers_no_suppressed_count(study):
    from peermentor.publish.audit import audit_disclosure, findings_frame

    findings = audit_disclosure(study / "results", min_cell_size=11)
    assert not findings, findings_frame(findings).to_string()


def test_published_numbers_are_exact_and_read_as_published(study):
    """Issue 23 on the demo: every rank test of rural_urban.csv is scipy's on the exact
    values, no negative zero is printed, the study notebook shows the CSVs' strings."""
    results = study / "results"
    assert not negative_zeros(results)
    checked, wrong = rank_test_mismatches(results)
    assert checked >= 20 and not wrong, wrong
    checked, wrong = notebook_mismatches(results)
    assert checked > 100 and not wrong, wrong[:3]


def test_notebook_html_shows_no_small_counts(study):
    from bs4 import BeautifulSoup

    pages = sorted((study / "results/notebooks").glob("*.html"))
    assert len(pages) == 8  # study, partnership and six sites
    for page in pages:
        for html_table in BeautifulSoup(page.read_text(), "html.parser").find_all("table"):
            header = [th.get_text(strip=True) for th in html_table.find("tr").find_all("th")]
            rows = [
                [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
                for tr in html_table.find_all("tr")[1:]
            ]
            frame = pd.DataFrame([r for r in rows if len(r) == len(header)], columns=header)
            for column in frame.columns:
                if SUPPRESSIBLE.match(column):
                    assert not small_counts(frame[column]), (page.name, column)


# --- Interruption: a killed run, rerun, gives the same outputs -----------------------------------


def test_a_killed_run_resumes_to_byte_identical_outputs(study, tmp_path):
    import os
    import signal
    import time

    workdir = copy_project(tmp_path)
    run = subprocess.Popen(
        [SNAKEMAKE, "--cores", "2", "--profile", "profiles/default"],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env=project_env(workdir),
    )  # fmt: skip
    # Kill everything (Snakemake and its jobs) while the per-site jobs are writing.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(workdir.glob("results/interim/*/mapped/*")):
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert not (workdir / "results/manifest.json").exists(), "the run ended before the kill"
    snakemake(workdir, "--unlock")
    snakemake(workdir)
    # A second, independent run (interrupted, then resumed) is byte-identical to the first.
    first, second = checksums(study), checksums(workdir)
    assert len(first) > 30
    assert first == second
    manifest = json.loads((workdir / "results/manifest.json").read_text())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    assert {path: second[path] for path in listed if path in second} == {
        path: digest for path, digest in listed.items() if path in second
    }


def test_audit_report_holds_what_the_public_report_leaves_out(study):
    # Issue 18: exact counts (reconciliation), diagnostics, the manifest and the
    # disclosure audit are in the reviewers' report only; captions tell them apart.
    audit_html = "results/audit/audit_report.html"
    snakemake(study, "--cores", "1", "--config", "report=audit", "--report", audit_html)
    public = (study / "results/report.html").read_text(errors="replace")
    audit = (study / audit_html).read_text(errors="replace")
    for caption in (
        "This is an audit table for reviewers",  # reconciliation.csv
        "Provenance: run manifest",
        "tried to recover each suppressed",  # disclosure_audit.csv
        "Model diagnostics",
        "The statsmodels summary of every fitted model",  # summaries.txt, full precision
    ):
        assert caption not in public and caption in audit, caption
    assert "Replication table." in public and "Replication table." in audit
    assert "P5 Model summary." in public and "P5 Model summary." in audit


# --- The partnership interviews (issue 25): the published numbers equal the demo's truth ---------
# The expected numbers are recomputed here from the truth's planted presence (per document and
# coder, processes rolled up), with the config's presence rule (any coder) and word thresholds.

ROLES = ("caseworker", "family_mentor", "supervisor")


def interview_truth(study: Path) -> dict:
    return json.loads((study / "data/raw/interviews/interviews_truth.json").read_text())


def planted_presence(truth: dict) -> dict[int, set[str]]:
    """Interview order -> the themes any coder planted (the any_coder rule)."""
    return {
        d["order"]: {t for t in truth["themes"] if any(c[t] for c in d["present"].values())}
        for d in truth["documents"]
    }


def word(k: int, n: int) -> str:
    """config.yaml's interviews.prevalence.words: most >= .6, about half >= .4, some >= .2."""
    if k == n:
        return "all"
    if k == 0:
        return "none"
    share = k / n
    return next((w for w, low in (("most", .6), ("about half", .4), ("some", .2)) if share >= low),
                "few")  # fmt: skip


def test_partnership_prevalence_and_saturation_equal_the_truth(study):
    truth = interview_truth(study)
    present, role_of = planted_presence(truth), {d["order"]: d["role"] for d in truth["documents"]}
    exact = pd.read_csv(study / "results/tables/interviews_exact.csv")
    shown = pd.read_csv(study / "results/tables/interviews/prevalence.csv", dtype=str)
    assert len(exact) == len(shown) == len(truth["themes"]) * 4
    for theme in truth["themes"]:
        for role in ("all", *ROLES):
            orders = [o for o in present if role in ("all", role_of[o])]
            k = sum(theme in present[o] for o in orders)
            row = exact[(exact["theme"] == theme) & (exact["role"] == role)].iloc[0]
            assert (row["n_interviews"], row["n_present"]) == (len(orders), k), (theme, role)
            cell = shown[(shown["theme"] == theme) & (shown["role"] == role)].iloc[0]
            assert cell["prevalence"] == word(k, len(orders)), (theme, role)
    seen, new = set(), []
    for order in sorted(present):
        new.append(len(present[order] - seen))
        seen |= present[order]
    saturation = pd.read_csv(study / "results/tables/interviews/saturation.csv")
    assert list(saturation["n_new_themes"]) == new
    assert list(saturation["n_themes_cumulative"]) == list(pd.Series(new).cumsum())


def test_partnership_replication_rows_equal_the_truth(study):
    truth = interview_truth(study)
    present, docs = planted_presence(truth), truth["documents"]
    # Pooled Cohen's kappa over (double-coded interview, theme) decisions, by hand, on the
    # codes as coded (interviews.agreement.roll_up: false).
    a, b = [], []
    for d in (d for d in docs if d["double_coded"]):
        a += [d["coded"]["coder_a"][t] for t in truth["themes"]]
        b += [d["coded"]["coder_b"][t] for t in truth["themes"]]
    po = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    pa, pb = sum(a) / len(a), sum(b) / len(b)
    pe = pa * pb + (1 - pa) * (1 - pb)
    processes = {p for p in truth["process_of"].values()} | {
        t for t in truth["themes"] if t not in truth["process_of"] and t != "supervision"
    }
    expected = {
        "n_interviews": len(docs),
        **{f"n_{role}": sum(d["role"] == role for d in docs) for role in ROLES},
        "n_processes_present": len(processes & set().union(*present.values())),
        "n_double_coded": sum(d["double_coded"] for d in docs),
        "pooled_kappa": round((po - pe) / (1 - pe), 2),
    }
    assert expected["n_interviews"] == 22 and expected["n_supervisor"] == 4
    table = pd.read_csv(study / "results/tables/interviews/replication.csv")
    assert table.set_index("id")["computed"].to_dict() == expected


def test_partnership_joint_display_figures_notebook_and_coreq(study):
    joint = pd.read_csv(study / "results/tables/interviews/joint_display.csv", dtype=str)
    prevalence = pd.read_csv(study / "results/tables/interviews/prevalence.csv", dtype=str)
    replication = pd.read_csv(study / "results/tables/replication.csv", dtype=str)
    assert list(joint["finding"]) == ["P3", "P5", "P5", "P6"]
    assert list(joint["theme"]) == ["building_trust", *["family_engagement"] * 2, "supervision"]
    for row in joint.itertuples(index=False):
        overall = prevalence[(prevalence["theme"] == row.theme) & (prevalence["role"] == "all")]
        assert row.all == overall["prevalence"].iloc[0]
        assert row.this_run in set(replication["computed"])  # as printed, never refitted
    for figure in ("interview_themes_by_role", "interview_saturation"):
        assert (study / f"results/figures/{figure}.svg").stat().st_size > 5_000
    html = (study / "results/notebooks/partnership.html").read_text()
    assert "22 interviews: 9 caseworkers, 9 family mentors, 4 supervisors" in html
    coreq = pd.read_csv(study / "results/tables/interviews/coreq.csv").set_index("topic")
    assert coreq.loc["Description of sample", "this_run"] == (
        "by role: caseworker 9, family_mentor 9, supervisor 4"
    )


def test_no_interview_text_name_or_participant_id_is_public_and_a_planted_leak_is_caught(study):
    from peermentor.publish.audit import AUDIT_ONLY
    from peermentor.publish.audit.transcripts import (
        find_leaks,
        public_outputs,
        transcript_runs,
        words,
    )

    truth = interview_truth(study)
    units = pd.read_parquet(study / "results/interim/interviews/units.parquet")
    # The approved quotes, as printed (de-identified), are the only transcript words allowed.
    quotes = pd.read_csv(study / "results/tables/interviews/quotes.csv")
    assert len(quotes) == 3 and quotes["text"].str.contains(r"\[name\]", regex=True).any()
    runs = transcript_runs(
        zip(units["unit"].astype(str), units["text"], strict=True), approved=quotes["text"]
    )
    names = [*truth["names"], *truth["places"]]
    ids = [d["participant"] for d in truth["documents"]]
    outputs = public_outputs(study / "results", AUDIT_ONLY)
    assert {"tables/interviews/prevalence.csv", "notebooks/partnership.html"} <= set(outputs)
    assert any(name.endswith(".svg") for name in outputs)
    assert find_leaks(outputs, runs, names=names, raw_ids=ids) == []
    # Plant 8 words of a unit that are not in an approved quote (the demo's sentences recur).
    leak = next(
        " ".join(text.split()[i : i + 8])
        for text in units["text"]
        for i in range(len(text.split()) - 7)
        if tuple(words(" ".join(text.split()[i : i + 8]))) in runs
        and not any(n.lower() in " ".join(text.split()[i : i + 8]).lower() for n in names)
    )
    planted = {
        "tables/interviews/prevalence.csv": outputs["tables/interviews/prevalence.csv"]
        + f'x,"{leak}"\n',
        "figures/interview_saturation.svg": f"<!-- {truth['places'][0]} -->",
        "notebooks/partnership.html": f"<td>{ids[3]}</td>",
    }
    found = find_leaks(planted, runs, names=names, raw_ids=ids)
    assert sorted((f.file, f.kind) for f in found) == [
        ("figures/interview_saturation.svg", "name"),
        ("notebooks/partnership.html", "participant_id"),
        ("tables/interviews/prevalence.csv", "transcript_text"),
    ]
