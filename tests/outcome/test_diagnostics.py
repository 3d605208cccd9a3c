"""Model checks: separation by LP, VIF, AUC, calibration and Hosmer-Lemeshow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peermentor.analysis.outcome import diagnostics as D

# --- formulas -----------------------------------------------------------------------


def test_formula_variables_skips_function_names():
    columns = ["unified_at_closure", "rurality", "months_of_service", "visits"]
    lhs, rhs = D.formula_variables(
        "unified_at_closure ~ np.log(months_of_service) + C(rurality) + visits:C(rurality)",
        columns,
    )
    assert lhs == ["unified_at_closure"]
    assert rhs == ["months_of_service", "rurality", "visits"]


def test_design_matrices_refuse_missing_values():
    data = pd.DataFrame({"y": [0.0, 1.0], "x": [1.0, np.nan]})
    with pytest.raises(ValueError, match="model_frame"):
        D.design_matrices(data, "y ~ x")


# --- separation ---------------------------------------------------------------------


def test_complete_separation_detected():
    x = np.arange(1.0, 11.0)
    data = pd.DataFrame({"y": (x > 5.5).astype(float), "x": x})
    found = D.detect_separation(data, "y ~ x")
    assert found["separation"] == "complete" and found["detected"]
    assert found["n_separated"] == 10 and "x" in found["terms"]


def test_quasi_complete_separation_detected():
    # a binary predictor whose level 1 families were all unified; level 0 mixed
    data = pd.DataFrame(
        {"y": [0, 1, 0, 1, 1, 1, 1.0], "g": [0, 0, 0, 0, 1, 1, 1.0], "z": np.arange(7.0)}
    )
    found = D.detect_separation(data, "y ~ g")
    assert found["separation"] == "quasi-complete"
    assert found["n_separated"] == 3 and found["terms"] == ["g"]


def test_no_separation_in_overlapping_data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=200)
    data = pd.DataFrame({"y": (rng.random(200) < 1 / (1 + np.exp(-x))).astype(float), "x": x})
    found = D.detect_separation(data, "y ~ x + I(x**2)")
    assert found == {
        "separation": "none",
        "detected": False,
        "n_separated": 0,
        "terms": [],
        "n": 200,
        "method": "linear programming (Konis 2007)",
    }


def test_outcome_without_variation_is_separated():
    data = pd.DataFrame({"y": np.ones(5), "x": np.arange(5.0)})
    assert D.detect_separation(data, "y ~ x")["separation"] == "complete"


def test_separation_check_ignores_scale_of_predictors():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    small = pd.DataFrame({"y": y, "x": x * 1e-6})
    large = pd.DataFrame({"y": y, "x": x * 1e6})
    assert D.detect_separation(small, "y ~ x")["separation"] == "none"
    assert D.detect_separation(large, "y ~ x")["separation"] == "none"


# --- collinearity -----------------------------------------------------------------


def test_vif_flags_nearly_identical_predictors():
    rng = np.random.default_rng(5)
    visits = rng.poisson(20, 300).astype(float)
    data = pd.DataFrame(
        {
            "y": (rng.random(300) < 0.5).astype(float),
            "visits": visits,
            "visits_logged": visits + rng.normal(0, 0.1, 300),
            "no_shows": rng.poisson(3, 300).astype(float),
        }
    )
    table = D.vif(data, "y ~ visits + visits_logged + no_shows").set_index("term")
    assert list(table.index) == ["visits", "visits_logged", "no_shows"]  # no intercept row
    assert table.loc["visits", "vif"] > 100
    assert table.loc["visits", "flag"] == table.loc["visits_logged", "flag"] == "above_10"
    assert table.loc["no_shows", "flag"] == "ok"


def test_vif_two_predictors_is_one_over_one_minus_r_squared():
    rng = np.random.default_rng(8)
    a = rng.normal(size=100)
    data = pd.DataFrame(
        {"y": np.r_[np.zeros(50), np.ones(50)], "a": a, "b": a + rng.normal(size=100)}
    )
    r = np.corrcoef(data["a"], data["b"])[0, 1]
    table = D.vif(data, "y ~ a + b")
    assert table["vif"].to_numpy() == pytest.approx([1 / (1 - r**2)] * 2)


def test_vif_flag_thresholds():
    assert D._vif_flag(4.9, (5, 10)) == "ok"
    assert D._vif_flag(7.0, (5, 10)) == "above_5"
    assert D._vif_flag(np.inf, (5, 10)) == "above_10"


# --- discrimination and calibration -------------------------------------------------


def test_auc_by_hand_with_ties():
    y = [0, 0, 1, 1, 0, 1]
    p = [0.1, 0.4, 0.35, 0.8, 0.35, 0.9]
    # event/non-event pairs: 0.35 beats 0.1, loses to 0.4, ties 0.35 (1.5);
    # 0.8 and 0.9 beat all three (6): 7.5 of 9 pairs
    assert D.auc(y, p) == pytest.approx(7.5 / 9)
    assert D.auc([1, 0], [0.2, 0.7]) == 0.0
    assert np.isnan(D.auc([1, 1], [0.2, 0.7]))


def test_calibration_table_sums_to_the_data():
    rng = np.random.default_rng(2)
    p = rng.random(103)
    y = (rng.random(103) < p).astype(float)
    table = D.calibration_table(y, p, groups=10)
    assert table["group"].tolist() == list(range(1, 11))
    assert table["n"].sum() == 103 and set(table["n"]) == {10, 11}
    assert table["observed_events"].sum() == pytest.approx(y.sum())
    assert table["expected_events"].sum() == pytest.approx(p.sum())
    assert (table["p_max"].iloc[:-1].to_numpy() <= table["p_min"].iloc[1:].to_numpy()).all()


def test_hosmer_lemeshow_by_hand():
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.5])
    y = np.array([0, 0, 1, 0, 1, 1, 1, 0, 1.0])
    hl = D.hosmer_lemeshow(y, p, groups=3)
    # groups by sorted p: (.1,.2,.3), (.4,.5,.6), (.7,.8,.9)
    obs, exp = np.array([1, 2, 2.0]), np.array([0.6, 1.5, 2.4])
    expected = np.sum((obs - exp) ** 2 / (exp * (1 - exp / 3)))
    assert hl["statistic"] == pytest.approx(expected)
    assert hl["df"] == 1 and hl["groups"] == 3
    assert hl["p_value"] == pytest.approx(stats.chi2.sf(expected, 1))
