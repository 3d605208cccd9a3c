"""The benchmark's single-process baseline: it mirrors every analysis rule, and --compare."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Rules the baseline leaves out by design: raw data exists, no notebooks, report or manifest,
# and no disclosure audit (a check over the published outputs, not an analysis).
# snapshot_sql: the demo, which the baseline runs, has no database site.
NOT_MIRRORED = {
    "demo_data", "manifest", "study_notebook", "site_notebooks", "notebook_with_code",
    "audit_disclosure", "snapshot_sql", "partnership_notebook",
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


# --- the binding against workflow/rules/*.smk: each rule's names, paths and params ---

RULE = re.compile(r"^(?P<indent> *)rule (?P<name>\w+):$")
SECTIONS = ("input", "output", "params")


def declared_rules() -> dict[str, dict[str, dict[str, str]]]:
    """Each rule's input, output and params items in the rules files: name -> the item's text.

    For this repository's snakefmt-formatted files: a rule's directives sit 4 spaces in, their
    items 8; an item runs on while its brackets are open. An unnamed item is named "#<n>".
    """
    rules: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted((ROOT / "workflow/rules").glob("*.smk")):
        rule, section, item, indent, depth = None, None, None, 0, 0
        for line in path.read_text().splitlines():
            stripped, at = line.strip(), len(line) - len(line.lstrip())
            if depth:  # inside an item's open brackets
                if section in SECTIONS:
                    rule[section][item] += " " + stripped
            elif match := RULE.match(line):
                rule, section, indent = rules.setdefault(match["name"], {}), None, at
            elif rule is None or not stripped or stripped.startswith("#"):
                pass
            elif at <= indent:
                rule = None
            elif at == indent + 4:
                section = stripped.split(":")[0]
            elif at == indent + 8 and section in SECTIONS:
                items = rule.setdefault(section, {})
                named = re.match(r"(\w+)=(.*)", stripped)
                item = named[1] if named else f"#{len(items)}"
                items[item] = named[2] if named else stripped
            depth += _open_brackets(line)
    return rules


def _open_brackets(line: str) -> int:
    code = re.sub(r'"[^"]*"', '""', line.split(" #")[0])  # brackets in strings and comments
    return len(re.findall(r"[([{]", code)) - len(re.findall(r"[)\]}]", code))


def smk_path(text: str) -> tuple[str, tuple[str, ...]] | None:
    """A path item's pattern and what it is expanded over, or None (a common.smk function)."""
    text = text.rstrip(",").strip()
    if match := re.fullmatch(r'(?:report\(|audit_only\()?\s*"([^"]*)".*', text):
        return match[1], ()
    if match := re.fullmatch(r'expand\(\s*"([^"]*)",(.*)\)', text):
        pattern = match[1].replace("{{", "{").replace("}}", "}")
        return pattern, tuple(re.findall(r"(\w+)=", match[2]))
    return None


def bound_path(baseline, value) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(value, str):
        return value, ()
    if isinstance(value, baseline.Paths):
        return value.pattern, value.over
    return None


@pytest.fixture(scope="module")
def declared():
    return declared_rules()


def test_the_rules_file_parser_sees_every_rule_and_its_unnamed_items(declared):
    assert set(declared) == workflow_rules()
    assert set(declared["audit_disclosure"]["output"]) == {"audit"}
    assert declared["clean_site"]["params"]["site"] == "lambda wildcards: wildcards.site,"
    assert smk_path(declared["combine_sites"]["input"]["kept"]) == (
        "results/interim/{site}/{table}.parquet",
        ("site", "table"),
    )


def test_each_job_is_named_like_its_rule(baseline):
    for name, rule in baseline.RULES.items():
        assert rule.job.__name__ == name


def test_the_baseline_binds_the_names_each_rule_declares(baseline, declared):
    for name, rule in baseline.RULES.items():
        smk = declared[name]
        assert set(rule.input) == set(smk["input"]) - {"code"}, name
        assert set(rule.output) == set(smk["output"]), name
        assert set(rule.params) == set(smk.get("params", {})), name


def test_the_baseline_binds_the_paths_each_rule_declares(baseline, declared):
    for name, rule in baseline.RULES.items():
        for section in ("input", "output"):
            for item, value in getattr(rule, section).items():
                text = declared[name][section][item]
                expected = smk_path(text)
                if expected is None:  # a function of common.smk, bound by its namesake
                    assert value.compute.__name__ == text.rstrip(","), (name, item)
                else:
                    assert bound_path(baseline, value) == expected, (name, item)


def test_the_baseline_binds_the_params_each_rule_declares(baseline, declared):
    common = (ROOT / "workflow/rules/common.smk").read_text()
    tables = ast.literal_eval(re.search(r"^TABLES = (\[.*\])$", common, re.M)[1])
    for name, rule in baseline.RULES.items():
        for item, value in rule.params.items():
            text = declared[name]["params"][item].rstrip(",").replace("SITES", 'config["sites"]')
            where = (name, item, text)
            if match := re.fullmatch(r'config((?:\["\w+"\])+)(?:\.get\("(\w+)", (.+)\))?', text):
                keys = tuple(re.findall(r'"(\w+)"', match[1])) + ((match[2],) if match[2] else ())
                assert isinstance(value, baseline.Conf), where
                assert value.keys == keys, where
                assert value.has_default == bool(match[2]), where
                if match[2]:
                    assert value.default == ast.literal_eval(match[3]), where
            elif text == "TABLES":
                assert value == tables, where
            elif text.isidentifier():  # a function of common.smk
                assert value.compute.__name__ == text, where
            elif text.startswith(("lambda", "{")):  # a wildcard, a dict built from the configs
                assert isinstance(value, baseline.From), where
            else:
                assert value == ast.literal_eval(text), where
