"""Rule rural_urban (workflow/rules/rural_urban.smk): rural versus urban families (P4), with the
clustering sensitivity analysis and the outcome by stratum."""

import pandas as pd

from peermentor.analysis import rural_urban as analysis
from peermentor.ingest.rurality import describe_coding
from peermentor.io import write_csv
from peermentor.publish.disclosure import format_published
from peermentor.publish.rural_urban import (
    CLUSTERING_KINDS,
    publish_clustering,
    publish_comparison,
    publish_outcome,
)
from peermentor.runner import log, run_step


def rural_urban(input, output, params) -> None:
    """The published comparison, clustering sensitivity and outcome by stratum."""
    p = params
    profile = pd.read_parquet(input.profile)
    coding = describe_coding(p.rucc_rural_threshold)
    common = {"test": p.test, "adjust": p.adjust, "alpha": p.alpha, "seed": p.seed}
    comparison = analysis.compare_strata(
        profile, n_boot=p.n_bootstrap, min_cell_size=p.min_cell_size, coding=coding,
        continuity_correction=p.continuity_correction, **common,
    )  # fmt: skip
    clustering = analysis.clustering_sensitivity(
        profile, comparison=comparison, n_permutations=p.n_permutations,
        statistic=p.permutation_statistic, min_cell_size=p.min_cell_size, coding=coding, **common,
    )  # fmt: skip
    outcome = analysis.outcome_by_stratum(profile, min_cell_size=p.min_cell_size)
    outcome["coding"] = coding
    published = publish_comparison(
        comparison, profile, min_cell_size=p.min_cell_size, decimals=p.decimals
    )
    write_csv(format_published(published, p.decimals), output.comparison)
    published = publish_clustering(clustering, decimals=p.decimals)
    write_csv(format_published(published, p.decimals, CLUSTERING_KINDS), output.clustering)
    published = publish_outcome(outcome, min_cell_size=p.min_cell_size, decimals=p.decimals)
    write_csv(format_published(published, p.decimals), output.outcome)
    significant = comparison.loc[comparison["significant"].fillna(False).astype(bool), "measure"]
    log.info("%s; significant after %s: %s", coding, p.adjust, ", ".join(significant) or "none")


run_step(snakemake, rural_urban)
