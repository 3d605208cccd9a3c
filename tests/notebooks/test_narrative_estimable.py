"""Study-level narrative on tables a study shape leaves not estimable: every sentence
says ``not estimable: <reason>`` instead of a value, never "?" or "nan"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor import notebooks as narrative
from peermentor.analysis.clusters import CR1, CR3

ONE_STRATUM = "not estimable: one stratum (all families urban)"


def _no_placeholders(text: str) -> None:
    assert "?" not in text and "nan" not in text.lower().replace("nance", "")


def _comparison(note: str = ONE_STRATUM) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure": ["contacts", "hours", "contacts"],
            "kind": ["continuous", "continuous", "share_receiving"],
            "p_adjusted": [np.nan] * 3,
            "significant": [np.nan] * 3,
            "adjust": ["holm"] * 3,
            "estimable": [False] * 3,
            "note": [note] * 3,
        }
    )


def _clustering(**columns) -> pd.DataFrame:
    base = {
        "measure": ["contacts", "hours"],
        "p_permutation": [np.nan, np.nan],
        "survives_clustering": [np.nan, np.nan],
        "n_sites": [np.nan, np.nan],
        "estimable": [False, False],
        "note": [ONE_STRATUM, ONE_STRATUM],
    }
    return pd.DataFrame(base | columns)


def test_one_stratum_rural_urban_answer_is_not_estimable():
    text = narrative.rural_urban_answer(_comparison(), _clustering())
    assert text == (
        "Rural versus urban families: not estimable: one stratum (all families urban). "
        "No comparison was computed."
    )


def test_site_sensitivity_that_did_not_run_gives_its_reason():
    text = narrative.site_sensitivity_sentence(_clustering())
    assert text == (
        "Site-level sensitivity analysis (rurality permuted across sites): "
        "not estimable: one stratum (all families urban)."
    )
    _no_placeholders(text)


def test_two_sites_say_the_test_cannot_reach_alpha():
    clustering = pd.DataFrame(
        {
            "measure": ["contacts"],
            "p_permutation": [1.0],
            "survives_clustering": [False],
            "n_sites": [2],
            "n_rural_sites": [1],
            "n_assignments": [2],
            "n_permutations_drawn": [0],
            "exact": [True],
            "min_attainable_p": [1.0],
            "permutation_can_reach_alpha": [False],
            "alpha": [0.05],
            "estimable": [True],
            "note": ["cannot reach alpha 0.05: ..."],
        }
    )
    text = narrative.site_sensitivity_sentence(clustering)
    assert text == (
        "0 of 1 measures tested at site level also differ when rurality is permuted across "
        "the 2 sites (1 rural); all 2 assignments enumerated; smallest attainable p = 1. "
        "With 2 sites (1 rural) the site-level test cannot reach alpha 0.05: no measure can "
        "survive it, whatever the data."
    )


def test_monte_carlo_site_test_is_named():
    clustering = pd.DataFrame(
        {
            "measure": ["contacts"],
            "p_permutation": [0.004],
            "survives_clustering": [True],
            "n_sites": [32],
            "n_rural_sites": [12],
            "n_assignments": [225_792_840],
            "n_permutations_drawn": [2000],
            "exact": [False],
            "min_attainable_p": [1 / 2001],
            "permutation_can_reach_alpha": [True],
            "alpha": [0.05],
        }
    )
    text = narrative.site_sensitivity_sentence(clustering)
    assert "2000 of 225792840 assignments drawn at random (seeded Monte Carlo" in text
    assert text.startswith("1 of 1 measures") and "cannot reach" not in text


def test_family_level_sentence_without_tests_says_why():
    comparison = _comparison().astype(object)
    comparison.loc[0, ["p_adjusted", "significant", "estimable", "note"]] = [0.01, True, True, ""]
    text = narrative.rural_urban_answer(comparison, _clustering())
    assert text.startswith("1 of 1 tested service measures (distributions) differ")
    assert "Rural versus urban shares of families receiving a service: " + ONE_STRATUM in text


def test_outcome_answer_names_dropped_terms_and_a_missing_gap():
    note = "not estimable: one stratum (all families urban); model fitted without this term"
    ranking = pd.DataFrame(
        {
            "term": ["face_to_face_with_children", "C(rurality)"],
            "lr_chi2": [108.3, np.nan],
            "df": [1, np.nan],
            "rank": [1, np.nan],
            "estimable": [True, False],
            "note": ["", note],
        }
    )
    gap = pd.DataFrame(
        {"measure": ["face_to_face_with_children"], "difference": [np.nan], "ci_low": [np.nan],
         "ci_high": [np.nan], "n_unified": [30], "n_separated": [0]}
    )  # fmt: skip
    text = narrative.outcome_answer(ranking, gap)
    assert "is **face-to-face contacts with the children**." in text
    assert f"Rurality: {note}." in text
    assert "separated families: not estimable: no closed family in one outcome group" in text
    _no_placeholders(text)


def test_outcome_answer_with_no_ranked_term():
    note = "not estimable: no variation: no family has a no-show or refusal"
    ranking = pd.DataFrame(
        {"term": ["no_shows_or_refusals"], "lr_chi2": [np.nan], "df": [np.nan],
         "rank": [np.nan], "estimable": [False], "note": [note]}
    )  # fmt: skip
    gap = pd.DataFrame(
        {"measure": ["face_to_face_with_children"], "difference": [12.0], "ci_low": [8.0],
         "ci_high": [16.0], "n_unified": [300], "n_separated": [100]}
    )  # fmt: skip
    text = narrative.outcome_answer(ranking, gap)
    assert text.startswith(f"Predictor ranking: {note}.")
    assert "Unified families had 12 more" in text


def test_replication_answer_and_rows_show_notes_and_the_p4_claim():
    note = "not estimable: one stratum (all families urban)"
    replication = pd.DataFrame(
        {
            "analysis": ["P4", "P5"],
            "figure": ["Services differ (claim)", "OR of separation per no-show"],
            "published": [np.nan, 1.24],
            "computed": [np.nan, np.nan],
            "difference": [np.nan, np.nan],
            "definition": ["number of measures", "1 / OR"],
            "estimable": [False, False],
            "note": [note, "not estimable: no variation: no family has a no-show or refusal"],
        }
    )
    p4 = narrative.replication_answer(replication, "P4")
    assert p4 == f"- **Services differ (claim)**: {note} in this run; a claim without a number"
    p5 = narrative.replication_answer(replication, "P5")
    assert p5.endswith("no-show or refusal in this run; 1.24 published")
    rows = narrative.replication_rows(replication)
    assert rows["Published"].tolist() == ["claim (no number)", "1.24"]
    assert rows["This run"].tolist()[0] == note
    _no_placeholders(p4 + p5 + rows.to_string())


def test_p4_count_with_a_claim_has_no_difference():
    replication = pd.DataFrame(
        {"analysis": ["P4"], "figure": ["Services differ"], "published": [np.nan],
         "computed": [7.0], "difference": [np.nan], "estimable": [True], "note": [""]}
    )  # fmt: skip
    text = narrative.replication_answer(replication, "P4")
    assert text == "- **Services differ**: 7 in this run; a claim without a number"


def test_inference_answer_by_number_of_mentors():
    def table(clusters, cr3_estimable=True, note=""):
        return pd.DataFrame(
            {
                "model": ["primary"] * 4,
                "term": ["Intercept", "x", "Intercept", "x"],
                "se_variant": [CR1, CR1, CR3, CR3],
                "clusters": [clusters] * 4,
                "estimable": [True, True, cr3_estimable, cr3_estimable],
                "note": ["", note, "", note],
            }
        )

    many = narrative.inference_answer(table(28))
    assert many.startswith(f"The primary model has 28 mentor clusters: its intervals use {CR1}")
    few = narrative.inference_answer(table("<11"))
    assert "only suppressed (<11) mentor clusters" in few and f"read the {CR3} rows" in few
    reason = "not estimable: 3 mentor(s): clustered SEs need at least 4 clusters"
    too_few = narrative.inference_answer(table(3, cr3_estimable=False, note=reason))
    assert too_few == f"The primary model has 3 mentor clusters: clustered inference {reason}."


def test_primary_coefficients_keep_dropped_terms_with_their_note():
    note = "not estimable: one stratum (all families urban); model fitted without this term"
    coefficients = pd.DataFrame(
        {
            "model": ["primary"] * 3,
            "term": ["Intercept", "x", "C(rurality)"],
            "se_variant": [CR1] * 3,
            "odds_ratio": [2.0, 1.08, np.nan],
            "or_low": [1.5, 1.02, np.nan],
            "or_high": [2.5, 1.1, np.nan],
            "p_value": [0.01, 0.001, np.nan],
            "n": [700] * 3,
            "events": [400] * 3,
            "clusters": [28] * 3,
            "note": ["", "", note],
        }
    )
    table = narrative.primary_coefficients(coefficients)
    assert table["Term"].tolist() == ["X", "Rurality"]  # the reader's labels
    assert table["Note"].tolist() == ["", note] and table["Odds ratio"].tolist() == ["1.08", ""]
