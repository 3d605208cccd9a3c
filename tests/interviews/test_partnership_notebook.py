"""The partnership notebook and its helpers on a tiny set of published interview tables:
committed clean, every parameter passed by its rule, tables shown exactly as printed."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat
import pandas as pd

from peermentor.figures import interviews as interview_figures
from peermentor.figures import save_figure
from peermentor.notebooks import partnership as narrative
from peermentor.notebooks.render import render_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks/partnership.ipynb"
RULES = ROOT / "workflow/rules/interviews.smk"

PREVALENCE = pd.DataFrame(
    {
        "theme": ["common_vision"] * 4 + ["supervision"] * 4,
        "label": ["Sharing a common vision"] * 4 + ["Supervision"] * 4,
        "process": ["common_vision"] * 4 + ["supervision"] * 4,
        "kind": ["process"] * 4 + ["supervision"] * 4,
        "role": ["all", "caseworker", "family_mentor", "supervisor"] * 2,
        "n_interviews": ["22", "9", "9", "4"] * 2,
        "prevalence": ["most", "most", "all", "about half", "some", "few", "few", "all"],
    }
)
REPLICATION = pd.DataFrame(
    {
        "id": ["n_interviews", "n_caseworker", "n_family_mentor", "n_supervisor",
               "n_processes_present", "n_double_coded", "pooled_kappa"],
        "published": ["22.0", "9.0", "9.0", "4.0", "4.0", "12.0", "0.9"],
        "computed": ["22.0", "9.0", "9.0", "4.0", "4.0", "12.0", "0.897"],
        "note": [""] * 7,
    }
)  # fmt: skip
AGREEMENT = pd.DataFrame(
    {
        "level": ["document", "unit"],
        "theme": ["pooled", "pooled"],
        "kappa": ["0.897", "0.81"],
        "alpha": ["0.8970", "0.81"],
        "alpha_ci_low": ["0.80", "0.7"],
        "alpha_ci_high": ["0.96", "0.9"],
    }
)


def test_processes_beside_paper_shows_printed_words_and_missing_themes():
    table = narrative.processes_beside_paper(PREVALENCE)
    assert len(table) == len(narrative.PAPER_FINDINGS)
    first = table.iloc[0]
    assert first["theme"] == "Sharing a common vision"
    assert [first[r] for r in ("all", "caseworker", "family mentor", "supervisor")] == [
        "most", "most", "all", "about half"
    ]  # fmt: skip
    assert table.iloc[1]["all"] == "not in this run's themes"  # working_relationships


def test_quotes_markdown():
    quotes = pd.DataFrame(
        {"quote": ["1"], "theme": ["supervision"], "label": ["Supervision"],
         "role": ["family_mentor"], "text": ["We met weekly."]}
    )  # fmt: skip
    assert narrative.quotes_markdown(quotes) == (
        "> We met weekly.\n>\n> -- family mentor, on *Supervision* (quote 1)"
    )
    assert narrative.quotes_markdown(quotes.iloc[:0]).startswith("No quote is approved")


def test_sample_and_agreement_sentences():
    assert narrative.sample_sentence(REPLICATION) == (
        "**This run:** 22 interviews: 9 caseworkers, 9 family mentors, 4 supervisors. "
        "**The paper:** 22 interviews: 9 caseworkers, 9 family mentors, 4 supervisors."
    )
    sentence = narrative.agreement_sentence(REPLICATION, AGREEMENT)
    assert "pooled Cohen's kappa 0.90 in this run; 0.90 in the paper" in sentence
    assert "alpha (nominal) 0.8970 (bootstrap interval 0.80 to 0.96)" in sentence


def test_committed_notebook_is_clean_and_its_rule_passes_every_parameter():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(c.outputs == [] for c in notebook.cells if c.cell_type == "code")
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    declared = set(re.findall(r"^(\w+)\s*=", cells[0].source, re.M))
    rule = RULES.read_text().split("rule partnership_notebook:")[1].split("\nrule ")[0]
    inputs = rule.split("    input:\n")[1].split("    output:\n")[0]
    paths = set(re.findall(r"^        (\w+)=", inputs, re.M)) - {"code", "notebook"}
    settings = set(re.findall(r'"(\w+)":', rule.split("    params:\n")[1]))
    assert paths | settings == declared and not paths & settings


def published_tables(root: Path) -> dict[str, str]:
    """Tiny published tables and figures under ``root``; the notebook's parameters."""
    tables = root / "results/tables/interviews"
    tables.mkdir(parents=True)
    saturation = pd.DataFrame(
        {"order": ["1", "2", "3"], "n_new_themes": ["2", "0", "0"]}
        | {"n_themes_cumulative": ["2"] * 3}
    )
    frames = {
        "prevalence": PREVALENCE,
        "cooccurrence": pd.DataFrame(
            {"theme_a": ["common_vision"], "theme_b": ["supervision"], "both": ["some"]}
        ),
        "agreement": AGREEMENT,
        "saturation": saturation,
        "quotes": pd.DataFrame(
            {
                "quote": ["1"],
                "theme": ["supervision"],
                "label": ["Supervision"],
                "role": ["family_mentor"],
                "text": ["My supervisor [NAME] listened every week."],
            }
        ),
        "joint_display": pd.DataFrame({"finding": ["P6"], "this_run": ["<11"], "all": ["some"]}),
        "coreq": pd.DataFrame({"item": ["12"], "topic": ["Sample size"], "this_run": ["22"]}),
        "partnership_replication": REPLICATION.assign(
            figure=REPLICATION["id"], difference="0.0", definition="d"
        ),
    }
    params = {}
    for name, frame in frames.items():
        path = tables / f"{name}.csv"
        frame.to_csv(path, index=False)
        params[name] = str(path.relative_to(root))
    figures = root / "results/figures"
    figures.mkdir()
    for name, fig in (
        ("fig_theme_roles", interview_figures.theme_role_heatmap(PREVALENCE)),
        ("fig_saturation", interview_figures.saturation_curve(saturation)),
    ):
        save_figure(fig, figures / f"{name}.png", figures / f"{name}.svg")
        params[name] = f"results/figures/{name}.png"
    return params


def test_notebook_executes_and_shows_tables_as_printed(tmp_path):
    params = published_tables(tmp_path)
    with contextlib.chdir(tmp_path):
        render_notebook(
            NOTEBOOK,
            tmp_path / "partnership.ipynb",
            tmp_path / "partnership.html",
            parameters={**params, "study_name": "tiny", "report_as": "words"},
        )
    html = (tmp_path / "partnership.html").read_text()
    assert "0.8970" in html  # the printed alpha, not re-rounded
    assert "about half" in html and "&lt;11" in html
    assert "22 interviews: 9 caseworkers, 9 family mentors, 4 supervisors" in html
    assert "My supervisor [NAME] listened every week." in html
    assert narrative.PAPER_FINDINGS["supervision"] in html  # whole cells, never cut with "..."
