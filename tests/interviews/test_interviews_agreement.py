"""Inter-coder agreement: the statistics against published worked examples, statsmodels and
hand-computed answers; the agreement tables on the tiny tables of interview_frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from interview_frames import CODINGS, DOCUMENTS, THEMES, UNITS
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

from peermentor.analysis.interviews import (
    AGREEMENT_COLUMNS,
    bootstrap_alpha,
    document_agreement,
    krippendorff_alpha,
    pairwise_kappa,
    percent_agreement,
    unit_agreement,
    unit_coder_presence,
)
from peermentor.analysis.interviews import cohens_kappa as kappa
from peermentor.analysis.interviews.reliability import NO_VARIATION
from peermentor.errors import InputError

N = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x
# 12 units, nominal values 1-5 with missing values (as in the krippendorff package's tests).
RELIABILITY_DATA = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
)
# The same paper, section A: binary data, two observers, 10 units, no missing value.
BINARY = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], dtype=float)


def test_alpha_of_krippendorffs_worked_example_with_missing_values():
    value, note = krippendorff_alpha(RELIABILITY_DATA)
    assert round(value, 3) == 0.743 and note == ""
    # By hand: unit 12 (one value) is left out; n = 40 pairable values, n_c = 9, 13, 10, 5, 3
    # for values 1-5; the disagreeing coincidences sum to 8 (units 2, 6 and 8).
    assert value == pytest.approx(1 - 39 * 8 / (40**2 - (9**2 + 13**2 + 10**2 + 5**2 + 3**2)))


def test_alpha_of_krippendorffs_binary_example():
    # n = 20 pairable values, n_0 = 14, n_1 = 6, 4 disagreeing units: 1 - 19 * 4 / (14 * 6).
    value, _ = krippendorff_alpha(BINARY)
    assert value == pytest.approx(1 - 19 * 4 / 84)
    assert round(value, 3) == 0.095


def test_cohens_kappa_by_hand_and_by_statsmodels():
    # p_o = 6/10; A says 1 twice, B four times: p_e = .8 * .6 + .2 * .4 = .56.
    value, note = kappa(BINARY[0], BINARY[1])
    assert value == pytest.approx((0.6 - 0.56) / (1 - 0.56)) and note == ""
    table = pd.crosstab(BINARY[0], BINARY[1]).to_numpy()
    assert value == pytest.approx(cohens_kappa(table).kappa)


def test_kappa_with_three_categories_matches_statsmodels():
    rng = np.random.default_rng(7)
    a = rng.integers(0, 3, 40).astype(float)
    b = np.where(rng.random(40) < 0.7, a, rng.integers(0, 3, 40)).astype(float)
    table = pd.crosstab(a, b).reindex(index=[0, 1, 2], columns=[0, 1, 2], fill_value=0)
    assert kappa(a, b)[0] == pytest.approx(cohens_kappa(table.to_numpy()).kappa)


def test_alpha_of_two_complete_coders_is_scotts_pi_corrected_for_sample_size():
    # With two coders and no missing value, alpha = pi + (1 - pi) / (2N), and Fleiss' kappa of
    # two raters is Scott's pi.
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2, 30)
    b = np.where(rng.random(30) < 0.8, a, 1 - a)
    pi = fleiss_kappa(aggregate_raters(np.column_stack([a, b]))[0])
    value, _ = krippendorff_alpha(np.vstack([a, b]).astype(float))
    assert value == pytest.approx(pi + (1 - pi) / 60)


def test_percent_agreement_counts_items_coded_by_two_or_more():
    assert percent_agreement(BINARY)[0] == pytest.approx(0.6)
    # Units 1-9 and 10 are pairable, 11 and 12 too (two values each): agreements 1,3,4,5,7,9,
    # 10, 11 of the 11 pairable units; unit 12 has one value and does not count.
    value, _ = percent_agreement(RELIABILITY_DATA)
    assert value == pytest.approx(8 / 11)


def test_undefined_statistics_are_nan_with_a_reason_not_a_crash():
    same = np.ones((2, 6))
    assert np.isnan(kappa(same[0], same[1])[0]) and kappa(same[0], same[1])[1] == NO_VARIATION
    assert np.isnan(krippendorff_alpha(same)[0]) and krippendorff_alpha(same)[1] == NO_VARIATION
    assert percent_agreement(same) == (1.0, "")
    lonely = np.array([[1.0, N], [N, 0.0]])  # no item coded twice
    assert np.isnan(krippendorff_alpha(lonely)[0]) and "no item" in krippendorff_alpha(lonely)[1]
    assert np.isnan(percent_agreement(lonely)[0])
    assert np.isnan(kappa(lonely[0], lonely[1])[0])
    assert np.isnan(bootstrap_alpha(same, n_bootstrap=50)[0])


def test_opposite_coders_have_kappa_minus_one_and_not_undefined():
    a = np.array([1.0, 1, 0, 0])
    assert kappa(a, 1 - a)[0] == pytest.approx(-1.0)


def test_more_than_two_coders_give_the_mean_pairwise_kappa():
    data = np.vstack([BINARY, BINARY[0]])
    expected = np.mean([kappa(BINARY[0], BINARY[1])[0], 1.0, kappa(BINARY[1], BINARY[0])[0]])
    assert pairwise_kappa(data)[0] == pytest.approx(expected)


def test_bootstrap_is_seeded_and_brackets_alpha():
    first = bootstrap_alpha(RELIABILITY_DATA, n_bootstrap=500, seed=11)
    assert first == bootstrap_alpha(RELIABILITY_DATA, n_bootstrap=500, seed=11)
    assert first != bootstrap_alpha(RELIABILITY_DATA, n_bootstrap=500, seed=12)
    low, high, _ = first
    assert low < 0.743 < high <= 1.0


def test_bootstrap_of_groups_resamples_whole_groups():
    # Two identical groups: every resample is the pooled data (up to multiplicity), so the
    # interval is the single value of alpha over one group's items repeated.
    data = np.hstack([BINARY, BINARY])
    low, high, note = bootstrap_alpha(data, groups=np.repeat([0, 1], 10), n_bootstrap=40)
    expected = krippendorff_alpha(data)[0]
    assert low == pytest.approx(expected) and high == pytest.approx(expected) and note == ""


def test_bootstrap_counts_resamples_without_variation():
    data = np.array([[1.0, 1, 1, 1, 0], [1.0, 1, 1, 1, 1]])
    _, _, note = bootstrap_alpha(data, n_bootstrap=200, seed=1)
    assert note.endswith("of 200 resamples without variation left out")


def test_document_agreement_as_coded_per_theme_and_pooled():
    table = document_agreement(CODINGS, DOCUMENTS, THEMES, n_bootstrap=200, seed=5)
    rows = table.set_index("theme")
    # As coded, coder_a never applied common_vision itself (only its subtheme), coder_b did in
    # d1: a (no, no), b (yes, no): p_o .5, p_e 1 * .5 -> kappa 0.
    assert rows.loc["common_vision", "percent_agreement"] == 0.5
    assert rows.loc["common_vision", "kappa"] == pytest.approx(0.0)
    # working_relationships: both coders in d2 only.
    assert rows.loc["working_relationships", ["kappa", "alpha"]].tolist() == [1, 1]
    # Pooled: 7 of 10 decisions agree; a says yes 4 times, b 3 times: p_e .4*.3 + .6*.7 = .54.
    # Coincidences: 2 agreeing yes units (4), 5 agreeing no (10), 3 disagreeing (3 + 3):
    # n_1 = 7, n_0 = 13, alpha 1 - 19 * 6 / (400 - 49 - 169).
    pooled = rows.loc["pooled"]
    assert pooled["percent_agreement"] == pytest.approx(0.7)
    assert pooled["kappa"] == pytest.approx(0.16 / 0.46)
    assert pooled["alpha"] == pytest.approx(1 - 114 / 182)


def test_document_agreement_rolled_up_per_theme_and_pooled():
    table = document_agreement(CODINGS, DOCUMENTS, THEMES, n_bootstrap=200, seed=5, roll_up=True)
    assert list(table.columns) == AGREEMENT_COLUMNS
    assert table["theme"].tolist() == [*THEMES["theme"], "pooled"]
    rows = table.set_index("theme")
    assert (rows["n_documents"] == 2).all() and (rows["n_coders"] == 2).all()
    # common_vision: both coders (d1 yes, d2 no): perfect; kappa 1, alpha 1.
    assert rows.loc["common_vision", ["percent_agreement", "kappa", "alpha"]].tolist() == [1, 1, 1]
    # child_safety_first: a (d1 yes, d2 no), b (no, no): p_o .5, p_e .5 -> kappa 0;
    # alpha 1 - 3 * 2 / (16 - 10) = 0.
    assert rows.loc["child_safety_first", "percent_agreement"] == 0.5
    assert rows.loc["child_safety_first", "kappa"] == pytest.approx(0.0)
    assert rows.loc["child_safety_first", "alpha"] == pytest.approx(0.0)
    # working_relationships: present for both coders in both: undefined, with the reason.
    wr = rows.loc["working_relationships"]
    assert wr["percent_agreement"] == 1.0 and np.isnan(wr["kappa"]) and np.isnan(wr["alpha"])
    assert wr["kappa_note"] == NO_VARIATION and wr["alpha_note"] == NO_VARIATION
    # Pooled over 10 interview x theme decisions: 8 agree; a says yes 6 times, b 4 times:
    # kappa (.8 - .48) / .52; alpha 1 - 19 * 4 / (20^2 - 10^2 - 10^2).
    pooled = rows.loc["pooled"]
    assert pooled["n_items"] == 10 and pooled["percent_agreement"] == pytest.approx(0.8)
    assert pooled["kappa"] == pytest.approx(0.32 / 0.52)
    assert pooled["alpha"] == pytest.approx(1 - 76 / 200)
    assert pooled["alpha_ci_low"] <= pooled["alpha"] <= pooled["alpha_ci_high"]


def test_unit_presence_uses_span_overlap_with_end_exclusive():
    double = DOCUMENTS[DOCUMENTS["double_coded"]]
    table = unit_coder_presence(CODINGS, UNITS, double, THEMES)
    found = {
        (r.document_id, r.unit, r.coder, r.theme) for r in table[table["present"]].itertuples()
    }
    assert found == {
        # coder_a: child_safety_first [2,8) in unit 1; building_trust [12,25) in units 2 and 3.
        ("d1", 1, "coder_a", "common_vision"),
        ("d1", 1, "coder_a", "child_safety_first"),
        *{
            ("d1", u, "coder_a", t)
            for u in (2, 3)
            for t in ("working_relationships", "building_trust")
        },
        # coder_b: common_vision [0,10) ends where unit 2 starts: unit 1 only.
        ("d1", 1, "coder_b", "common_vision"),
        ("d1", 3, "coder_b", "working_relationships"),
        ("d1", 3, "coder_b", "building_trust"),
        ("d2", 1, "coder_a", "supervision"),  # a point coding at 5 lands in its unit
        ("d2", 2, "coder_a", "working_relationships"),
        ("d2", 2, "coder_b", "working_relationships"),
    }
    assert len(table) == 5 * 2 * 5  # units x coders x themes
    as_coded = unit_coder_presence(CODINGS, UNITS, double, THEMES, roll_up=False)
    assert set(as_coded.loc[as_coded["present"], "theme"]) == {
        "common_vision",  # coder_b's own coding only
        "child_safety_first",
        "working_relationships",  # coder_a and coder_b in d2
        "building_trust",
        "supervision",
    }
    # d1: a child_safety_first u1, building_trust u2 u3; b common_vision u1, building_trust u3;
    # d2: a supervision u1, working_relationships u2; b working_relationships u2.
    assert as_coded["present"].sum() == 8


def test_unit_agreement_as_coded_by_hand():
    rows = unit_agreement(CODINGS, UNITS, DOCUMENTS, THEMES, n_bootstrap=100).set_index("theme")
    # common_vision as coded: coder_b on d1 unit 1 only: p_o .8, p_e = 1 * .8: kappa 0.
    assert rows.loc["common_vision", "kappa"] == pytest.approx(0.0)
    # working_relationships: both on d2 unit 2 only.
    assert rows.loc["working_relationships", "kappa"] == pytest.approx(1.0)
    assert rows.loc["building_trust", "kappa"] == pytest.approx(0.24 / 0.44)


def test_unit_agreement_rolled_up_by_hand():
    rows = unit_agreement(
        CODINGS, UNITS, DOCUMENTS, THEMES, n_bootstrap=100, roll_up=True
    ).set_index("theme")
    assert (rows["n_items"].drop("pooled") == 5).all() and rows.loc["pooled", "n_items"] == 25
    # common_vision: both coders on d1 unit 1 only: p_e = .2 * .2 + .8 * .8 = .68, kappa 1.
    assert rows.loc["common_vision", "kappa"] == pytest.approx(1.0)
    # working_relationships: a on 3 units, b on 2 (all shared): p_o .8, p_e .48.
    assert rows.loc["working_relationships", "kappa"] == pytest.approx(0.32 / 0.52)
    # building_trust: a on 2 units, b on 1 of them: p_o .8, p_e .4*.2 + .6*.8 = .56.
    assert rows.loc["building_trust", "kappa"] == pytest.approx(0.24 / 0.44)
    assert rows.loc["supervision", "percent_agreement"] == pytest.approx(0.8)
    assert rows["level"].eq("unit").all()


def test_agreement_without_double_coded_interviews_is_not_estimable():
    single = DOCUMENTS.assign(double_coded=False)
    table = document_agreement(CODINGS, single, THEMES, n_bootstrap=50)
    pooled = table.set_index("theme").loc["pooled"]
    assert pooled["n_items"] == 0 and np.isnan(pooled["kappa"]) and np.isnan(pooled["alpha"])
    assert pooled["alpha_note"] != "" and pooled["kappa_note"] != ""


def test_agreement_is_reproducible_and_rejects_an_unknown_resampling():
    first = document_agreement(CODINGS, DOCUMENTS, THEMES, n_bootstrap=100, seed=1)
    pd.testing.assert_frame_equal(
        first, document_agreement(CODINGS, DOCUMENTS, THEMES, n_bootstrap=100, seed=1)
    )
    with pytest.raises(InputError, match="resample"):
        document_agreement(CODINGS, DOCUMENTS, THEMES, resample="coders")
