"""The benchmark's single-process baseline: its jobs are Snakemake's own DAG, and --compare.

The end-to-end check (every output byte-identical to a workflow run) is in
tests/workflow/test_workflow_e2e.py, on its generated study.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Rules outside the `analysis` target: notebooks, manifest, the disclosure audit (a check over
# the published outputs), and snapshot_sql (the demo has no database site).
NOT_ANALYSIS = {
    "manifest", "study_notebook", "site_notebooks", "notebook_with_code", "audit_disclosure",
    "snapshot_sql", "partnership_notebook",
}  # fmt: skip


@pytest.fixture(scope="module")
def baseline():
    # benchmarks/ is not a package: load the script as a module, registered first so its
    # dataclasses can resolve their (postponed) annotations.
    name = "benchmarks_baseline"
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks/baseline.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[name]


def workflow_rules() -> set[str]:
    text = "\n".join(p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk"))
    return set(re.findall(r"^\s*rule (\w+):", text, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def jobs(baseline, tmp_path_factory):
    """The analysis jobs of the repository's config with no data yet: the demo is generated
    first (demo_data), then every site's branch."""
    workdir = baseline.working_dir(ROOT, tmp_path_factory.mktemp("baseline"))
    (workdir / "data").unlink()  # no exports: the DAG starts from the demo generator
    return [baseline.job_name(job) for job in baseline.dag_jobs(workdir, "analysis")]


def test_the_jobs_are_every_analysis_rule_of_the_workflow(jobs):
    """A rule added to the workflow is run by the baseline without restating it anywhere."""
    assert {name.split(":")[0] for name in jobs} == workflow_rules() - NOT_ANALYSIS | {"analysis"}


def test_each_site_is_ingested_and_cleaned_before_combining_and_the_order_is_stable(baseline, jobs):
    sites = [name.split(":")[1] for name in jobs if name.startswith("ingest_site:")]
    assert len(sites) == 6
    combine = jobs.index("combine_sites")
    for site in sites:
        assert jobs.index(f"ingest_site:{site}") < jobs.index(f"clean_site:{site}") < combine
    assert jobs.index("demo_data") == 0 and jobs[-1] == "analysis"
    assert jobs.index("family_profile") < jobs.index("outcome_models")
    assert jobs.index("outcome_models") < jobs.index("study_figures")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_compare_reports_identical_differing_missing_and_unmatched(baseline, tmp_path, capsys):
    out, results = tmp_path / "out", tmp_path / "results"
    output = baseline.Output(out, written=["tables/a.csv", "tables/b.csv", "models/c.csv"])
    for rel in output.written:
        write(out / rel, "x\n")
    write(results / "tables/a.csv", "x\n")
    write(results / "tables/b.csv", "y\n")
    write(results / "tables/extra.csv", "z")
    # Outputs the baseline leaves out by design, and temporary files, are not unmatched.
    for rel in ("manifest.json", "report.html", "notebooks/study.html", "tables/.a.csv.tmp"):
        write(results / rel, "")

    assert baseline.compare(output, results) is False
    lines = capsys.readouterr().out.splitlines()
    assert "  identical  tables/a.csv" in lines
    assert "  DIFFERS    tables/b.csv" in lines
    assert "  MISSING    models/c.csv" in lines
    assert any(line.startswith("  unmatched  tables/extra.csv") for line in lines)
    assert lines[-1] == "  1 identical, 1 differs, 1 missing, 1 unmatched"


def test_compare_passes_when_all_identical(baseline, tmp_path, capsys):
    out, results = tmp_path / "out", tmp_path / "results"
    output = baseline.Output(out, written=["tables/a.csv"])
    write(out / "tables/a.csv", "x\n")
    write(results / "tables/a.csv", "x\n")
    write(results / "manifest.json", "{}")
    assert baseline.compare(output, results) is True
