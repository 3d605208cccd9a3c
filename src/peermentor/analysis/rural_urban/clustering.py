"""Clustering by site: rurality permuted across sites, OLS with site-clustered errors, and
``clustering_sensitivity``, the family-level result beside both site-aware re-tests."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from peermentor.analysis import clusters
from peermentor.analysis.estimable import not_estimable
from peermentor.analysis.measures import COMPARED_MEASURES
from peermentor.analysis.rural_urban.compare import below, compare_strata
from peermentor.analysis.rural_urban.effects import adjust_pvalues
from peermentor.analysis.rural_urban.tables import (
    PERMUTATION_STATISTICS,
    SENSITIVITY_COLUMNS,
    check_choice,
    strata,
)


def _site_families(
    profile: pd.DataFrame, measure: str, site_column: str
) -> tuple[np.ndarray, np.ndarray, pd.Index, np.ndarray]:
    """Families with a value and a stratum: values, site codes, sites, rural flag per site."""
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    keep = (labels.notna() & values.notna()).to_numpy(dtype=bool)
    sites = profile.loc[keep, site_column].astype("str").to_numpy()
    rural = pd.Series((labels[keep] == "rural").to_numpy(dtype=bool))
    per_site = rural.groupby(sites, sort=True).agg(["min", "max"])
    mixed = per_site.index[per_site["min"] != per_site["max"]]
    if len(mixed):
        raise ValueError(
            f"rurality varies within site(s) {', '.join(mixed)}: "
            "rurality is not a site property, so site permutation is not defined"
        )
    codes = per_site.index.get_indexer(sites)
    rural_site = per_site["max"].to_numpy(dtype=bool)
    return values.to_numpy()[keep], codes, per_site.index, rural_site


def _assignments(
    rural_site: np.ndarray, n_permutations: int, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """Rural-site assignments with the observed number of rural sites.

    Every distinct assignment when there are no more than ``n_permutations`` of them
    (an exact test), otherwise ``n_permutations`` random ones.
    """
    n_sites, n_rural = len(rural_site), int(rural_site.sum())
    if math.comb(n_sites, n_rural) <= n_permutations:
        # Exact enumeration; beyond that a seeded Monte Carlo sample (Phipson & Smyth 2010).
        rows = np.zeros((math.comb(n_sites, n_rural), n_sites), dtype=bool)
        for i, chosen in enumerate(itertools.combinations(range(n_sites), n_rural)):
            rows[i, list(chosen)] = True
        return rows, True
    return rng.permuted(np.tile(rural_site, (n_permutations, 1)), axis=1), False


def _site_statistic(
    statistic: str, values: np.ndarray, codes: np.ndarray, n_sites: int
) -> Callable[[np.ndarray], np.ndarray]:
    """Vectorized statistic over a matrix of assignments (rows) x sites (columns)."""
    counts = np.bincount(codes, minlength=n_sites).astype(float)
    if statistic == "site_means":
        # Each site counts once: rural mean of site means minus urban mean of site means.
        means = np.bincount(codes, weights=values, minlength=n_sites) / counts

        def site_means(rural: np.ndarray) -> np.ndarray:
            return (rural @ means) / rural.sum(axis=1) - (~rural @ means) / (~rural).sum(axis=1)

        return site_means

    # Family-level Cliff's delta; the ranks do not depend on the labels, so a site's rank
    # sum is computed once and each assignment costs O(sites).
    rank_sums = np.bincount(codes, weights=stats.rankdata(values), minlength=n_sites)
    n_total = counts.sum()

    def delta(rural: np.ndarray) -> np.ndarray:
        n_rural = rural @ counts
        u = rural @ rank_sums - n_rural * (n_rural + 1) / 2
        return 2 * u / (n_rural * (n_total - n_rural)) - 1

    return delta


def site_permutation_test(
    profile: pd.DataFrame,
    measure: str,
    *,
    n_permutations: int = 2000,
    seed: int = 2018,
    statistic: str = "site_means",
    site_column: str = "site_id",
) -> dict[str, object]:
    """Two-sided test of rural vs urban with rurality permuted across sites.

    Rurality is a site property, so the site is the unit of randomization: the number
    of rural sites is kept and their identities permuted. With few sites all distinct
    assignments are enumerated (``exact`` True; p = share of assignments with |T| >=
    |T observed|, the observed one included); otherwise ``n_permutations`` are sampled
    (a seeded Monte Carlo test, ``exact`` False: p = (1 + hits) / (1 + B), B =
    ``n_permutations_drawn``, which is never 0 and is exact in level; Phipson & Smyth
    2010, "Permutation p-values should never be zero", SAGMB 9:39). ``n_assignments``
    is the number of distinct assignments, C(sites, rural sites), either way.
    ``min_attainable_p`` is the smallest p the
    design allows (1/15 with 6 sites of which 2 are rural): below alpha or the test can
    never reject. Raises ValueError when rurality varies within a site or a stratum has
    no site.
    """
    check_choice("statistic", statistic, PERMUTATION_STATISTICS)
    values, codes, sites, rural_site = _site_families(profile, measure, site_column)
    if rural_site.all() or not rural_site.any():
        raise ValueError(site_strata_reason(rural_site))
    stat = _site_statistic(statistic, values, codes, len(sites))
    assignments, exact = _assignments(rural_site, n_permutations, np.random.default_rng(seed))
    observed = float(stat(rural_site[None, :])[0])
    permuted = np.abs(stat(assignments))
    # Tolerance: the same assignment computed in another order must count as "as extreme".
    tol = 1e-9 * max(1.0, abs(observed))
    hits = int((permuted >= abs(observed) - tol).sum())
    if exact:
        p_value = hits / len(assignments)
        min_p = float((permuted >= permuted.max() - tol).sum() / len(assignments))
    else:
        p_value = (1 + hits) / (1 + len(assignments))
        min_p = 1 / (1 + len(assignments))
    return {
        "permutation_statistic": statistic,
        "observed_statistic": observed,
        "p_value": float(p_value),
        "n_assignments": math.comb(len(sites), int(rural_site.sum())),
        "n_permutations_drawn": 0 if exact else len(assignments),
        "exact": exact,
        "min_attainable_p": min_p,
        "n_sites": len(sites),
        "n_rural_sites": int(rural_site.sum()),
    }


def site_strata_reason(rural_site: np.ndarray) -> str:
    """Why rurality cannot be permuted across these sites (one site, or one stratum)."""
    if len(rural_site) < 2:
        return f"{len(rural_site)} site(s): the site-level test needs sites in both strata"
    stratum = "rural" if rural_site.all() else "urban"
    return f"one stratum of sites (all {len(rural_site)} sites {stratum})"


def site_clustered_regression(
    profile: pd.DataFrame, measure: str, *, site_column: str = "site_id"
) -> dict[str, float]:
    """OLS of the measure on a rural indicator, standard errors clustered by site.

    coef = rural mean - urban mean (families weighted equally). Inference uses t with
    (sites - 1) degrees of freedom and statsmodels' small-sample correction; even so,
    with few clusters (and only 1-2 rural ones) cluster-robust SEs are too small and
    the p-value is anti-conservative: read it beside the permutation p, not alone.
    """
    labels = strata(profile)
    values = pd.to_numeric(profile[measure]).astype(float)
    keep = (labels.notna() & values.notna()).to_numpy(dtype=bool)
    rural = (labels[keep] == "rural").to_numpy(dtype=float)
    groups = pd.factorize(profile.loc[keep, site_column].astype("str"))[0]
    n_clusters = len(np.unique(groups))
    if clusters.too_few_clusters(n_clusters, "site") or len(np.unique(rural)) < 2:
        return {"coef": np.nan, "se": np.nan, "p_value": np.nan, "n_clusters": n_clusters}
    fit = OLS(values[keep].to_numpy(), add_constant(rural)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    return {
        "coef": float(fit.params[1]),
        "se": float(fit.bse[1]),
        "p_value": float(fit.pvalues[1]),
        "n_clusters": n_clusters,
    }


def clustering_sensitivity(
    profile: pd.DataFrame,
    measures: Iterable[str] = COMPARED_MEASURES,
    *,
    comparison: pd.DataFrame | None = None,
    test: str = "mann_whitney",
    adjust: str = "holm",
    alpha: float = 0.05,
    n_permutations: int = 2000,
    seed: int = 2018,
    statistic: str = "site_means",
    min_cell_size: int = 11,
    site_column: str = "site_id",
    coding: str = "",
) -> pd.DataFrame:
    """Per measure: family-level significance beside the two site-aware re-tests.

    ``comparison`` is the ``compare_strata`` table (its continuous rows give the
    family-level adjusted p); when omitted it is recomputed without bootstrap. The
    permutation p-values are adjusted across measures with the same method, and
    ``survives_clustering`` = significant at family level AND adjusted permutation
    p < alpha. The cluster-robust p is shown but not used for the flag
    (anti-conservative with few sites).
    """
    measures = list(measures)
    if comparison is None:
        comparison = compare_strata(
            profile,
            measures,
            test=test,
            adjust=adjust,
            alpha=alpha,
            n_boot=0,
            seed=seed,
            min_cell_size=min_cell_size,
            coding=coding,
        )
    family = comparison[comparison["kind"] == "continuous"].set_index("measure")
    rows = [
        _sensitivity_row(
            profile,
            measure,
            family,
            n_permutations=n_permutations,
            seed=seed,
            statistic=statistic,
            site_column=site_column,
        )
        for measure in measures
    ]
    table = pd.DataFrame(rows).reindex(columns=SENSITIVITY_COLUMNS)
    table["p_permutation_adjusted"] = adjust_pvalues(table["p_permutation"].astype(float), adjust)
    table["permutation_can_reach_alpha"] = below(table["min_attainable_p"], alpha)
    significant = table["significant_family"].astype("boolean")
    permuted = below(table["p_permutation_adjusted"], alpha)
    # False as soon as either test is not significant; missing only when undecidable.
    table["survives_clustering"] = significant & permuted
    table["estimable"] = table["p_permutation"].notna()
    table["note"] = [_sensitivity_note(row, alpha) for row in table.itertuples(index=False)]
    table["adjust"] = adjust
    table["alpha"] = alpha
    table["coding"] = coding
    counts = ("n_assignments", "n_sites", "n_rural_sites", "n_clusters")
    counts = (*counts, "n_permutations_drawn")
    flags = ("exact", "permutation_can_reach_alpha")
    return table.astype(
        dict.fromkeys(counts, "Int64") | dict.fromkeys(flags, "boolean") | {"estimable": bool}
    )


def _sensitivity_note(row, alpha: float) -> str:
    """The row's note: why it was not tested, or, in words, why it cannot reach alpha."""
    if not row.estimable:
        return row.note if row.note.startswith("not estimable") else not_estimable(row.note)
    if row.min_attainable_p >= alpha:
        return (
            f"cannot reach alpha {alpha:g}: {row.n_sites} sites ({row.n_rural_sites} rural) "
            f"give {row.n_assignments} assignment(s), so the smallest attainable p is "
            f"{row.min_attainable_p:.3g}"
        )
    return ""


def _sensitivity_row(
    profile: pd.DataFrame,
    measure: str,
    family: pd.DataFrame,
    *,
    n_permutations: int,
    seed: int,
    statistic: str,
    site_column: str,
) -> dict[str, object]:
    row: dict[str, object] = {"measure": measure, "note": ""}
    if measure in family.index:
        row["p_adjusted_family"] = family.at[measure, "p_adjusted"]
        row["significant_family"] = family.at[measure, "significant"]
        estimable = bool(family.at[measure, "estimable"])
    else:
        row["significant_family"], estimable = pd.NA, False
    if not estimable:
        note = family.at[measure, "note"] if measure in family.index else None
        row["note"] = note if isinstance(note, str) and note else "not compared at family level"
        return row
    try:
        permutation = site_permutation_test(
            profile,
            measure,
            n_permutations=n_permutations,
            seed=seed,
            statistic=statistic,
            site_column=site_column,
        )
    except ValueError as error:  # mixed-rurality site or a stratum without sites
        row["note"] = str(error)
    else:
        row.update(permutation)
        row["p_permutation"] = row.pop("p_value")
    cluster = site_clustered_regression(profile, measure, site_column=site_column)
    row["coef_cluster"], row["se_cluster"] = cluster["coef"], cluster["se"]
    row["p_cluster"], row["n_clusters"] = cluster["p_value"], cluster["n_clusters"]
    return row
