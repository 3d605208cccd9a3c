"""Rule service_summaries (workflow/rules/profile.smk): the service-profile and
early-engagement summaries, published with disclosure control."""

import pandas as pd

from peermentor.analysis import profile as profiles
from peermentor.analysis.engagement import (
    summarize_early_engagement_overall_and_sites,
)
from peermentor.io import write_csv
from peermentor.publish.disclosure import (
    format_published,
    publish_early_summary,
    publish_profile_summary,
)
from peermentor.runner import run_step


def service_summaries(input, output, params) -> None:
    """Service-profile and early-engagement summaries, published with disclosure control."""
    p = params
    profile = pd.read_parquet(input.profile)
    early = pd.read_parquet(input.early)
    service = profiles.summarize_profile_overall_and_sites(profile)
    early_summary = summarize_early_engagement_overall_and_sites(early, n_contacts=p.n_contacts)
    published = publish_profile_summary(service, min_cell_size=p.min_cell_size, decimals=p.decimals)
    write_csv(format_published(published, p.decimals), output.service_profile)
    published = publish_early_summary(
        early_summary, min_cell_size=p.min_cell_size, decimals=p.decimals
    )
    write_csv(format_published(published, p.decimals), output.early_engagement)


run_step(snakemake, service_summaries)
