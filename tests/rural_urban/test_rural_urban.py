"""Rural / urban comparisons (P4) and their sensitivity to clustering by site."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peermentor.analysis import rural_urban as st
from peermentor.analysis.rural_urban import effects
from peermentor.analysis.rural_urban.effects import _cliffs_delta_of_resamples

# --- generated study: families nested in sites, rurality assigned per site ---------------


def clustered_profile(
    rural_effect: float,
    seed: int,
    *,
    n_sites: int = 12,
    families_per_site: int = 40,
    site_sd: float = 1.0,
) -> pd.DataFrame:
    """Half the sites rural; log contacts = 2 + site effect + rural effect + family noise."""
    rng = np.random.default_rng(seed)
    rural_site = np.arange(n_sites) < n_sites // 2
    site_effect = rng.normal(0, site_sd, n_sites)
    site = np.repeat(np.arange(n_sites), families_per_site)
    log_contacts = 2 + site_effect[site] + rural_effect * rural_site[site]
    contacts = np.round(np.exp(log_contacts + rng.normal(0, 0.5, len(site))))
    return pd.DataFrame(
        {
            "family_id": [f"f{i:04d}" for i in range(len(site))],
            "site_id": [f"site{s:02d}" for s in site],
            "rurality": np.where(rural_site[site], "rural", "urban"),
            "contacts": contacts,
            "hours": contacts * 0.9,
            "case_closed": rng.random(len(site)) < 0.6,
            "unified_at_closure": (rng.random(len(site)) < 0.5).astype(float),
        }
    )


def tiny_profile(rural: list[float], urban: list[float], measure: str = "contacts"):
    values = [*rural, *urban]
    return pd.DataFrame(
        {
            "site_id": ["r"] * len(rural) + ["u"] * len(urban),
            "rurality": ["rural"] * len(rural) + ["urban"] * len(urban),
            measure: values,
        }
    )


# --- hand-computed statistics ------------------------------------------------------------


def test_mann_whitney_u_by_hand():
    # Every rural value is below every urban value: no pair with x > y, so U = 0.
    result = st.compare_measure([1, 2, 3], [4, 5], n_boot=0)
    assert result["statistic"] == 0.0
    assert result["test"] == "mann_whitney"
    # Exact two-sided p: U = 0 is 1 of the C(5, 2) = 10 rank splits, doubled: 0.2.
    assert result["p_value"] == pytest.approx(0.2)
    # Ties count one half: x > y in (3, 2); ties (2, 2) twice and (3, 3): U = 1 + 1.5.
    assert st.compare_measure([1, 2, 2, 3], [2, 3], n_boot=0)["statistic"] == 2.5


def test_cliffs_delta_by_hand_with_ties():
    # 8 pairs: x > y once (3 vs 2), x < y four times, three ties: (1 - 4) / 8.
    assert st.cliffs_delta([1, 2, 2, 3], [2, 3]) == pytest.approx(-0.375)
    assert st.cliffs_delta([4, 5], [1, 2, 3]) == 1.0
    assert st.cliffs_delta([2, 2], [2]) == 0.0
    assert np.isnan(st.cliffs_delta([], [1.0]))


def test_cliffs_delta_ignores_missing_values():
    assert st.cliffs_delta([1, np.nan, 2, 2, 3], [2, np.nan, 3]) == pytest.approx(-0.375)


def test_cliffs_delta_agrees_with_all_pairs():
    rng = np.random.default_rng(7)
    x, y = rng.integers(0, 20, 300), rng.integers(0, 20, 200)
    assert st.cliffs_delta(x, y) == pytest.approx(np.sign(x[:, None] - y[None, :]).mean())


def test_cliffs_delta_on_70k_families_is_fast():
    rng = np.random.default_rng(1)
    x, y = rng.poisson(60, 70_000), rng.poisson(61, 70_000)
    start = time.perf_counter()
    delta = st.cliffs_delta(x, y)
    assert time.perf_counter() - start < 2
    assert -1 < delta < 0


def test_holm_by_hand():
    # Sorted: 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> monotone 0.06.
    adjusted = st.adjust_pvalues([0.01, 0.04, 0.03], "holm")
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06])


def test_benjamini_hochberg_by_hand():
    # Ranks 1..4 of m = 4: 0.01*4/1 = 0.04, 0.03*4/2 = 0.06, 0.04*4/3 = 0.0533, 0.2*4/4 = 0.2;
    # step-up minimum from the top makes rank 2 0.0533 too.
    adjusted = st.adjust_pvalues([0.01, 0.04, 0.03, 0.20], "bh")
    np.testing.assert_allclose(adjusted, [0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_missing_p_values_stay_missing_and_leave_the_family():
    p = pd.Series([0.01, np.nan, 0.04, 0.03], index=list("abcd"))
    adjusted = st.adjust_pvalues(p, "holm")
    assert adjusted.index.tolist() == list("abcd")
    assert np.isnan(adjusted["b"])
    np.testing.assert_allclose(adjusted[["a", "c", "d"]], [0.03, 0.06, 0.06])


def test_unknown_adjustment_is_refused():
    with pytest.raises(ValueError, match="holm"):
        st.adjust_pvalues([0.1], "bonferroni")


def test_newcombe_interval_matches_published_example():
    # Newcombe (1998), Stat Med 17:873, table II example (b): 56/70 vs 48/80, method 10.
    low, high = st.newcombe_ci(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


# --- bootstrap ---------------------------------------------------------------------------


def test_bootstrap_is_deterministic_for_a_seed():
    rng = np.random.default_rng(3)
    x, y = rng.poisson(5, 80), rng.poisson(6, 90)
    first = st.bootstrap_ci(x, y, st.cliffs_delta, n_boot=300, seed=11)
    again = st.bootstrap_ci(x, y, st.cliffs_delta, n_boot=300, seed=11)
    other = st.bootstrap_ci(x, y, st.cliffs_delta, n_boot=300, seed=12)
    assert first == again
    assert first != other
    assert first[0] < st.cliffs_delta(x, y) < first[1]


def test_bootstrap_without_replicates_is_blank():
    assert all(np.isnan(st.bootstrap_ci([1, 2], [3], st.cliffs_delta, n_boot=0, seed=1)))


# --- the comparison table ----------------------------------------------------------------


def test_compare_strata_columns_and_family_of_tests():
    profile = clustered_profile(0.5, seed=2)
    table = st.compare_strata(
        profile, ["contacts", "hours"], n_boot=50, seed=1, coding="rural = RUCC 4-9"
    )
    assert tuple(table.columns) == st.COMPARISON_COLUMNS
    assert table["kind"].tolist() == ["continuous"] * 2 + ["share_receiving"]  # hours: not a count
    assert table["estimable"].all()
    assert (table["coding"] == "rural = RUCC 4-9").all()
    # One family of three tests, continuous and share rows adjusted together.
    expected = st.adjust_pvalues(table["p_value"].to_numpy(), "holm")
    np.testing.assert_allclose(table["p_adjusted"], expected)
    assert table["significant"].tolist() == (expected < 0.05).tolist()
    contacts = table.iloc[0]
    rural = profile.loc[profile["rurality"] == "rural", "contacts"]
    urban = profile.loc[profile["rurality"] == "urban", "contacts"]
    assert contacts["n_rural"] == len(rural) and contacts["mean_urban"] == urban.mean()
    assert contacts["statistic"] == stats.mannwhitneyu(rural, urban).statistic
    assert contacts["effect"] == pytest.approx(st.cliffs_delta(rural, urban))
    assert contacts["effect_low"] < contacts["effect"] < contacts["effect_high"]


def test_t_test_option_is_welch():
    profile = clustered_profile(0.5, seed=2)
    row = st.compare_strata(profile, ["hours"], test="t_test", n_boot=0).iloc[0]
    rural = profile.loc[profile["rurality"] == "rural", "hours"]
    urban = profile.loc[profile["rurality"] == "urban", "hours"]
    welch = stats.ttest_ind(rural, urban, equal_var=False)
    assert row["test"] == "t_test"
    assert row["statistic"] == pytest.approx(welch.statistic)
    assert row["p_value"] == pytest.approx(welch.pvalue)


def test_small_stratum_is_not_estimable_and_does_not_crash():
    profile = tiny_profile([1, 2, 3], list(range(30)))
    table = st.compare_strata(profile, ["contacts"], min_cell_size=11, n_boot=100)
    assert not table["estimable"].any()
    assert table["n_rural"].tolist() == [3, 3]  # counts kept for the publish step to suppress
    assert table[["mean_rural", "p_value", "p_adjusted", "effect", "effect_low"]].isna().all().all()
    assert table["significant"].isna().all()


def test_measure_missing_for_a_family_is_left_out():
    profile = tiny_profile([1.0, np.nan, 3.0], [2.0, 4.0], measure="early_hours")
    row = st.compare_strata(profile, ["early_hours"], min_cell_size=1, n_boot=0).iloc[0]
    assert (row["n_rural"], row["n_urban"]) == (2, 2)


def test_share_receiving_uses_fisher_for_small_expected_counts():
    # 9 families not receiving in all: expected 4.5 per stratum, below 5.
    profile = tiny_profile([0] * 9 + [1] * 3, [3] * 12)
    row = st.compare_strata(profile, ["contacts"], min_cell_size=1, n_boot=0).iloc[1]
    assert row["kind"] == "share_receiving" and row["test"] == "fisher_exact"
    assert (row["n_receiving_rural"], row["n_receiving_urban"]) == (3, 12)
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[3, 9], [12, 0]]).pvalue)
    assert row["effect"] == pytest.approx(3 / 12 - 1)


def test_share_receiving_uses_chi_square_for_large_counts():
    profile = tiny_profile([0] * 40 + [2] * 60, [0] * 20 + [2] * 80)
    row = st.compare_strata(profile, ["contacts"], n_boot=0).iloc[1]
    chi2 = stats.chi2_contingency([[60, 40], [80, 20]], correction=False)
    assert row["test"] == "chi_square"
    assert row["statistic"] == pytest.approx(chi2.statistic)
    assert row["p_value"] == pytest.approx(chi2.pvalue)


def test_unknown_rurality_label_is_refused():
    profile = tiny_profile([1, 2], [3, 4]).assign(rurality=["rural", "rural", "urban", "metro"])
    with pytest.raises(ValueError, match="metro"):
        st.compare_strata(profile, ["contacts"], n_boot=0)


# --- clustering by site ------------------------------------------------------------------


def test_no_rurality_effect_site_permutation_is_not_significant():
    # Site effects alone: the family-level test (families treated as independent) finds
    # a "difference"; the site-level permutation test correctly does not.
    profile = clustered_profile(0.0, seed=6)
    family = st.compare_strata(profile, ["contacts"], n_boot=0).iloc[0]
    assert family["p_value"] < 0.05
    result = st.site_permutation_test(profile, "contacts", n_permutations=2000, seed=1)
    assert result["exact"] and result["n_assignments"] == 924  # C(12, 6)
    assert result["p_value"] > 0.05


@pytest.mark.parametrize("statistic", st.PERMUTATION_STATISTICS)
def test_strong_rurality_effect_site_permutation_is_significant(statistic):
    profile = clustered_profile(4.0, seed=6)
    result = st.site_permutation_test(profile, "contacts", statistic=statistic, seed=1)
    assert result["p_value"] < 0.05
    assert result["observed_statistic"] > 0  # rural minus urban


def test_few_sites_are_enumerated_and_floor_the_p_value():
    # 6 sites of which 2 rural: C(6, 2) = 15 assignments, smallest p 1/15 > 0.05.
    # Even when the 2 rural sites serve far more than any urban site.
    profile = clustered_profile(0.0, seed=3, n_sites=6, families_per_site=15)
    rural = profile["site_id"].isin(["site00", "site01"])
    profile["rurality"] = np.where(rural, "rural", "urban")
    profile.loc[rural, "contacts"] += 1000
    result = st.site_permutation_test(profile, "contacts")
    assert result["exact"] and result["n_assignments"] == 15
    assert result["p_value"] == pytest.approx(1 / 15)
    assert result["min_attainable_p"] == pytest.approx(1 / 15)


def test_many_sites_are_sampled_deterministically():
    profile = clustered_profile(0.0, seed=2, n_sites=20, families_per_site=5)
    first = st.site_permutation_test(profile, "contacts", n_permutations=200, seed=5)
    again = st.site_permutation_test(profile, "contacts", n_permutations=200, seed=5)
    # 20 sites, 10 rural: C(20, 10) = 184,756 assignments, 200 drawn at random.
    assert not first["exact"] and first["n_assignments"] == 184_756
    assert first["n_permutations_drawn"] == 200
    assert first == again
    assert first["min_attainable_p"] == pytest.approx(1 / 201)


def test_monte_carlo_p_value_is_phipson_smyth_and_agrees_with_enumeration():
    # 12 sites, 6 rural: C(12, 6) = 924 assignments. Exact enumeration gives the true p;
    # 400 random draws give (1 + hits) / (1 + 400), never 0, within Monte Carlo error.
    profile = clustered_profile(0.8, seed=11, n_sites=12, families_per_site=6)
    exact = st.site_permutation_test(profile, "contacts", n_permutations=1000)
    sampled = st.site_permutation_test(profile, "contacts", n_permutations=400, seed=3)
    assert exact["exact"] and exact["n_assignments"] == 924
    assert exact["n_permutations_drawn"] == 0
    assert not sampled["exact"] and sampled["n_assignments"] == 924
    hits = sampled["p_value"] * 401 - 1
    assert hits == pytest.approx(round(hits)) and 0 <= round(hits) <= 400
    se = np.sqrt(exact["p_value"] * (1 - exact["p_value"]) / 400)
    assert abs(sampled["p_value"] - exact["p_value"]) < 4 * se + 1 / 401


def test_monte_carlo_p_value_by_hand():
    # The same draws, recomputed here: |T| of each permuted assignment against |T obs|.
    profile = clustered_profile(0.5, seed=12, n_sites=10, families_per_site=4)
    result = st.site_permutation_test(profile, "contacts", n_permutations=50, seed=9)
    rural_site = profile.groupby("site_id")["rurality"].first().eq("rural").to_numpy()
    site_means = profile.groupby("site_id")["contacts"].mean().to_numpy()
    draws = np.random.default_rng(9).permuted(np.tile(rural_site, (50, 1)), axis=1)
    stat = [site_means[d].mean() - site_means[~d].mean() for d in draws]
    observed = site_means[rural_site].mean() - site_means[~rural_site].mean()
    hits = sum(abs(t) >= abs(observed) - 1e-9 for t in stat)
    assert result["observed_statistic"] == pytest.approx(observed)
    assert result["p_value"] == pytest.approx((1 + hits) / 51)


def test_two_sites_cannot_reach_alpha_and_say_so():
    # One rural and one urban site: 2 assignments, smallest p 1 (the observed one and its
    # mirror are equally extreme); the site-clustered regression needs 4 sites.
    profile = clustered_profile(3.0, seed=5, n_sites=2, families_per_site=30)
    table = st.clustering_sensitivity(profile, ["contacts"], seed=1)
    row = table.iloc[0]
    assert row["n_assignments"] == 2 and bool(row["exact"])
    assert row["min_attainable_p"] == pytest.approx(1.0)
    assert not row["permutation_can_reach_alpha"] and not row["survives_clustering"]
    assert row["note"] == (
        "cannot reach alpha 0.05: 2 sites (1 rural) give 2 assignment(s), "
        "so the smallest attainable p is 1"
    )
    assert np.isnan(row["p_cluster"])


def test_one_stratum_makes_every_p4_comparison_not_estimable():
    profile = clustered_profile(0.0, seed=2, n_sites=4)
    profile["rurality"] = "urban"
    reason = "not estimable: one stratum (all families urban)"
    comparison = st.compare_strata(profile, ["contacts", "hours"], n_boot=10)
    assert (~comparison["estimable"]).all() and (comparison["note"] == reason).all()
    assert comparison["p_value"].isna().all() and comparison["effect"].isna().all()
    assert not comparison["significant"].notna().any()
    clustering = st.clustering_sensitivity(profile, ["contacts"], comparison=comparison)
    assert clustering.at[0, "note"] == reason and not clustering.at[0, "estimable"]
    assert pd.isna(clustering.at[0, "p_permutation"])
    outcome = st.outcome_by_stratum(profile)
    rural, urban = outcome.iloc[0], outcome.iloc[1]
    assert rural["n_closed"] == 0 and not rural["estimable"] and rural["note"] == reason
    assert urban["estimable"] and urban["note"] == ""


def test_one_site_permutation_is_not_estimable():
    profile = clustered_profile(0.0, seed=2, n_sites=2)
    with pytest.raises(ValueError, match=r"^1 site\(s\): the site-level test needs sites"):
        st.site_permutation_test(profile[profile["site_id"] == "site00"], "contacts")
    assert st.site_strata_reason(np.array([False, False, False])) == (
        "one stratum of sites (all 3 sites urban)"
    )


def test_mixed_rurality_within_a_site_is_refused_by_the_permutation_test():
    profile = clustered_profile(0.0, seed=2)
    profile.loc[0, "rurality"] = "urban"  # site00 is rural otherwise
    with pytest.raises(ValueError, match="site00"):
        st.site_permutation_test(profile, "contacts")


def test_site_clustered_regression_estimates_the_mean_difference():
    profile = clustered_profile(1.0, seed=4)
    fit = st.site_clustered_regression(profile, "hours")
    by_stratum = profile.groupby("rurality")["hours"].mean()
    assert fit["coef"] == pytest.approx(by_stratum["rural"] - by_stratum["urban"])
    assert fit["n_clusters"] == 12 and fit["se"] > 0 and 0 <= fit["p_value"] <= 1


def test_clustering_sensitivity_flags():
    null = st.clustering_sensitivity(clustered_profile(0.0, seed=6), ["contacts"], seed=1)
    strong = st.clustering_sensitivity(clustered_profile(4.0, seed=6), ["contacts"], seed=1)
    assert tuple(null.columns) == st.SENSITIVITY_COLUMNS
    assert bool(null.at[0, "significant_family"]) and not bool(null.at[0, "survives_clustering"])
    assert bool(strong.at[0, "survives_clustering"])
    assert bool(strong.at[0, "permutation_can_reach_alpha"])


def test_clustering_sensitivity_notes_instead_of_crashing():
    profile = clustered_profile(0.0, seed=2)
    profile.loc[0, "rurality"] = "urban"
    table = st.clustering_sensitivity(profile, ["contacts"], seed=1)
    assert "site00" in table.at[0, "note"]
    assert np.isnan(table.at[0, "p_permutation"])
    assert not np.isnan(table.at[0, "p_cluster"])

    small = tiny_profile([1, 2, 3], list(range(30)))
    table = st.clustering_sensitivity(small, ["contacts"], seed=1)
    assert table.at[0, "note"] == (
        "not estimable: fewer than 11 families with a value in the rural stratum"
    )
    assert pd.isna(table.at[0, "survives_clustering"])


# --- outcome at closure ------------------------------------------------------------------


def test_outcome_by_stratum_counts_closed_families_only():
    profile = pd.DataFrame(
        {
            "rurality": ["rural"] * 14 + ["urban"] * 5,
            "case_closed": [True] * 13 + [False] + [True] * 5,
            "unified_at_closure": [1.0] * 9 + [0.0] * 3 + [np.nan] * 2 + [1.0] * 5,
        }
    )
    table = st.outcome_by_stratum(profile, min_cell_size=11).set_index("rurality")
    rural, urban = table.loc["rural"], table.loc["urban"]
    assert (rural["n_closed"], rural["n_with_outcome"]) == (13, 12)
    assert (rural["n_unified"], rural["n_separated"]) == (9, 3)
    assert rural["share_unified"] == pytest.approx(0.75)
    assert rural["ci_low"] < 0.75 < rural["ci_high"]
    assert rural["estimable"] and rural["below_min_cell"]  # 9 and 3 are below 11
    assert not urban["estimable"] and np.isnan(urban["share_unified"])
    assert (table["unit"] == "families").all()
    assert set(st.OUTCOME_COUNT_COLUMNS) <= set(table.columns)


def test_constant_measure_is_not_tested_and_leaves_the_family():
    # Every family received contacts, none had the activity: neither row is a test.
    profile = tiny_profile([1, 2, 3] * 5, [2, 4] * 8).assign(act_other=0)
    table = st.compare_strata(profile, ["contacts", "act_other"], n_boot=0, min_cell_size=5)
    tested = table.dropna(subset=["p_value"])
    assert tested[["measure", "kind"]].values.tolist() == [["contacts", "continuous"]]
    assert table.loc[0, "p_adjusted"] == table.loc[0, "p_value"]  # a family of one
    share = table[(table["kind"] == "share_receiving") & (table["measure"] == "contacts")].iloc[0]
    assert share["effect"] == 0.0 and share["share_rural"] == share["share_urban"] == 1.0


def test_count_columns_are_integers_for_publication():
    table = st.compare_strata(clustered_profile(0.0, seed=2), ["contacts"], n_boot=0)
    for column in st.COMPARISON_COUNT_COLUMNS:
        assert str(table[column].dtype) == "Int64"


def test_family_without_rurality_is_left_out():
    profile = tiny_profile([1, 2, 3], [4, 5, 6]).assign(
        rurality=["rural", None, "rural", *["urban"] * 3]
    )
    row = st.compare_strata(profile, ["contacts"], min_cell_size=1, n_boot=0).iloc[0]
    assert (row["n_rural"], row["n_urban"]) == (2, 3)


def test_tables_pass_through_disclosure_control():
    from peermentor.publish.disclosure import suppress_small_cells

    profile = tiny_profile([0] * 9 + [1] * 3, [3] * 12)
    table = st.compare_strata(profile, ["contacts"], min_cell_size=1, n_boot=0)
    published = suppress_small_cells(
        table,
        count_columns=st.COMPARISON_COUNT_COLUMNS,
        min_cell_size=11,
        dependent_columns=st.COMPARISON_DEPENDENT_COLUMNS,
        column_groups=st.COMPARISON_COLUMN_GROUPS,
    )
    share = published.iloc[1]
    assert share["n_receiving_rural"] == "<11" and share["share_rural"] == "<11"
    assert share["effect"] == "<11"


def test_bootstrap_fast_path_gives_exactly_cliffs_delta_of_each_resample():
    # Ties within and across strata; the fast path ranks pooled distinct values.
    x = np.array([1.0, 2.0, 2.0, 5.0, 7.0])
    y = np.array([2.0, 3.0, 5.0, 5.0])
    of_resamples = _cliffs_delta_of_resamples(x, y)
    everything = (np.arange(5)[None, :], np.arange(4)[None, :])
    # By hand, over the 20 pairs: wins 0+0+0+2+4 = 6 (x=5 beats 2 and 3, x=7 beats all),
    # ties 0+1+1+2+0 = 4, losses 20 - 6 - 4 = 10, so delta = (6 - 10) / 20 = -0.2.
    assert of_resamples(*everything).tolist() == [pytest.approx(-0.2)]
    rng = np.random.default_rng(3)
    ix, iy = rng.integers(0, 5, (20, 5)), rng.integers(0, 4, (20, 4))
    deltas = of_resamples(ix, iy)
    assert deltas.tolist() == [st.cliffs_delta(x[i], y[j]) for i, j in zip(ix, iy, strict=True)]


def _drawn_one_by_one(seed: int, n_x: int, n_y: int, n_boot: int):
    """The resamples as a loop draws them: x's indices, then y's, replicate by replicate."""
    rng = np.random.default_rng(seed)
    ix, iy = [], []
    for _ in range(n_boot):
        ix.append(rng.integers(0, n_x, n_x))
        iy.append(rng.integers(0, n_y, n_y))
    return np.array(ix), np.array(iy), rng.integers(0, 2**40)


@pytest.mark.parametrize("one_call_below", [0, 10**9])  # per replicate / one call a chunk
# 36 indices: 3 replicates of (5, 7) a chunk, 40 = 13 chunks of 3 and one of 1.
@pytest.mark.parametrize("chunk", [1, 36, 2**16])
@pytest.mark.parametrize(("n_x", "n_y", "n_boot"), [(5, 7, 40), (30, 1, 9), (1, 1, 3)])
def test_resamples_in_chunks_are_the_numbers_drawn_one_by_one(
    monkeypatch, one_call_below, chunk, n_x, n_y, n_boot
):
    monkeypatch.setattr(effects, "CHUNK_DRAWS", chunk)
    monkeypatch.setattr(effects, "ONE_CALL_BELOW", one_call_below)
    rng = np.random.default_rng(42)
    chunks = list(effects.resample_indices(rng, n_x, n_y, n_boot))
    ix_loop, iy_loop, after = _drawn_one_by_one(42, n_x, n_y, n_boot)
    assert np.array_equal(np.concatenate([ix for ix, _ in chunks]), ix_loop)
    assert np.array_equal(np.concatenate([iy for _, iy in chunks]), iy_loop)
    assert rng.integers(0, 2**40) == after  # the stream is left where the loop leaves it


def test_array_bounds_draw_as_scalar_bounds_do_where_most_draws_are_rejected():
    # Lemire's method redraws a 32-bit output with probability (2**32 mod bound) / 2**32:
    # about 0.3 for a bound of 3,000,000,000, so an array of bounds that drew differently
    # (another algorithm, or another use of the stream) would differ here. 64-bit bounds too.
    for bounds in ([3_000_000_000] * 4 + [2**32 - 7] * 3, [2**32 + 3] * 3 + [5] * 2):
        one_by_one, at_once = np.random.default_rng(7), np.random.default_rng(7)
        loop = [[one_by_one.integers(0, b) for b in bounds] for _ in range(300)]
        array = at_once.integers(0, np.tile(bounds, 300)).reshape(300, len(bounds))
        assert array.tolist() == loop


def test_bootstrap_ci_of_any_statistic_uses_the_same_resamples():
    # The generic path (any statistic) and the Cliff's delta path see the same resamples.
    rng = np.random.default_rng(5)
    x, y = rng.integers(0, 6, 25).astype(float), rng.integers(0, 6, 18).astype(float)
    fast = st.bootstrap_ci(x, y, st.cliffs_delta, n_boot=500, seed=9)
    generic = st.bootstrap_ci(x, y, lambda a, b: st.cliffs_delta(a, b), n_boot=500, seed=9)
    assert fast == generic
