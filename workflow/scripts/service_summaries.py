"""Adapter: service-profile and early-engagement summaries, published with disclosure control."""

import pandas as pd

from peermentor.analysis.engagement import summarize_early_engagement_overall_and_sites
from peermentor.analysis.profile import summarize_profile_overall_and_sites
from peermentor.io import write_csv
from peermentor.publish.disclosure import publish_early_summary, publish_profile_summary
from peermentor.runner import run_step


def main():
    p = snakemake.params
    profile = pd.read_parquet(snakemake.input.profile)
    early = pd.read_parquet(snakemake.input.early)
    service = summarize_profile_overall_and_sites(profile)
    early_summary = summarize_early_engagement_overall_and_sites(early, n_contacts=p.n_contacts)
    write_csv(
        publish_profile_summary(service, min_cell_size=p.min_cell_size, decimals=p.decimals),
        snakemake.output.service_profile,
    )
    write_csv(
        publish_early_summary(early_summary, min_cell_size=p.min_cell_size, decimals=p.decimals),
        snakemake.output.early_engagement,
    )


run_step("service_summaries", snakemake.log[0], main)
