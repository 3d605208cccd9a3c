"""Adapter: per-family service profile with early engagement (analysis.profile, .engagement)."""

import pandas as pd

from peermentor.analysis.engagement import early_engagement
from peermentor.analysis.profile import family_profile, with_early_engagement
from peermentor.io import write_parquet
from peermentor.runner import log, run_step


def main():
    p = snakemake.params
    families = pd.read_parquet(snakemake.input.families)
    contacts = pd.read_parquet(snakemake.input.contacts)
    common = {
        "count_statuses": p.count_statuses,
        "hours_include_collateral": p.hours_include_collateral,
    }
    profile = family_profile(families, contacts, data_cutoff=p.data_cutoff, **common)
    early = early_engagement(
        contacts,
        families,
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        data_cutoff=p.data_cutoff,
        **common,
    )
    write_parquet(with_early_engagement(profile, early), snakemake.output.profile)
    write_parquet(early, snakemake.output.early)
    log.info("%d families, %d contacts profiled", len(profile), len(contacts))


run_step("family_profile", snakemake.log[0], main)
