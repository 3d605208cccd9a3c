"""The partnership study's tables beside its analyses: replication rows, the joint display,
COREQ items, and its figures, on tiny hand-made frames."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from peermentor.errors import ConfigError
from peermentor.figures.interviews import cell_level, saturation_curve, theme_role_heatmap
from peermentor.publish.partnership import (
    coreq_items,
    joint_display,
    partnership_computed,
    partnership_replication,
)

THEMES = pd.DataFrame(
    {
        "theme": ["common_vision", "child_safety_first", "working_relationships", "supervision"],
        "process": ["common_vision", "common_vision", "working_relationships", "supervision"],
        "label": ["Common vision", "Child safety first", "Working relationships", "Supervision"],
        "kind": ["process", "subtheme", "process", "supervision"],
        "order": [1, 2, 3, 4],
    }
)
DOCUMENTS = pd.DataFrame(
    {
        "document_id": ["d1", "d2", "d3"],
        "role": ["caseworker", "family_mentor", "family_mentor"],
        "double_coded": [True, False, True],
    }
)


def test_computed_counts_roles_processes_via_subthemes():
    # common_vision only through its subtheme; working_relationships absent (present False)
    presence = pd.DataFrame(
        {
            "document_id": ["d1", "d2", "d3"],
            "theme": ["child_safety_first", "working_relationships", "supervision"],
            "present": [True, False, True],
        }
    )
    computed = partnership_computed(DOCUMENTS, presence, THEMES, 0.8765)
    assert computed == {
        "n_interviews": 3.0,
        "n_caseworker": 1.0,
        "n_family_mentor": 2.0,
        "n_supervisor": 0.0,
        "n_processes_present": 1.0,  # supervision is not one of the processes
        "n_double_coded": 2.0,
        "pooled_kappa": 0.8765,
    }
    table = partnership_replication(computed, decimals=2)
    kappa = table.set_index("id").loc["pooled_kappa"]
    assert kappa["computed"] == 0.88 and kappa["published"] == 0.90
    assert kappa["difference"] == pytest.approx(-0.02)
    near = partnership_replication({"pooled_kappa": 0.899}, decimals=2).iloc[0]
    assert str(near["difference"]) == "0.0"  # not "-0.0"
    assert list(table["id"])[:4] == [
        "n_interviews",
        "n_caseworker",
        "n_family_mentor",
        "n_supervisor",
    ]


def test_kappa_not_estimable_is_a_note():
    presence = pd.DataFrame({"document_id": [], "theme": [], "present": []})
    computed = partnership_computed(DOCUMENTS, presence, THEMES, "not estimable: no double-coded")
    row = partnership_replication(computed, decimals=2).set_index("id").loc["pooled_kappa"]
    assert not row["estimable"] and np.isnan(row["computed"])
    assert row["note"] == "not estimable: no double-coded"


REPLICATION = pd.DataFrame(
    {
        "id": [
            "face_to_face_gap",
            "or_face_to_face_with_children",
            "pct_mentors_stable_or_advanced",
        ],
        "analysis": ["P5", "P5", "P6"],
        "figure": ["Extra face-to-face", "OR face-to-face", "Mentors stable"],
        "published": ["14.0", "1.09", "64.3"],
        "computed": ["13.2", "1.081", "<11"],
        "note": ["", "", ""],
    }
)
PREVALENCE = pd.DataFrame(
    {
        "theme": ["family_engagement"] * 4 + ["supervision"] * 4,
        "label": ["Increased family engagement"] * 4 + ["Supervision"] * 4,
        "role": ["all", "caseworker", "family_mentor", "supervisor"] * 2,
        "n_interviews": ["22", "9", "9", "4"] * 2,
        "prevalence": ["most", "most", "all", "about half", "some", "few", "few", "all"],
    }
)


def test_joint_display_puts_figures_beside_theme_prevalence_as_printed():
    links = [
        {
            "finding": "P5",
            "themes": ["family_engagement"],
            "figures": ["or_face_to_face_with_children"],
        },
        {"finding": "P6", "themes": ["supervision"]},
    ]
    table = joint_display(links, REPLICATION, PREVALENCE)
    assert table.to_dict("records") == [
        {"finding": "P5", "figure": "OR face-to-face", "published": "1.09", "this_run": "1.081",
         "theme": "family_engagement", "theme_label": "Increased family engagement",
         "all": "most", "caseworker": "most", "family_mentor": "all", "supervisor": "about half"},
        {"finding": "P6", "figure": "Mentors stable", "published": "64.3", "this_run": "<11",
         "theme": "supervision", "theme_label": "Supervision",
         "all": "some", "caseworker": "few", "family_mentor": "few", "supervisor": "all"},
    ]  # fmt: skip


def test_joint_display_default_is_every_figure_of_the_finding():
    table = joint_display(
        [{"finding": "P5", "themes": ["family_engagement"]}], REPLICATION, PREVALENCE
    )
    assert list(table["figure"]) == ["Extra face-to-face", "OR face-to-face"]


@pytest.mark.parametrize(
    ("link", "key"),
    [
        ({"finding": "P5", "themes": ["family_engagment"]}, "interviews.joint_display[0].themes"),
        ({"finding": "P5", "themes": ["supervision"], "figures": ["or_x"]},
         "interviews.joint_display[0].figures"),
        ({"finding": "P9", "themes": ["supervision"]}, "interviews.joint_display[0].finding"),
    ],
)  # fmt: skip
def test_joint_display_bad_link_names_the_config_key(link, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        joint_display([link], REPLICATION, PREVALENCE)


def test_coreq_items_from_documents_and_saturation():
    saturation = pd.DataFrame(
        {"order": [1, 2, 3], "n_new_themes": [3, 1, 0], "n_themes_cumulative": [3, 4, 4]}
    )
    items = coreq_items(
        DOCUMENTS, ["coder_a", "coder_b"], "QualCoder 3.5", "pooled kappa 0.88", saturation, 2
    ).set_index("topic")["this_run"]
    assert items["Sample size"] == "3 interviews"
    assert items["Description of sample"] == "by role: caseworker 1, family_mentor 2, supervisor 0"
    assert items["Data saturation"] == (
        "4 themes; the last new theme in interview 2 of 3 (1 later interviews added none)"
    )
    assert items["Number of data coders"] == "2 (coder_a, coder_b); 2 interviews double-coded"
    assert items["Software"] == "QualCoder 3.5"


def test_cell_level_counts_words_and_others():
    assert cell_level("3", "4") == 0.75
    assert cell_level("most", "22") == 0.8
    assert cell_level("none", "4") == 0.0
    assert np.isnan(cell_level("<5", "4")) and np.isnan(cell_level("2", "0"))


def test_heatmap_and_saturation_figures_show_printed_cells():
    fig = theme_role_heatmap(PREVALENCE)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == list(PREVALENCE.sort_values("theme", kind="stable")["prevalence"])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][3] == "supervisor\n(n = 4)"
    saturation = pd.DataFrame(
        {"order": [1, 2, 3], "n_new_themes": [3, 1, 0], "n_themes_cumulative": [3, 4, 4]}
    )
    curve = saturation_curve(saturation)
    assert [p.get_height() for p in curve.axes[0].patches] == [3, 1, 0]
