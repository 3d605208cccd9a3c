"""Replication table: published figures beside computed ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peermentor.publish.replication import (
    PUBLISHED,
    p1_p3_p6_computed,
    p4_computed,
    replication_rows,
    run_definitions,
)


def test_published_figures():
    values = {fig.id: fig.published for fig in PUBLISHED}
    assert values["mean_hours_per_family"] == 55.3
    assert values["mean_contacts_per_family"] == 60.5
    assert values["mean_recovery_coaching_contacts"] == 40.2
    assert values["mean_daily_living_coaching_contacts"] == 38.5
    assert values["mean_days_to_7th_contact"] == 23.6
    assert values["mean_hours_first_7_contacts"] == 8.0
    assert values["pct_mentors_stable_or_advanced"] == 64.3
    assert values["mean_months_of_service"] == 15.0
    assert values["hours_per_month"] == 3.7
    assert values["or_face_to_face_with_children"] == 1.09
    assert values["or_no_show_or_refusal_separation"] == 1.24
    assert values["face_to_face_gap"] == 14.0
    assert len(values) == len(PUBLISHED)  # ids are unique
    assert {fig.analysis for fig in PUBLISHED} == {"P1", "P2", "P3", "P4", "P5", "P6"}


def test_replication_rows():
    table = replication_rows(
        {"or_face_to_face_with_children": 1.2, "mean_hours_per_family": 50.0},
        {"mean_hours_per_family": "my definition"},
    )
    assert list(table.columns) == [
        "id",
        "analysis",
        "figure",
        "published",
        "computed",
        "difference",
        "relative_difference",
        "definition",
        "estimable",
        "note",
    ]
    # PUBLISHED order, missing ids omitted
    assert table["id"].tolist() == ["mean_hours_per_family", "or_face_to_face_with_children"]
    hours = table.iloc[0]
    assert hours["difference"] == pytest.approx(-5.3)
    assert hours["relative_difference"] == pytest.approx(-5.3 / 55.3)
    assert hours["definition"] == "my definition"
    assert table.iloc[1]["difference"] == pytest.approx(0.11)
    assert table.iloc[1]["definition"] == "primary outcome model, closed cases"


def test_replication_rows_empty_and_unknown():
    assert replication_rows({}).empty
    with pytest.raises(KeyError, match="not published"):
        replication_rows({"mean_hours": 1.0})


def test_p1_p3_p6_computed():
    profile_summary = pd.DataFrame(
        {
            "group_type": ["overall"] * 5 + ["site"],
            "group": ["all"] * 5 + ["s1"],
            "measure": [
                "hours",
                "contacts",
                "months_of_service",
                "act_recovery_coaching",
                "act_daily_living_coaching",
                "hours",
            ],
            "mean": [60.0, 70.0, 15.0, 40.0, 35.0, 999.0],
        }
    )
    early_summary = pd.DataFrame(
        {"group": ["all"], "days_to_nth_mean": [25.0], "hours_mean": [7.5]}
    )
    workforce_summary = pd.DataFrame(
        {
            "row_type": ["overall", "outcome_group", "outcome_group"],
            "category": ["all", "stable_or_advanced", "challenge"],
            "share": [1.0, 0.75, 0.25],
        }
    )
    computed = p1_p3_p6_computed(profile_summary, early_summary, workforce_summary)
    assert computed == pytest.approx(
        {
            "mean_hours_per_family": 60.0,
            "mean_contacts_per_family": 70.0,
            "mean_months_of_service": 15.0,
            "mean_recovery_coaching_contacts": 40.0,
            "mean_daily_living_coaching_contacts": 35.0,
            "hours_per_month": 4.0,
            "mean_days_to_7th_contact": 25.0,
            "mean_hours_first_7_contacts": 7.5,
            "pct_mentors_stable_or_advanced": 75.0,
        }
    )
    assert len(replication_rows(computed)) == 9


def test_run_definitions_cover_descriptive_ids():
    text = run_definitions(
        n_contacts=7,
        anchor="first_contact",
        count_statuses=["completed"],
        hours_include_collateral=True,
        data_cutoff="2017-12-31",
    )
    ids = {fig.id for fig in PUBLISHED if fig.analysis not in ("P4", "P5")}  # from their stages
    assert set(text) == ids
    assert "first contact" in text["mean_days_to_7th_contact"]


def test_not_estimable_figure_is_blank_with_its_note():
    note = "not estimable: no variation: no family has a no-show or refusal"
    table = replication_rows({"or_no_show_or_refusal_separation": note, "face_to_face_gap": 10.0})
    row = table.set_index("id").loc["or_no_show_or_refusal_separation"]
    assert np.isnan(row["computed"]) and np.isnan(row["difference"])
    assert not row["estimable"] and row["note"] == note
    gap = table.set_index("id").loc["face_to_face_gap"]
    assert gap["estimable"] and gap["note"] == "" and gap["difference"] == pytest.approx(-4.0)
    with pytest.raises(ValueError, match="number or a note"):
        replication_rows({"face_to_face_gap": "12"})


def test_p4_counts_significant_measures_after_adjustment():
    comparison = pd.DataFrame(
        {
            "measure": ["contacts", "hours", "contacts"],
            "kind": ["continuous", "continuous", "share_receiving"],
            "significant": [True, False, pd.NA],
            "estimable": [True, True, False],
            "note": [
                "",
                "",
                "not estimable: fewer than 11 families with a value in the rural stratum",
            ],
            "adjust": ["holm"] * 3,
        }
    )
    computed, definitions = p4_computed(comparison)
    assert computed == {"p4_measures_differing": 1.0}
    assert definitions["p4_measures_differing"].startswith(
        "number of the 2 compared measures (2 continuous) whose rural vs urban holm-adjusted p"
    )
    row = replication_rows(computed, definitions).iloc[0]
    assert row["analysis"] == "P4" and np.isnan(row["published"]) and row["computed"] == 1.0


def test_p4_one_stratum_is_not_estimable():
    note = "not estimable: one stratum (all families urban)"
    comparison = pd.DataFrame(
        {"measure": ["contacts"], "kind": ["continuous"], "significant": [pd.NA],
         "estimable": [False], "note": [note], "adjust": ["holm"]}
    )  # fmt: skip
    computed, definitions = p4_computed(comparison)
    assert computed == {"p4_measures_differing": note} and definitions == {}
    row = replication_rows(computed).iloc[0]
    assert not row["estimable"] and row["note"] == note
