"""Narrative notebooks: committed clean, parameterized, and executable on a small results
folder; their helpers never undo suppression and their executions are reproducible."""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from profile_helpers import synthetic_profile

from peermentor import notebooks as narrative
from peermentor.analysis.engagement import summarize_early_engagement_overall_and_sites
from peermentor.analysis.profile import summarize_profile_overall_and_sites
from peermentor.notebooks.render import notebook_html, render_notebook
from peermentor.publish.disclosure import publish_early_summary, publish_profile_summary

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {"study": ROOT / "notebooks/study.ipynb", "site": ROOT / "notebooks/site.ipynb"}
RULES = ROOT / "workflow/rules/notebooks.smk"
SECRET = "SECRET-VALUE-123"  # a quarantined value that must never reach a notebook


def parameters_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


# --- (a) the committed notebooks -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_committed_notebook_has_no_outputs(name):
    notebook = nbformat.read(NOTEBOOKS[name], as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    assert "papermill" not in notebook.metadata


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_the_rule_passes_every_parameter_and_every_path_is_an_input(name):
    notebook = nbformat.read(NOTEBOOKS[name], as_version=4)
    declared = set(re.findall(r"^(\w+)\s*=", parameters_cell(notebook).source, re.M))
    rule = _rule_text(f"notebooks/{name}.ipynb")
    # workflow/scripts/render_notebook.py passes every named input but the template and
    # the package code as a parameter (its path), then the settings in params.parameters.
    input_block = rule.split("    input:\n")[1].split("    output:\n")[0]
    paths = set(re.findall(r"^        (\w+)=", input_block, re.M)) - {"code", "notebook"}
    params_block = rule.split("    params:\n")[1].split("    message:\n")[0]
    settings = set(re.findall(r'"(\w+)":', params_block))
    if name == "site":
        # one job for every site (render_site_notebooks.py): site_id is each of params.sites
        assert "        sites=SITES,\n" in params_block
        settings.add("site_id")
    # No default is silently used, no parameter the notebook ignores is passed, and a path
    # the notebook reads is a rule input, so a change to it reruns the notebook.
    assert paths | settings == declared
    assert not paths & settings
    script = "render_site_notebooks.py" if name == "site" else "render_notebook.py"
    assert f'"../scripts/{script}"' in rule


def _rule_text(template: str) -> str:
    rules = RULES.read_text().split("\nrule ")
    (rule,) = [r for r in rules if f'notebook="{template}"' in r]
    return rule


def test_study_rule_inputs_are_the_notebooks_default_paths():
    rule = _rule_text("notebooks/study.ipynb")
    for name, path in {**narrative.STUDY_TABLES, **narrative.STUDY_FIGURES}.items():
        assert f'{name}="{path}"' in rule, name


# --- helpers: suppression kept, quarantine counted, volatile fields stripped ------------------


def test_replication_answer_keeps_suppression():
    replication = pd.DataFrame(
        {
            "analysis": ["P6", "P1"],
            "figure": ["Mentors stable or advanced, %", "Mean hours"],
            "published": [64.3, 55.3],
            "computed": ["<11", 56.28],
            "difference": ["<11", 0.98],
        }
    )
    assert "suppressed (<11) in this run" in narrative.replication_answer(replication, "P6")
    assert "56.3 in this run; 55.3 published" in narrative.replication_answer(replication, "P1")


def test_format_value_leaves_markers_and_shows_significant_digits():
    assert narrative.format_value("[c]") == "[c]"
    assert narrative.format_value(13.9513) == "14.0"
    assert narrative.format_value(15004.0) == "15004"  # no separator: as the tables print it
    assert narrative.format_value(1.45565e-26) == "1.46e-26"
    assert narrative.format_value(float("nan")) == ""


def test_published_text_is_shown_as_the_csv_holds_it(tmp_path):
    """Issue 23: a published table reads as its CSV's strings: the policy's decimals,
    markers and bounds, never re-formatted by pandas ("0.80" stays, "14.0" stays)."""
    path = tmp_path / "t.csv"
    path.write_text(
        "measure,n_families,mean,share_receiving,effect,p_adjusted,note\n"
        "act_recovery_coaching,1234,14.0,>=0.966,0.80,1.40e-22,\n"
        "contacts_per_month,<11,[c],1.000,0.00,0.700,x\n"
    )
    table = narrative.read_published(path)
    shown = narrative.format_table(table)
    assert list(shown.columns) == [
        "Measure", "Families", "Mean", "Share receiving", "Effect", "Adjusted p", "Note",
    ]  # fmt: skip
    assert shown["Measure"].tolist() == ["Recovery coaching", "Contacts per month"]
    for label, column in zip(shown.columns[1:], table.columns[1:], strict=True):
        assert shown[label].tolist() == table[column].tolist(), column
    assert narrative.shown(table.at[0, "effect"]) == "0.80"


def test_quarantine_summary_counts_reasons_and_reads_no_values(tmp_path):
    paths = write_quarantine(tmp_path / "quarantine", "kenton")
    summary = narrative.quarantine_summary(paths.values())
    assert summary.to_dict("records") == [
        {"table": "families", "reason": "closed_before_opened", "rows": 1},
        {"table": "contacts", "reason": "duplicate", "rows": 2},
        {"table": "contacts", "reason": "outside_case_window", "rows": 1},
    ]
    assert SECRET not in summary.to_string()


def test_strip_volatile_removes_timestamps_and_the_random_cell_id():
    notebook = nbformat.v4.new_notebook(
        metadata={
            "papermill": {
                "start_time": "t0",
                "end_time": "t1",
                "duration": 1.0,
                "parameters": {"site_id": "kenton"},
            }
        },
        cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("site_id = 'k'")],
    )
    notebook.cells[0].metadata = {
        "execution": {"iopub.execute_input": "t"},
        "papermill": {"start_time": "t", "end_time": "t", "duration": 0.1, "status": "completed"},
    }
    notebook.cells[1].metadata = {"tags": ["injected-parameters"]}
    narrative.strip_volatile(notebook)
    assert notebook.metadata.papermill == {"parameters": {"site_id": "kenton"}}
    assert notebook.cells[0].metadata == {"papermill": {"status": "completed"}}
    assert notebook.cells[1].id == "injected-parameters"
    nbformat.validate(notebook)


# --- (b) executing the site notebook on a small results folder --------------------------------


def write_quarantine(folder: Path, site: str) -> dict[str, Path]:
    """A site's quarantine files (every column, as cleaning writes them); path per table."""
    columns = [
        "site_id",
        "table",
        "source_file",
        "source_row",
        "reason",
        "column",
        "value",
        "detail",
        "family_id",
        "mentor_id",
        "contact_id",
    ]
    rows = {
        "families": [("closed_before_opened", "F-SECRET")],
        "contacts": [("duplicate", "F-1"), ("duplicate", "F-2"), ("outside_case_window", "F-3")],
        "mentors": [],
    }
    (folder / site).mkdir(parents=True, exist_ok=True)
    paths = {table: folder / site / f"{table}.csv" for table in rows}
    for table, problems in rows.items():
        records = [
            (site, table, "raw.csv", 2 + i, reason, "col", SECRET, "", family, "M-1", "")
            for i, (reason, family) in enumerate(problems)
        ]
        pd.DataFrame(records, columns=columns).to_csv(paths[table], index=False)
    return paths


def fake_results(root: Path) -> Path:
    """The files the site notebook reads, built with the package's own summaries."""
    profile = synthetic_profile(n=160, n_sites=2)
    profile["site_id"] = profile["site_id"].map({"site0": "kenton", "site1": "perry"})
    results = root / "results"
    (results / "tables").mkdir(parents=True)
    profile.to_parquet(results / "tables/family_profile.parquet", index=False)
    service = summarize_profile_overall_and_sites(profile)
    publish_profile_summary(service, min_cell_size=11).to_csv(
        results / "tables/service_profile.csv", index=False
    )
    early = summarize_early_engagement_overall_and_sites(
        profile[["family_id", "site_id", "early_reached_n", "early_days_to_nth", "early_hours"]],
        n_contacts=7,
    )
    publish_early_summary(early, min_cell_size=11).to_csv(
        results / "tables/early_engagement.csv", index=False
    )
    reconciliation = pd.DataFrame(
        [
            (site, table, 100, 99, 1, True, 1)
            for site in ("kenton", "perry")
            for table in ("families", "contacts", "mentors")
        ],
        columns=[
            "site_id",
            "table",
            "rows_read",
            "rows_kept",
            "rows_quarantined",
            "balanced",
            "quarantined_duplicate",
        ],
    )
    reconciliation.to_csv(results / "tables/reconciliation.csv", index=False)
    for site in ("kenton", "perry"):
        write_quarantine(results / "quarantine", site)
    return results


def execute_site(root: Path, name: str, site: str) -> nbformat.NotebookNode:
    output = root / f"{name}.ipynb"
    with contextlib.chdir(root):  # the parameters are paths relative to the project
        return render_notebook(
            NOTEBOOKS["site"],
            output,
            root / f"{name}.html",
            parameters={
                "site_id": site,
                "reconciliation": "results/tables/reconciliation.csv",
                "service_profile": "results/tables/service_profile.csv",
                "early_engagement": "results/tables/early_engagement.csv",
                "family_profile": "results/tables/family_profile.parquet",
                **{
                    f"quarantine_{table}": f"results/quarantine/{site}/{table}.csv"
                    for table in narrative.QUARANTINE_TABLES
                },
                "min_cell_size": 11,
                "study_name": "Test study",
            },
        )


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    root = tmp_path_factory.mktemp("site_notebook")
    fake_results(root)
    return [execute_site(root, f"run{i}", "kenton") for i in (1, 2)]


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            parts += [str(v) for k, v in output.get("data", {}).items() if k != "image/png"]
    return "\n".join(parts)


def test_site_notebook_runs_with_the_site_parameter(executed):
    notebook = executed[0]
    text = outputs_text(notebook)
    assert "# Site: kenton" in text
    assert "Reconciliation, site kenton" in text
    assert "example" not in text  # the template's default site_id was replaced
    assert notebook.metadata.papermill.parameters["site_id"] == "kenton"
    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) == 2
    assert "site kenton" in images[0].metadata["image/png"]["alt"]


def test_site_notebook_has_no_errors_and_no_quarantined_values(executed):
    notebook = executed[0]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.id
            assert output.get("name") != "stderr", (cell.id, output.get("text"))
    assert SECRET not in outputs_text(notebook)
    assert "F-SECRET" not in outputs_text(notebook)


def test_site_notebook_html_is_identical_across_executions(executed):
    first, second = (notebook_html(notebook) for notebook in executed)
    assert "kenton" in first and "site_id" not in first  # code hidden
    assert first == second


def test_site_reconciliation_and_quarantine_counts_are_suppressed_for_publication(tmp_path):
    from peermentor import notebooks as narrative

    recon = pd.DataFrame(
        {
            "site_id": ["s", "s"],
            "table": ["families", "contacts"],
            "rows_read": [117, 8070],
            "rows_kept": [116, 8051],
            "rows_quarantined": [1, 19],
            "balanced": [True, True],
            "quarantined_duplicate": [0, 3],
            "quarantined_closed_before_opened": [1, 0],
            "quarantined_family_quarantined": [0, 16],
        }
    )
    shown = narrative.site_reconciliation(recon, "s", min_cell_size=11)
    families = shown.iloc[0]
    assert families["rows_quarantined"] == "<11"
    assert families["quarantined_closed_before_opened"] == "<11"
    # read = kept + quarantined: the kept count would give the suppressed one away.
    assert families["rows_kept"] == "[c]" or families["rows_read"] == "[c]"
    assert bool(families["balanced"]) is True
    path = tmp_path / "families.csv"
    pd.DataFrame({"table": ["families"], "reason": ["closed_before_opened"]}).to_csv(path)
    summary = narrative.quarantine_summary([path], min_cell_size=11)
    assert summary["rows"].tolist() == ["<11"]


def test_site_reconciliation_of_a_clean_site_shows_zeros():
    """A site without any quarantined row (no reason column) publishes its counts and zeros."""
    from peermentor import notebooks as narrative

    recon = pd.DataFrame(
        {
            "site_id": ["s", "s"],
            "table": ["families", "contacts"],
            "rows_read": [117, 8070],
            "rows_kept": [117, 8070],
            "rows_quarantined": [0, 0],
            "balanced": [True, True],
            "quarantined_duplicate": [0, 0],
        }
    )
    shown = narrative.site_reconciliation(recon, "s", min_cell_size=11)
    assert list(shown.columns) == [
        "table", "rows_read", "rows_kept", "rows_quarantined", "balanced",
    ]  # fmt: skip
    assert shown["rows_read"].tolist() == [117, 8070]
    assert shown["rows_kept"].tolist() == [117, 8070]
    assert shown["rows_quarantined"].tolist() == [0, 0]


def test_site_outcomes_says_when_every_case_is_open():
    from peermentor import notebooks as narrative

    profile = pd.DataFrame(
        {"site_id": ["a"] * 3 + ["b"] * 14 + ["c"] * 2, "case_closed": [False] * 3 + [True] * 14
         + [True, False]}
    )  # fmt: skip
    assert narrative.site_outcomes(profile, "a", 11) == (
        "All of site a's cases (fewer than 11) were still open at the data cut-off: the site has "
        "no outcome at closure, and the outcome models are fitted on the other sites' closed cases."
    )
    assert narrative.site_outcomes(profile, "b", 11) == (
        "Site b has 14 closed cases by the data cut-off; their outcomes at closure enter the "
        "study's outcome models."
    )
    assert "fewer than 11 closed cases" in narrative.site_outcomes(profile, "c", 11)


def test_site_outcomes_withholds_a_closed_count_that_reveals_few_open_cases():
    """117 families are published; 110 closed would reveal 7 open cases, so it shows [c]."""
    from peermentor import notebooks as narrative

    profile = pd.DataFrame({"site_id": "d", "case_closed": [True] * 110 + [False] * 7})
    sentence = narrative.site_outcomes(profile, "d", 11)
    assert sentence == (
        "Site d has closed cases by the data cut-off (count [c]); their outcomes at closure "
        "enter the study's outcome models."
    )
    assert "110" not in sentence and "7" not in sentence
    open_11 = pd.DataFrame({"site_id": "d", "case_closed": [True] * 110 + [False] * 11})
    assert "110 closed cases" in narrative.site_outcomes(open_11, "d", 11)


def test_one_label_dictionary_for_rows_and_columns():
    from peermentor.notebooks.labels import column_label, measure_label

    assert measure_label("act_recovery_coaching") == "Recovery coaching"
    assert measure_label("act_other") == "Other activity" and measure_label("mode_other") == (
        "Mode: other"
    )
    assert measure_label("stable_or_advanced") == "Stable or advanced"
    assert measure_label("C(rurality)[T.urban]") == "Rurality: urban"
    assert column_label("p_adjusted") == "Adjusted p" and column_label("n_rural") == "Rural n"
    assert column_label("welch_df") == "Welch df"  # unlisted: readable, never lost


# --- (c) every site's notebook in one job (render_site_notebooks.py) --------------------------


class Named(dict):
    """A stand-in for Snakemake's named lists: items() and attribute access."""

    __getattr__ = dict.__getitem__


def site_job(sites: list[str]) -> tuple[Named, Named, Named, Named]:
    """The site_notebooks rule's input, output, params and log for ``sites`` (relative paths)."""
    shared = {
        "reconciliation": "results/tables/reconciliation.csv",
        "service_profile": "results/tables/service_profile.csv",
        "early_engagement": "results/tables/early_engagement.csv",
        "family_profile": "results/tables/family_profile.parquet",
    }
    quarantine = {
        f"quarantine_{table}": [f"results/quarantine/{site}/{table}.csv" for site in sites]
        for table in narrative.QUARANTINE_TABLES
    }
    input = Named(code=["src/x.py"], notebook=str(NOTEBOOKS["site"]), **shared, **quarantine)
    output = Named(
        notebook=[f"out/site_{site}.ipynb" for site in sites],
        html=[f"out/site_{site}.html" for site in sites],
    )
    params = Named(sites=sites, parameters={"min_cell_size": 11, "study_name": "Test study"})
    log = Named(job="logs/sites.log", sites=[f"logs/site_{site}.log" for site in sites])
    return input, output, params, log


def test_site_notebooks_job_gives_each_site_the_files_of_its_own_execution(tmp_path):
    from peermentor.notebooks import sites as notebooks
    from peermentor.notebooks.sites import site_inputs

    fake_results(tmp_path)
    input, output, params, log = site_job(["perry", "kenton"])
    with contextlib.chdir(tmp_path):
        notebooks.render_site_notebooks(input, output, params, log)
        # kenton in a kernel of its own, as the workflow ran it before (one job per site)
        inputs = {k: v for k, v in input.items() if k not in notebooks.NOT_PARAMETERS}
        parameters = {**site_inputs(inputs, 1), "site_id": "kenton", **params.parameters}
        alone_files = (tmp_path / "alone.ipynb", tmp_path / "alone.html")
        alone = render_notebook(NOTEBOOKS["site"], *alone_files, parameters)
    out = tmp_path / "out"
    # perry ran first in the kernel: kenton's files are those of a kernel of its own, byte for
    # byte, but for the output path papermill records
    batch = (out / "site_kenton.ipynb").read_text()
    assert (
        batch.replace("out/site_kenton.ipynb", str(tmp_path / "alone.ipynb"))
        == (tmp_path / "alone.ipynb").read_text()
    )
    assert (out / "site_kenton.html").read_bytes() == (tmp_path / "alone.html").read_bytes()
    counts = [c.execution_count for c in alone.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # and so kenton's, though perry ran first
    perry = nbformat.read(out / "site_perry.ipynb", as_version=4)
    assert perry.metadata.papermill.parameters["site_id"] == "perry"
    assert "Reconciliation, site perry" in outputs_text(perry)
    for site in ("perry", "kenton"):
        log = (tmp_path / f"logs/site_{site}.log").read_text()
        assert log.startswith(f"site notebook {site}: started\n")
        assert f"site notebook {site}: done in" in log


def test_site_notebooks_job_names_the_failing_site_in_the_error_and_its_log(tmp_path):
    from peermentor.notebooks import sites as notebooks
    from peermentor.notebooks.render import NotebookError

    fake_results(tmp_path)
    (tmp_path / "results/quarantine/perry/contacts.csv").unlink()
    with contextlib.chdir(tmp_path), pytest.raises(NotebookError) as raised:
        notebooks.render_site_notebooks(*site_job(["kenton", "perry"]))
    assert str(raised.value).startswith("site perry: ")
    assert "FileNotFoundError" in str(raised.value)
    assert "done in" in (tmp_path / "logs/site_kenton.log").read_text()
    log = (tmp_path / "logs/site_perry.log").read_text()
    assert "site notebook perry: FAILED" in log and "contacts.csv" in log
    assert not (tmp_path / "out/site_perry.ipynb").exists()


def test_site_inputs_picks_each_sites_item_of_per_site_lists():
    from peermentor.notebooks.sites import site_inputs

    inputs = {"shared": "t.csv", "quarantine_families": ["a/f.csv", "b/f.csv"]}
    assert site_inputs(inputs, 1) == {"shared": "t.csv", "quarantine_families": "b/f.csv"}


def _loaded_in_a_new_process(imports: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``imports``."""
    import subprocess
    import sys

    code = f"import sys\n{imports}\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def test_a_notebook_jobs_own_process_loads_no_pandas():
    # The job executes the notebook in a kernel, which reads the tables; the job process
    # itself only parameterizes, strips and converts, so it pays no pandas import (0.4 s).
    imports = "import peermentor.runner, peermentor.notebooks.render, peermentor.notebooks.sites"
    assert _loaded_in_a_new_process(imports, ("pandas", "numpy", "pyarrow")) == []


def test_the_packages_names_load_from_their_modules_on_first_use():
    import importlib

    import peermentor.notebooks as package

    for name in package.__all__:
        module = importlib.import_module(f"peermentor.notebooks.{package._MODULE_OF[name]}")
        assert getattr(package, name) is getattr(module, name), name
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'site_row'"):
        package.site_row  # noqa: B018


def test_the_notebooks_and_figures_imports_load_neither_statsmodels_nor_scipy_stats():
    # What the notebooks and the figure jobs import (the job process, through notebooks.render;
    # the outcome figure reads the model step's curve record): statsmodels and scipy.stats
    # cost about 2 s of import, and neither a notebook nor a figure fits a model.
    imports = (
        "from peermentor import figures, notebooks\nfrom peermentor.notebooks import render\n"
        "from peermentor.analysis.prediction import PredictionCurve"
    )
    assert _loaded_in_a_new_process(imports, ("statsmodels", "scipy.stats", "seaborn")) == []
