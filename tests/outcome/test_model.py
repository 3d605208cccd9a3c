"""Outcome model (P5): known published values, a synthetic study with known truth,
separation fallback, predictor ranking and the paper's visit gap."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, stats

from peermentor.analysis import outcome as M
from peermentor.analysis.clusters import CR3
from peermentor.analysis.outcome import SeparationWarning, firth
from peermentor.publish.outcome import publish_diagnostics

PRIMARY = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)
EXPOSURE = (
    "unified_at_closure ~ face_to_face_with_children_per_month"
    " + no_shows_or_refusals_per_month + C(rurality) + months_of_service"
)
TRUE_OR_VISIT = 1.09
TRUE_OR_NO_SHOW = 1 / 1.24


def synthetic_profile(seed: int = 20180101, n_families: int = 3000, n_mentors: int = 30):
    """Families nested in mentors with random intercepts (SD 0.5) and known ORs.

    Rurality is a mentor-level covariate (each mentor works in one setting), so its
    naive SE ignores the shared mentor effect and must be smaller than the
    clustered one. About 10 % of cases are still open.
    """
    rng = np.random.default_rng(seed)
    mentor = np.repeat(np.arange(n_mentors), n_families // n_mentors)
    mentor_effect = rng.normal(0.0, 0.5, n_mentors)[mentor]
    urban = (np.arange(n_mentors) % 2 == 0)[mentor]
    months = np.round(rng.gamma(4.0, 15.0 / 4.0, n_families) + 1.0, 1)
    visits = rng.poisson(1.2 * months)
    no_shows = rng.poisson(3.0, n_families)
    eta = (
        -1.2
        + np.log(TRUE_OR_VISIT) * visits
        + np.log(TRUE_OR_NO_SHOW) * no_shows
        + 0.4 * urban
        - 0.03 * months
        + mentor_effect
    )
    unified = (rng.random(n_families) < 1 / (1 + np.exp(-eta))).astype(float)
    closed = rng.random(n_families) < 0.9
    return pd.DataFrame(
        {
            "family_id": [f"F{i:05d}" for i in range(n_families)],
            "mentor_id": [f"M{m:02d}" for m in mentor],
            "rurality": np.where(urban, "urban", "rural"),
            "case_closed": closed,
            "unified_at_closure": np.where(closed, unified, np.nan),
            "face_to_face_with_children": visits,
            "no_shows_or_refusals": no_shows,
            "months_of_service": months,
            "face_to_face_with_children_per_month": visits / months,
            "no_shows_or_refusals_per_month": no_shows / months,
        }
    )


@pytest.fixture(scope="module")
def study():
    profile = synthetic_profile()
    fits = M.fit_models(
        profile,
        primary=PRIMARY,
        cluster="mentor_id",
        sensitivity={"exposure_adjusted": EXPOSURE},
    )
    return profile, fits, M.tidy_coefficients(fits)


def _row(table: pd.DataFrame, model: str, term: str) -> pd.Series:
    rows = table[(table["model"] == model) & (table["term"] == term)]
    rows = rows[rows["se_variant"] != CR3]  # the model's own variance, not the jackknife
    assert len(rows) == 1
    return rows.iloc[0]


# --- published values -------------------------------------------------------------


def test_spector_logit_matches_greene():
    data = sm.datasets.spector.load_pandas().data
    fit = M.fit_logit(data, "GRADE ~ GPA + TUCE + PSI", cov_type="nonrobust", name="spector")
    coef = fit.result.params
    se = fit.result.bse
    published_coef = {"Intercept": -13.0213, "GPA": 2.8261, "TUCE": 0.0952, "PSI": 2.3787}
    published_se = {"Intercept": 4.9313, "GPA": 1.2629, "TUCE": 0.1415, "PSI": 1.0646}
    for term, value in published_coef.items():
        assert round(coef[term], 4) == value
        # Greene prints SEs to 4 decimals; TUCE's is 0.14155, so compare within 1e-4
        assert se[term] == pytest.approx(published_se[term], abs=1e-4)
    assert (fit.method, fit.cov_type, fit.converged) == ("mle", "nonrobust", True)
    assert (fit.n, fit.events, fit.clusters) == (32, 11, None)


# --- synthetic study with known truth -----------------------------------------------


def test_true_odds_ratios_inside_cluster_robust_ci(study):
    _, _, table = study
    visit = _row(table, "primary", "face_to_face_with_children")
    no_show = _row(table, "primary", "no_shows_or_refusals")
    assert visit["or_low"] < TRUE_OR_VISIT < visit["or_high"]
    assert no_show["or_low"] < TRUE_OR_NO_SHOW < no_show["or_high"]
    assert visit["cov_type"] == "cluster"


def test_clustered_se_exceed_naive_se_for_mentor_level_covariate(study):
    _, _, table = study
    term = "C(rurality)[T.urban]"
    clustered, naive = _row(table, "primary", term), _row(table, "primary_naive", term)
    assert clustered["coef"] == pytest.approx(naive["coef"])  # same ML estimate
    assert clustered["se"] > 1.5 * naive["se"]


def test_fit_models_order_counts_and_columns(study):
    profile, fits, table = study
    assert [f.name for f in fits] == [
        "primary",
        "primary_gee",
        "primary_naive",
        "exposure_adjusted",
    ]
    assert list(table.columns) == list(M.TIDY_COLUMNS)
    closed = profile[profile["case_closed"]]
    for fit in fits:
        assert fit.n == len(closed)
        assert fit.events == int(closed["unified_at_closure"].sum())
        assert fit.clusters == 30
        assert fit.converged and fit.warnings == []
        assert fit.exclusions["case_open"] == int((~profile["case_closed"]).sum())
    assert [f.method for f in fits] == ["mle", "gee", "mle", "mle"]
    assert table["model"].unique().tolist() == [f.name for f in fits]
    assert np.isfinite(table[["coef", "se", "odds_ratio", "or_low", "or_high"]]).all().all()


def test_gee_close_to_logit(study):
    _, _, table = study
    gee = _row(table, "primary_gee", "face_to_face_with_children")
    logit = _row(table, "primary", "face_to_face_with_children")
    assert gee["coef"] == pytest.approx(logit["coef"], rel=0.1)
    assert gee["cov_type"] == "gee-robust"


def test_replication_values_from_primary(study):
    profile, _, table = study
    values = M.replication_values(table, M.visit_gap(profile))
    assert set(values) == {
        "or_face_to_face_with_children",
        "or_no_show_or_refusal_separation",
        "face_to_face_gap",
    }
    no_show = _row(table, "primary", "no_shows_or_refusals")
    assert values["or_no_show_or_refusal_separation"] == pytest.approx(1 / no_show["odds_ratio"])
    assert values["or_no_show_or_refusal_separation"] > 1  # odds of separation rise
    assert values["face_to_face_gap"] > 0
    with pytest.raises(ValueError, match="no term"):
        M.replication_values(table, 1.0, model="exposure_adjusted")


def test_summary_text_reports_fit_context_without_timestamps(study):
    _, fits, _ = study
    gee = fits[1]
    text = M.model_summary_text(gee)
    assert f"Families: {gee.n}; unified: {gee.events}; clusters: {gee.clusters}" in text
    assert "GEE Regression Results" in text and "Warnings: none" in text
    assert re.search(r"\d{2}:\d{2}:\d{2}", text) is None  # no run time stamp
    assert re.search(r"Date: +- ", text) is not None


def test_fit_quality_reports_auc_and_hosmer_lemeshow(study):
    _, fits, _ = study
    quality = M.fit_quality(fits)
    assert quality["model"].tolist() == [f.name for f in fits]
    assert quality["auc"].between(0.6, 1.0).all()
    assert (quality["hl_df"] == 8).all()


def test_published_diagnostics_suppress_small_exclusion_counts(study):
    profile, fits, _ = study
    frame = M.model_frame(profile, PRIMARY, "mentor_id")

    def excluded(table: pd.DataFrame) -> pd.Series:
        rows = table[(table["check"] == "excluded_families") & (table["model"] == "primary")]
        return rows.set_index("statistic")["value"]

    raw = excluded(M.diagnostics_table(fits, frame, PRIMARY, excluded=M.exclusions_table(fits)))
    published = excluded(publish_diagnostics(fits, frame, PRIMARY, min_cell_size=1000))
    assert 0 < raw["case_open"] < 1000 and published["case_open"] == "<1000"
    assert raw["outcome_missing"] == 0 and published["outcome_missing"] == 0
    assert list(published.index) == list(raw.index)


# --- the analysis frame -------------------------------------------------------------


def test_model_frame_reports_every_exclusion():
    profile = pd.DataFrame(
        {
            "mentor_id": ["a", "a", "b", "b", None, "c", "c"],
            "case_closed": [True, False, True, True, True, True, True],
            "unified_at_closure": [1.0, np.nan, np.nan, 0.0, 1.0, 0.0, 1.0],
            "visits": [3.0, 4.0, 5.0, np.nan, 2.0, np.inf, 7.0],
            "rurality": ["rural", "urban", "rural", "urban", "rural", "urban", None],
        }
    )
    frame = M.model_frame(profile, "unified_at_closure ~ visits + C(rurality)", "mentor_id")
    assert frame.attrs["rows_in"] == 7
    assert frame.attrs["exclusions"] == {
        "case_open": 1,
        "outcome_missing": 1,
        "missing_visits": 2,  # NaN, and a rate that came out infinite
        "missing_rurality": 1,
        "missing_mentor_id": 1,
    }
    assert len(frame) == 7 - sum(frame.attrs["exclusions"].values())
    assert frame["unified_at_closure"].tolist() == [1.0]


def test_model_frame_refuses_non_binary_outcome():
    profile = pd.DataFrame(
        {"case_closed": [True, True], "unified_at_closure": [1.0, 2.0], "x": [1.0, 2.0]}
    )
    with pytest.raises(ValueError, match="0/1"):
        M.model_frame(profile, "unified_at_closure ~ x", None)


def test_fit_refuses_data_with_missing_values():
    data = pd.DataFrame(
        {"y": [0.0, 1.0, np.nan, 1.0], "x": [1.0, 2.0, 3.0, 4.0], "m": list("abab")}
    )
    with pytest.raises(ValueError, match="model_frame"):
        M.fit_logit_clustered(data, "y ~ x", "m")


def test_failed_fit_is_reported_not_raised():
    rng = np.random.default_rng(3)
    x = rng.normal(size=100)
    data = pd.DataFrame(
        {"y": (rng.random(100) < 0.5).astype(float), "x": x, "x2": 2 * x, "m": np.arange(100) % 5}
    )
    fit = M.fit_logit_clustered(data, "y ~ x + x2", "m")  # perfectly collinear
    assert not fit.converged and fit.result is None
    assert any("fit failed" in w for w in fit.warnings)
    table = M.tidy_coefficients([fit])
    assert table["term"].tolist() == ["(not estimated)"] and table["coef"].isna().all()


# --- separation: warn, fall back to Firth, stay finite ------------------------------


def _separated(kind: str) -> pd.DataFrame:
    x = np.arange(1.0, 13.0)
    y = (x > 6.5).astype(float)
    if kind == "quasi":  # families at x = 6.5 on both sides of the boundary
        x = np.r_[x, 6.5, 6.5]
        y = np.r_[y, 0.0, 1.0]
    return pd.DataFrame({"y": y, "x": x, "m": np.arange(len(x)) % 3})


@pytest.mark.parametrize("kind", ["complete", "quasi"])
def test_separation_warns_and_falls_back_to_firth(kind):
    data = _separated(kind)
    with pytest.warns(SeparationWarning, match="separation"):
        fit = M.fit_logit_clustered(data, "y ~ x", "m")
    assert fit.method == "firth" and fit.converged
    assert fit.separation["separation"] == ("complete" if kind == "complete" else "quasi-complete")
    assert any("Firth" in w for w in fit.warnings)
    table = M.tidy_coefficients([fit])
    values = table[["coef", "se", "odds_ratio", "or_low", "or_high", "p_value"]]
    assert np.isfinite(values.to_numpy(dtype=float)).all()
    assert (table["method"] == "firth").all()
    assert "WARNING: SeparationWarning" in M.model_summary_text(fit)


def test_gee_and_naive_fall_back_under_separation():
    data = _separated("complete")
    with pytest.warns(SeparationWarning):
        gee = M.fit_gee(data, "y ~ x", "m")
        naive = M.fit_logit(data, "y ~ x", cluster="m", cov_type="nonrobust")
    assert gee.method == naive.method == "firth"
    assert np.isfinite(gee.result.params).all()


def test_firth_two_by_two_adds_one_half_to_each_cell():
    # With one binary predictor the model is saturated and Firth's estimate is the
    # log odds ratio of the table with 0.5 added to every cell (Jeffreys prior).
    group = np.r_[np.zeros(6), np.ones(5)]
    y = np.r_[np.array([0, 0, 0, 0, 1, 1.0]), np.ones(5)]  # quasi-complete: group 1 all events
    X = pd.DataFrame({"Intercept": 1.0, "g": group})
    fit = M.fit_firth(pd.Series(y), X)
    odds0 = (2 + 0.5) / (4 + 0.5)
    odds1 = (5 + 0.5) / (0 + 0.5)
    assert fit.converged
    assert fit.params["Intercept"] == pytest.approx(np.log(odds0), abs=1e-8)
    assert fit.params["g"] == pytest.approx(np.log(odds1 / odds0), abs=1e-8)


def test_firth_maximizes_penalized_likelihood():
    data = sm.datasets.spector.load_pandas().data
    X = sm.add_constant(data[["GPA", "TUCE", "PSI"]])
    fit = M.fit_firth(data["GRADE"], X)
    y, Xv = data["GRADE"].to_numpy(), X.to_numpy()
    best = optimize.minimize(
        lambda b: -firth._penalized_loglik(b, y, Xv), np.zeros(4), method="BFGS"
    )
    assert fit.params.to_numpy() == pytest.approx(best.x, abs=1e-3)
    ml = M.fit_logit(data, "GRADE ~ GPA + TUCE + PSI", cov_type="nonrobust").result.params
    assert np.all(np.abs(fit.params.to_numpy()) < np.abs(ml.to_numpy()))  # shrunk toward 0


# --- ranking predictors -------------------------------------------------------------


def test_rank_predictors_puts_strong_predictor_first():
    rng = np.random.default_rng(7)
    n = 600
    data = pd.DataFrame(
        {
            "strong": rng.normal(size=n),
            "null": rng.normal(size=n),
            "site": rng.choice(["a", "b"], n),
            "m": np.arange(n) % 20,
        }
    )
    data["y"] = (rng.random(n) < 1 / (1 + np.exp(-1.5 * data["strong"]))).astype(float)
    ranking = M.rank_predictors(data, "y ~ null + strong + C(site)", "m")
    assert list(ranking.columns) == list(M.RANK_COLUMNS)
    assert ranking["term"].iloc[0] == "strong"
    assert ranking["rank"].tolist() == [1, 2, 3]
    assert ranking.set_index("term").loc["strong", "p_value"] < 1e-10
    assert np.isnan(ranking.set_index("term").loc["C(site)", "standardized_or"])
    assert (ranking["likelihood"] == "ML (non-robust)").all()


def test_rank_predictors_lr_and_standardized_or_by_hand():
    data = sm.datasets.spector.load_pandas().data
    ranking = M.rank_predictors(data, "GRADE ~ GPA + TUCE + PSI").set_index("term")
    full = sm.Logit(data["GRADE"], sm.add_constant(data[["GPA", "TUCE", "PSI"]])).fit(disp=0)
    reduced = sm.Logit(data["GRADE"], sm.add_constant(data[["TUCE", "PSI"]])).fit(disp=0)
    assert ranking.loc["GPA", "lr_chi2"] == pytest.approx(2 * (full.llf - reduced.llf))
    assert ranking.loc["GPA", "df"] == 1
    sd_or = np.exp(full.params["GPA"] * data["GPA"].std())
    assert ranking.loc["GPA", "standardized_or"] == pytest.approx(sd_or)


def test_rank_predictors_under_separation_uses_penalized_likelihood():
    data = _separated("quasi").assign(z=np.linspace(0, 1, 14) ** 2)
    ranking = M.rank_predictors(data, "y ~ x + z")
    assert (ranking["likelihood"] == "Firth penalized").all()
    assert np.isfinite(ranking["lr_chi2"]).all()


# --- the paper's "about 14 more" visits ---------------------------------------------


def test_visit_gap_by_hand():
    profile = pd.DataFrame(
        {
            "case_closed": [True, True, True, True, True, False, True],
            "unified_at_closure": [1.0, 1.0, 1.0, 0.0, 0.0, np.nan, 0.0],
            "face_to_face_with_children": [10.0, 20.0, 30.0, 5.0, 7.0, 99.0, np.nan],
        }
    )
    gap = M.visit_gap(profile)
    assert gap["difference"] == pytest.approx(20.0 - 6.0)
    assert (gap["n_unified"], gap["n_separated"]) == (3, 2)
    assert gap["excluded"]["case_open"] == 1
    assert gap["excluded"]["missing_face_to_face_with_children"] == 1
    welch = stats.ttest_ind([10.0, 20.0, 30.0], [5.0, 7.0], equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert (gap["ci_low"], gap["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert gap["p_value"] == pytest.approx(welch.pvalue)


def test_clean_fit_lets_no_warning_escape():
    # statsmodels warnings are recorded in FitResult.warnings, not emitted
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        M.fit_logit(synthetic_profile(n_families=300).dropna(), PRIMARY, cluster="mentor_id")


def test_separation_with_collinear_columns_does_not_crash():
    data = _separated("complete").assign(x2=lambda d: 2 * d["x"])
    with pytest.warns(SeparationWarning):
        fit = M.fit_logit_clustered(data, "y ~ x + x2", "m")
    assert fit.method == "firth" and not fit.converged and fit.result is None
    assert any("Firth fit failed" in w for w in fit.warnings)


def test_pipeline_recovers_the_demo_generators_true_odds_ratios():
    """Demo generator (known truth) -> family profile -> configured models, end to end."""
    from peermentor.analysis.profile import family_profile
    from peermentor.demo.simulate import simulate_study

    study = simulate_study(seed=7, scale=4)  # 3,132 families, 112 mentors
    profile = family_profile(study.families, study.contacts, data_cutoff="2017-12-31")
    formula = (
        "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
        " + C(rurality) + months_of_service"
    )
    fits = M.fit_models(profile, primary=formula, cluster="mentor_id")
    table = M.tidy_coefficients(fits)
    table = table[table["se_variant"] != CR3].set_index(["model", "term"])
    truth = study.truth["odds_ratios"]
    for model in ("primary", "primary_gee"):
        for term in ("face_to_face_with_children", "no_shows_or_refusals"):
            row = table.loc[(model, term)]
            assert row["or_low"] <= truth[term] <= row["or_high"], (model, term)
    # Rurality is constant within a mentor's caseload and mentors differ (random
    # intercepts), so clustering must widen its standard error.
    rural = "C(rurality)[T.urban]"
    assert table.loc[("primary", rural), "se"] > table.loc[("primary_naive", rural), "se"]
