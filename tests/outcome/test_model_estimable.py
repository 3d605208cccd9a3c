"""Outcome models on study shapes the demo never has: one stratum, no no-shows, few and
too few mentors, a failed fit. Terms the data cannot support are fitted without and say
so in every model table; a failed fit reports its real cause."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peermentor.analysis import clusters as cl
from peermentor.analysis import outcome as M
from peermentor.analysis.profile import family_profile
from peermentor.demo.simulate import simulate_study
from peermentor.demo.sites import DemoSite
from peermentor.publish.outcome import publish_diagnostics

PRIMARY = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)
ONE_STRATUM = "not estimable: one stratum (all families urban); model fitted without this term"
NO_SHOWS = (
    "not estimable: no variation: no family has a no-show or refusal; "
    "model fitted without this term"
)


def one_site_profile(seed: int = 3) -> pd.DataFrame:
    study = simulate_study(seed=seed, sites=[DemoSite("a", "urban", 1, 1.0)])
    return family_profile(study.families, study.contacts, data_cutoff="2017-12-31")


@pytest.fixture(scope="module")
def one_stratum():
    profile = one_site_profile()
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id")
    return profile, fits, M.tidy_coefficients(fits)


def test_one_stratum_model_is_fitted_without_the_rurality_term(one_stratum):
    _, fits, table = one_stratum
    assert all(f.result is not None for f in fits)
    assert "rurality" not in fits[0].formula
    rural = table[table["term"] == "C(rurality)"]
    # primary, primary_gee, primary_naive, and the primary CR3 rows
    assert len(rural) == 4
    assert (~rural["estimable"]).all() and (rural["note"] == ONE_STRATUM).all()
    assert rural[["coef", "se", "odds_ratio", "or_low", "or_high", "p_value"]].isna().all().all()
    fitted = table[table["term"] == "face_to_face_with_children"]
    assert fitted["estimable"].all() and fitted["odds_ratio"].notna().all()


def test_one_stratum_ranking_diagnostics_and_summary_say_not_estimable(one_stratum):
    profile, fits, _ = one_stratum
    frame = M.model_frame(profile, PRIMARY, "mentor_id")
    ranking = M.rank_predictors(frame, PRIMARY, "mentor_id")
    row = ranking.set_index("term").loc["C(rurality)"]
    assert not row["estimable"] and row["note"] == ONE_STRATUM
    assert pd.isna(row["rank"]) and pd.isna(row["lr_chi2"])
    assert ranking["rank"].dropna().tolist() == [1, 2, 3]
    diagnostics = publish_diagnostics(fits, frame, PRIMARY, min_cell_size=11)
    vif = diagnostics[(diagnostics["check"] == "vif") & (diagnostics["statistic"] == "C(rurality)")]
    assert vif["note"].tolist() == [ONE_STRATUM] and vif["value"].isna().all()
    assert f"Term C(rurality): {ONE_STRATUM}" in M.model_summary_text(fits[0])


def test_one_stratum_replication_values_are_computed_without_the_term(one_stratum):
    profile, _, table = one_stratum
    values = M.replication_values(table, M.visit_gap(profile))
    assert values["or_face_to_face_with_children"] > 1
    assert values["or_no_show_or_refusal_separation"] > 1


def test_no_no_shows_drops_the_constant_predictor_everywhere():
    profile = one_site_profile(seed=4)
    profile["no_shows_or_refusals"] = 0
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id")
    table = M.tidy_coefficients(fits)
    rows = table[table["term"] == "no_shows_or_refusals"]
    assert len(rows) == 4 and (rows["note"] == NO_SHOWS).all() and rows["coef"].isna().all()
    values = M.replication_values(table, M.visit_gap(profile))
    assert values["or_no_show_or_refusal_separation"] == NO_SHOWS
    assert values["or_face_to_face_with_children"] > 1
    frame = M.model_frame(profile, PRIMARY, "mentor_id")
    ranking = M.rank_predictors(frame, PRIMARY, "mentor_id").set_index("term")
    assert ranking.at["no_shows_or_refusals", "note"] == NO_SHOWS


def test_few_mentors_add_cr3_rows_and_the_narrative_relies_on_them():
    profile = one_site_profile(seed=5)
    codes = pd.factorize(profile["mentor_id"], sort=True)[0]
    profile["mentor_id"] = [f"M{c % 6}" for c in codes]  # 6 mentors
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id")
    table = M.tidy_coefficients(fits)
    primary = table[(table["model"] == "primary") & table["estimable"]]
    cr1 = primary[primary["se_variant"] == cl.CR1].set_index("term")
    cr3 = primary[primary["se_variant"] == cl.CR3].set_index("term")
    assert list(cr1.index) == list(cr3.index)
    # Same point estimates, different variance; CR3 uses t(5) intervals.
    np.testing.assert_allclose(cr3["coef"], cr1["coef"])
    assert (cr3["se"] != cr1["se"]).all()
    term = "face_to_face_with_children"
    q = __import__("scipy").stats.t.ppf(0.975, 5)
    assert cr3.at[term, "or_high"] == pytest.approx(
        np.exp(cr3.at[term, "coef"] + q * cr3.at[term, "se"])
    )
    frame = M.model_frame(profile, PRIMARY, "mentor_id")
    diagnostics = publish_diagnostics(fits, frame, PRIMARY, min_cell_size=11)
    inference = diagnostics[
        (diagnostics["check"] == "inference") & (diagnostics["model"] == "primary")
    ]
    assert inference.set_index("statistic")["value"].to_dict()["clusters"] == 6
    assert inference.set_index("statistic")["note"].to_dict() == {
        "clusters": "",
        "relied_on": cl.CR3,
    }


def test_too_few_mentors_leave_clustered_inference_not_estimable():
    profile = one_site_profile(seed=6)
    codes = pd.factorize(profile["mentor_id"], sort=True)[0]
    profile["mentor_id"] = [f"M{c % 3}" for c in codes]  # 3 mentors
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id")
    table = M.tidy_coefficients(fits)
    reason = "not estimable: 3 mentor(s): clustered SEs need at least 4 clusters"
    clustered = table[
        (table["model"] == "primary") & (table["term"] == "face_to_face_with_children")
    ]
    assert set(clustered["se_variant"]) == {cl.CR1, cl.CR3}
    assert (clustered["note"] == reason).all() and clustered["se"].isna().all()
    assert clustered["odds_ratio"].notna().all()  # the point estimate is still the ML fit
    naive = table[
        (table["model"] == "primary_naive") & (table["term"] == "face_to_face_with_children")
    ]
    assert naive["estimable"].all() and naive["se"].notna().all()


def test_a_failed_fit_reports_its_real_cause():
    fit = M.FitResult(
        name="primary", formula="y ~ x", cov_type="cluster", result=None, n=20, events=10,
        clusters=5, converged=False,
        warnings=["fit failed: ZeroDivisionError: float division by zero"],
    )  # fmt: skip
    table = M.tidy_coefficients([fit])
    cause = "not estimable: fit failed: ZeroDivisionError: float division by zero"
    assert table["term"].tolist() == ["(not estimated)"] and table.at[0, "note"] == cause
    values = M.replication_values(table, {"difference": 3.0})
    assert values["or_face_to_face_with_children"] == cause
    assert values["or_no_show_or_refusal_separation"] == cause
    assert values["face_to_face_gap"] == 3.0


def test_a_term_missing_from_a_fitted_model_is_still_a_configuration_error(one_stratum):
    _, _, table = one_stratum
    table = table[table["term"] != "no_shows_or_refusals"]
    with pytest.raises(ValueError, match="has no term"):
        M.replication_values(table, {"difference": 1.0})
