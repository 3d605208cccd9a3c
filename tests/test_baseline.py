"""The benchmark's single-process baseline: it mirrors every analysis rule, and --compare."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Rules the baseline leaves out by design: raw data exists, no notebooks, report or manifest,
# and no disclosure audit (a check over the published outputs, not an analysis).
NOT_MIRRORED = {
    "demo_data", "manifest", "study_notebook", "site_notebook", "notebook_with_code",
    "audit_disclosure",
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


def test_every_analysis_rule_has_a_stage(baseline):
    """A rule added to the workflow must be mirrored in the baseline (or listed above)."""
    names = [name for name, _ in baseline.stages(["a", "b"])]
    assert {name.split(":")[0] for name in names} == workflow_rules() - NOT_MIRRORED


def test_each_site_is_ingested_and_cleaned_before_combining(baseline):
    names = [name for name, _ in baseline.stages(["a", "b"])]
    combine = names.index("combine_sites")
    for site in ("a", "b"):
        assert names.index(f"ingest_site:{site}") < names.index(f"clean_site:{site}") < combine


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
