"""Few-cluster inference (CR3 cluster jackknife): hand-built refits, the OLS identity of
MacKinnon, Nielsen & Webb (2023), a coverage simulation, and too few clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from peermentor.analysis import clusters as cl


def _tiny(seed: int = 3, G: int = 5, m: int = 12):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(G), m)
    x = rng.normal(0, 1, G * m) + rng.normal(0, 1, G)[g]
    y = (rng.random(G * m) < 1 / (1 + np.exp(-(0.3 + 0.8 * x)))).astype(float)
    return pd.Series(y), pd.DataFrame({"Intercept": 1.0, "x": x}), g


def test_cr3_equals_explicit_leave_one_cluster_out_refits():
    y, X, g = _tiny()
    full = sm.Logit(y, X).fit(disp=0).params
    result = cl.cluster_jackknife(y, X, g, full)
    refits = np.array([sm.Logit(y[g != h], X[g != h]).fit(disp=0).params for h in range(5)])
    deviations = refits - full.to_numpy()
    expected = 4 / 5 * deviations.T @ deviations  # (G-1)/G sum_g (b_(g) - b)(b_(g) - b)'
    assert result["clusters"] == 5 and result["note"] == ""
    np.testing.assert_allclose(result["cov"].to_numpy(), expected, rtol=1e-6, atol=1e-12)
    assert list(result["cov"].columns) == ["Intercept", "x"]


def test_jackknife_covariance_is_cv3_of_mackinnon_nielsen_webb_for_ols():
    # For OLS the leave-one-cluster-out estimates centred on b with factor (G-1)/G equal
    # CV3 = (G-1)/G (X'X)^-1 [sum_g X_g'(I - H_gg)^-1 u_g u_g'(I - H_gg)^-1 X_g] (X'X)^-1
    # (MacKinnon, Nielsen & Webb 2023, section 3.3): an independent closed form.
    rng = np.random.default_rng(8)
    G, m = 6, 7
    g = np.repeat(np.arange(G), m)
    X = np.column_stack([np.ones(G * m), rng.normal(size=G * m), rng.normal(size=G)[g]])
    y = X @ [1.0, 0.5, -0.3] + rng.normal(size=G)[g] + rng.normal(size=G * m)
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    loo = np.array([np.linalg.lstsq(X[g != h], y[g != h], rcond=None)[0] for h in range(G)])
    bread = np.linalg.inv(X.T @ X)
    meat = np.zeros((3, 3))
    for h in range(G):
        Xg, ug = X[g == h], (y - X @ b)[g == h]
        Hgg = Xg @ bread @ Xg.T
        score = Xg.T @ np.linalg.solve(np.eye(len(ug)) - Hgg, ug)
        meat += np.outer(score, score)
    cv3 = (G - 1) / G * bread @ meat @ bread
    np.testing.assert_allclose(cl.jackknife_covariance(loo, b), cv3, rtol=1e-10)


def test_cr3_t_intervals_cover_closer_to_95_than_cr1_with_six_mentors():
    # Seeded simulation: 6 clusters of 40, a random intercept (SD 1) and a covariate
    # mostly at cluster level. CR1 with normal intervals under-covers badly; CR3 with
    # t(5) intervals is close to nominal (measured: CR1 0.76, CR3 0.93 over 150 studies).
    rng = np.random.default_rng(1)
    G, m, beta, studies = 6, 40, 0.5, 150
    covered = {"CR1": 0, "CR3": 0}
    for _ in range(studies):
        g = np.repeat(np.arange(G), m)
        x = rng.normal(0, 1, G)[g] + rng.normal(0, 0.5, G * m)
        eta = -0.2 + beta * x + rng.normal(0, 1, G)[g]
        y = pd.Series((rng.random(G * m) < 1 / (1 + np.exp(-eta))).astype(float))
        X = pd.DataFrame({"Intercept": 1.0, "x": x})
        fit = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": g})
        low, high = fit.conf_int().loc["x"]
        covered["CR1"] += low <= beta <= high
        jackknife = cl.cluster_jackknife(y, X, g, fit.params)
        ci = cl.t_inference(fit.params, jackknife["cov"], G).loc["x"]
        covered["CR3"] += ci["low"] <= beta <= ci["high"]
    cr1, cr3 = covered["CR1"] / studies, covered["CR3"] / studies
    assert cr1 < 0.85 and 0.88 <= cr3 <= 0.99
    assert abs(cr3 - 0.95) < abs(cr1 - 0.95)


def test_t_inference_by_hand():
    params = pd.Series([0.4, -1.0], index=["a", "b"])
    cov = pd.DataFrame([[0.04, 0.0], [0.0, 0.25]], index=params.index, columns=params.index)
    table = cl.t_inference(params, cov, clusters=6)
    q = stats.t.ppf(0.975, 5)
    assert table.loc["a", "se"] == pytest.approx(0.2)
    assert table.loc["b", "low"] == pytest.approx(-1.0 - q * 0.5)
    assert table.loc["a", "p_value"] == pytest.approx(2 * stats.t.sf(2.0, 5))


def test_too_few_clusters_is_not_estimable_with_reason():
    y, X, g = _tiny(G=3, m=20)
    result = cl.cluster_jackknife(y, X, g, sm.Logit(y, X).fit(disp=0).params)
    assert result["cov"] is None
    assert result["note"] == ("not estimable: 3 mentor(s): clustered SEs need at least 4 clusters")
    assert cl.too_few_clusters(4) is None
    assert cl.too_few_clusters(2, "site") == "2 site(s): clustered SEs need at least 4 clusters"


def test_relied_on_names_the_inference_by_number_of_clusters():
    assert cl.relied_on(3) == "none (too few clusters)"
    assert cl.relied_on(6) == cl.CR3 and cl.relied_on(12) == cl.CR3
    assert cl.relied_on(28) == cl.CR1


def test_a_failed_refit_is_not_estimable_not_a_number():
    # Cluster 0 holds the only x = 1 family: without it the x column is constant.
    y = pd.Series([1.0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    X = pd.DataFrame({"Intercept": 1.0, "x": [1.0] + [0.0] * 11})
    g = np.repeat(np.arange(4), 3)
    result = cl.cluster_jackknife(y, X, g, pd.Series([0.0, 0.0], index=X.columns))
    assert result["cov"] is None
    assert result["note"].startswith("not estimable: the leave-one-mentor-out refit")


@pytest.mark.parametrize("seed", range(6))
def test_newton_logit_is_statsmodels_logit_fit_to_the_last_bit(seed):
    # The jackknife's refit replaces statsmodels' model and results objects by its Newton
    # steps; the estimate must be the same floats, not merely close, so that the published
    # CR3 columns do not move.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 400))
    X = np.column_stack(
        [np.ones(n), rng.normal(size=n), rng.integers(0, 2, n), rng.gamma(2, size=n)]
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [-0.5, 0.8, 0.4, 0.1])))).astype(float)
    start = np.zeros(4) if seed % 2 else sm.Logit(y, X).fit(disp=0).params * 0.9
    expected = sm.Logit(y, X).fit(start_params=start, disp=0, maxiter=cl.MAXITER)
    params, converged = cl.newton_logit(y, X, start)
    assert converged == expected.mle_retvals["converged"]
    assert np.array_equal(params, expected.params)


def test_newton_logit_not_converged_where_statsmodels_stops_at_maxiter():
    rng = np.random.default_rng(4)
    X = np.column_stack([np.ones(200), rng.normal(size=200)])
    y = (rng.random(200) < 0.4).astype(float)
    expected = sm.Logit(y, X).fit(disp=0, maxiter=2, warn_convergence=False)
    params, converged = cl.newton_logit(y, X, np.zeros(2), maxiter=2)
    assert not converged and not expected.mle_retvals["converged"]
    assert np.array_equal(params, expected.params)
