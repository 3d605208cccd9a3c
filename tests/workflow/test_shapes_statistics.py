"""Study shapes the demo never has, through the analysis functions (simulated study ->
family profile -> P4 stratify -> P5 models -> replication table): every statistic the
shape cannot support says "not estimable: <reason>", nothing crashes.

The narrative, notebook and P6 figure side of the same shapes is tested with the
narrative functions; the whole-workflow matrix is the e2e suite's."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from peermentor.analysis import clusters as cl
from peermentor.analysis import outcome as M
from peermentor.analysis import rural_urban as st
from peermentor.analysis.engagement import early_engagement
from peermentor.analysis.profile import family_profile, with_early_engagement
from peermentor.demo.simulate import simulate_study
from peermentor.demo.sites import DemoSite
from peermentor.publish.outcome import publish_diagnostics
from peermentor.publish.replication import p4_computed, replication_rows
from peermentor.publish.rural_urban import publish_comparison

CUTOFF = "2017-12-31"
PRIMARY = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)
SENSITIVITY = {
    "exposure_adjusted": "unified_at_closure ~ face_to_face_with_children_per_month"
    " + no_shows_or_refusals_per_month + C(rurality) + months_of_service"
}


def profile_of(sites, *, scale: int = 1, seed: int = 3, contacts=None) -> pd.DataFrame:
    study = simulate_study(seed=seed, sites=sites, scale=scale)
    contacts = study.contacts if contacts is None else contacts(study.contacts)
    profile = family_profile(study.families, contacts, data_cutoff=CUTOFF)
    early = early_engagement(contacts, study.families, data_cutoff=CUTOFF)
    return with_early_engagement(profile, early)


def analyse(profile: pd.DataFrame, n_permutations: int = 2000) -> dict[str, pd.DataFrame]:
    """The P4 and P5 tables and the replication table, as the workflow builds them."""
    comparison = st.compare_strata(profile, n_boot=50)
    published = publish_comparison(comparison, profile, min_cell_size=11)
    clustering = st.clustering_sensitivity(
        profile, comparison=comparison, n_permutations=n_permutations
    )
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id", sensitivity=SENSITIVITY)
    coefficients = M.tidy_coefficients(fits)
    frame = M.model_frame(profile, PRIMARY, "mentor_id")
    computed = M.replication_values(coefficients, M.visit_gap(profile))
    p4, definitions = p4_computed(published)
    return {
        "comparison": published,
        "clustering": clustering,
        "outcome": st.outcome_by_stratum(profile),
        "coefficients": coefficients,
        "ranking": M.rank_predictors(frame, PRIMARY, "mentor_id"),
        "diagnostics": publish_diagnostics(fits, frame, PRIMARY, min_cell_size=11),
        "replication": replication_rows(computed | p4, definitions).set_index("id"),
    }


@pytest.fixture(scope="module", params=["urban", "rural"])
def one_stratum(request):
    rucc = 1 if request.param == "urban" else 8
    return request.param, analyse(profile_of([DemoSite("only", request.param, rucc, 1.0)]))


def test_one_stratum_every_p4_output_says_so(one_stratum):
    stratum, out = one_stratum
    note = f"not estimable: one stratum (all families {stratum})"
    comparison = out["comparison"]
    assert (~comparison["estimable"]).all() and (comparison["note"] == note).all()
    assert comparison["p_value"].isna().all() and comparison["effect"].isna().all()
    assert (out["clustering"]["note"] == note).all()
    assert out["clustering"]["p_permutation"].isna().all()
    outcome = out["outcome"].set_index("rurality")
    other = "rural" if stratum == "urban" else "urban"
    assert outcome.at[other, "note"] == note and not outcome.at[other, "estimable"]
    assert outcome.at[stratum, "estimable"]  # the stratum that exists is still shown
    p4 = out["replication"].loc["p4_measures_differing"]
    assert not p4["estimable"] and p4["note"] == note and np.isnan(p4["computed"])


def test_one_stratum_models_are_fitted_without_rurality(one_stratum):
    stratum, out = one_stratum
    note = f"not estimable: one stratum (all families {stratum}); model fitted without this term"
    coefficients = out["coefficients"]
    rural = coefficients[coefficients["term"] == "C(rurality)"]
    # primary (CR1), GEE, naive, exposure_adjusted (CR1), and both CR3 blocks
    assert len(rural) == 6 and (rural["note"] == note).all() and rural["coef"].isna().all()
    assert not (coefficients["term"] == "(not estimated)").any()
    assert out["ranking"].set_index("term").at["C(rurality)", "note"] == note
    for figure in ("or_face_to_face_with_children", "or_no_show_or_refusal_separation"):
        assert out["replication"].at[figure, "estimable"]


@pytest.fixture(scope="module")
def two_sites():
    sites = [DemoSite("town", "urban", 1, 0.5), DemoSite("hills", "rural", 8, 0.5)]
    return analyse(profile_of(sites))


def test_two_sites_site_permutation_cannot_reach_alpha_in_words(two_sites):
    clustering = two_sites["clustering"]
    tested = clustering[clustering["estimable"]]
    assert len(tested) > 0
    assert (tested["n_assignments"] == 2).all() and tested["exact"].all()
    assert (tested["min_attainable_p"] == 1.0).all()
    assert (~tested["permutation_can_reach_alpha"].astype(bool)).all()
    assert tested["note"].str.startswith("cannot reach alpha 0.05: 2 sites (1 rural)").all()
    assert (~tested["survives_clustering"].astype(bool)).all()
    # Two sites are too few clusters for the site-clustered regression.
    assert tested["p_cluster"].isna().all()
    # P4 at family level is still computed.
    assert two_sites["replication"].at["p4_measures_differing", "estimable"]


def test_thirty_two_sites_turn_to_seeded_monte_carlo():
    sites = [
        DemoSite(f"s{i:02d}", "rural" if i % 3 == 0 else "urban", None, 1.0) for i in range(32)
    ]
    profile = profile_of(sites, scale=3)
    first = st.clustering_sensitivity(profile, ["contacts", "hours"], n_permutations=500)
    again = st.clustering_sensitivity(profile, ["contacts", "hours"], n_permutations=500)
    pd.testing.assert_frame_equal(first, again)  # seeded
    assert (~first["exact"].astype(bool)).all()
    assert (first["n_assignments"] == math.comb(32, 11)).all()
    assert (first["n_permutations_drawn"] == 500).all()
    hits = first["p_permutation"] * 501 - 1  # p = (1 + hits) / (1 + B)
    np.testing.assert_allclose(hits, np.round(hits), atol=1e-9)
    np.testing.assert_allclose(first["min_attainable_p"], 1 / 501)


def test_no_no_shows_anywhere():
    def completed_only(contacts):
        return contacts[contacts["status"] == "completed"].reset_index(drop=True)

    out = analyse(profile_of([DemoSite("a", "urban", 1, 0.5), DemoSite("b", "rural", 8, 0.5)],
                             contacts=completed_only), n_permutations=10)  # fmt: skip
    note = (
        "not estimable: no variation: no family has a no-show or refusal; "
        "model fitted without this term"
    )
    coefficients = out["coefficients"]
    rows = coefficients[coefficients["term"] == "no_shows_or_refusals"]
    assert len(rows) > 0 and (rows["note"] == note).all()
    per_month = coefficients[coefficients["term"] == "no_shows_or_refusals_per_month"]
    assert (per_month["note"] == note).all()
    row = out["replication"].loc["or_no_show_or_refusal_separation"]
    assert not row["estimable"] and row["note"] == note
    assert out["replication"].at["or_face_to_face_with_children", "estimable"]
    assert out["ranking"].set_index("term").at["no_shows_or_refusals", "note"] == note


def test_few_mentors_have_cr3_and_the_diagnostics_say_it_is_relied_on():
    profile = profile_of([DemoSite("a", "urban", 1, 0.5), DemoSite("b", "rural", 8, 0.5)])
    # Six mentors, three per site (rurality stays a mentor-level covariate).
    codes = pd.factorize(profile["mentor_id"], sort=True)[0]
    profile["mentor_id"] = profile["site_id"] + "-" + (codes % 3).astype(str)
    out = analyse(profile, n_permutations=10)
    coefficients = out["coefficients"]
    primary = coefficients[coefficients["model"] == "primary"]
    assert set(primary["se_variant"]) == {cl.CR1, cl.CR3}
    assert primary["estimable"].all() and (primary["clusters"] == 6).all()
    diagnostics = out["diagnostics"]
    relied = diagnostics[
        (diagnostics["check"] == "inference") & (diagnostics["model"] == "primary")
    ]
    relied = relied.set_index("statistic")
    assert relied.at["clusters", "value"] == 6 and relied.at["relied_on", "note"] == cl.CR3


def test_one_stratum_forest_shows_the_note_on_the_rurality_row(one_stratum):
    from peermentor import figures

    stratum, out = one_stratum
    fig = figures.odds_ratio_forest(out["coefficients"])
    texts = " ".join(t.get_text().replace("\n", " ") for t in fig.axes[0].texts)
    assert f"not estimable: one stratum (all families {stratum}); model fitted" in texts
    _, labels = fig.axes[0].get_legend_handles_labels()
    assert "primary (CR3 jackknife SE, t(G-1))" in labels
