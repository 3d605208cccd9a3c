"""`peermentor describe`: its figures are the replication table's, for the same study tables."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from peermentor.analysis.engagement import early_engagement, summarize_early_engagement
from peermentor.analysis.profile import family_profile, summarize_profile, with_early_engagement
from peermentor.analysis.workforce import mentor_workforce, summarize_workforce
from peermentor.config import load_study
from peermentor.demo.simulate import simulate_study
from peermentor.onboard.describe import against_paper, study_counts, study_figures
from peermentor.publish.replication import PUBLISHED, p1_p3_p6_computed, replication_rows

ROOT = Path(__file__).resolve().parents[2]
DEMO_STUDY = load_study(ROOT / "config/config.yaml", schema_dir=ROOT / "workflow/schemas")


def other_choices() -> dict:
    """The demo config with every choice the figures depend on changed."""
    study = copy.deepcopy(DEMO_STUDY)
    study["study"]["data_cutoff"] = "2016-12-31"
    study["profile"] = {
        "count_statuses": ["completed", "no_show"],
        "hours_include_collateral": False,
    }
    study["early_engagement"] = {"n_contacts": 5, "anchor": "case_open"}
    return study


@pytest.fixture(scope="module")
def tables() -> dict:
    study = simulate_study(n_families=150, n_mentors=12)
    return {"families": study.families, "contacts": study.contacts, "mentors": study.mentors}


def replication_computed(tables: dict, study: dict) -> dict:
    """The replication table's computed P1-P3 and P6 values, made as the workflow's adapters do
    (workflow/scripts/family_profile.py, workforce.py, replication_table.py)."""
    families, contacts, mentors = tables["families"], tables["contacts"], tables["mentors"]
    cutoff, early_cfg = study["study"]["data_cutoff"], study["early_engagement"]
    common = dict(study["profile"])
    profile = family_profile(families, contacts, data_cutoff=cutoff, **common)
    early = early_engagement(
        contacts,
        families,
        n_contacts=early_cfg["n_contacts"],
        anchor=early_cfg["anchor"],
        data_cutoff=cutoff,
        **common,
    )
    computed = p1_p3_p6_computed(
        summarize_profile(with_early_engagement(profile, early)),
        summarize_early_engagement(early, n_contacts=early_cfg["n_contacts"]),
        summarize_workforce(mentor_workforce(mentors, families, contacts, data_cutoff=cutoff)),
    )
    table = replication_rows(computed)
    return dict(zip(table["id"], table["computed"], strict=True))


@pytest.mark.parametrize("study", [DEMO_STUDY, other_choices()], ids=["demo config", "other"])
def test_figures_are_the_replication_tables_computed_values(tables, study):
    figures = study_figures(tables, study)
    expected = replication_computed(tables, study)
    assert set(figures) == set(expected)
    assert {fig.analysis for fig in PUBLISHED if fig.id in figures} == {"P1", "P2", "P3", "P6"}
    for figure, value in expected.items():
        assert figures[figure] == value, figure


def test_the_configured_choices_reach_the_figures(tables):
    demo, other = study_figures(tables, DEMO_STUDY), study_figures(tables, other_choices())
    changed = {k for k in demo if demo[k] != other[k]}
    assert changed == set(demo) - {"pct_mentors_stable_or_advanced"}  # P6 counts no contacts


def test_counts_are_the_tables_rows(tables):
    assert study_counts(tables) == {
        "n_sites": tables["families"]["site_id"].nunique(),
        "n_mentors": len(tables["mentors"]),
        "n_families": 150,
        "n_contacts": len(tables["contacts"]),
    }


def test_against_paper_sets_each_figure_beside_the_published_one(tables):
    figures = study_figures(tables, DEMO_STUDY)
    compared = against_paper(figures)
    published = {fig.id: fig.published for fig in PUBLISHED}
    assert set(compared) == set(figures)
    for figure, line in compared.items():
        assert line["computed"] == figures[figure]
        assert line["published"] == published[figure]
        assert line["relative_difference"] == pytest.approx(figures[figure] / published[figure] - 1)


def test_a_figure_without_a_value_is_the_not_estimable_note(tables):
    study = copy.deepcopy(DEMO_STUDY)
    study["early_engagement"]["n_contacts"] = 100_000  # no family reaches it
    line = against_paper(study_figures(tables, study))["mean_days_to_7th_contact"]
    assert line["computed"].startswith("not estimable:")
    assert math.isnan(line["relative_difference"])
