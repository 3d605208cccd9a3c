"""Aggregate jobs (workflow/rules/aggregate.smk): each family's service profile and early
engagement (P1-P3), their published summaries, and the mentor workforce (P6)."""

import pandas as pd

from peermentor.analysis import profile as profiles
from peermentor.analysis.engagement import (
    early_engagement,
    summarize_early_engagement_overall_and_sites,
)
from peermentor.analysis.engagement_curve import cumulative_contacts_curve
from peermentor.analysis.workforce import (
    WORKFORCE_CONTACT_COLUMNS,
    mentor_workforce,
    summarize_workforce,
)
from peermentor.io import write_csv, write_parquet
from peermentor.publish.disclosure import (
    format_published,
    publish_early_summary,
    publish_profile_summary,
    publish_workforce_summary,
)
from peermentor.runner import log


def family_profile(input, output, params) -> None:
    """Per-family service profile with early engagement, and early engagement by family."""
    p = params
    families = pd.read_parquet(input.families)
    contacts = pd.read_parquet(input.contacts, columns=profiles.PROFILE_CONTACT_COLUMNS)
    common = {
        "count_statuses": p.count_statuses,
        "hours_include_collateral": p.hours_include_collateral,
    }
    profile = profiles.family_profile(families, contacts, data_cutoff=p.data_cutoff, **common)
    early = early_engagement(
        contacts,
        families,
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        data_cutoff=p.data_cutoff,
        **common,
    )
    write_parquet(profiles.with_early_engagement(profile, early), output.profile)
    write_parquet(early, output.early)
    curve = cumulative_contacts_curve(
        contacts,
        families,
        days=p.curve_days,
        anchor=p.anchor,
        count_statuses=p.count_statuses,
        data_cutoff=p.data_cutoff,
    )
    write_parquet(curve, output.early_curve)
    log.info("%d families, %d contacts profiled", len(profile), len(contacts))


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


def workforce(input, output, params) -> None:
    """Mentor workforce per mentor, and its published summary."""
    p = params
    per_mentor = mentor_workforce(
        pd.read_parquet(input.mentors),
        pd.read_parquet(input.families),
        pd.read_parquet(input.contacts, columns=WORKFORCE_CONTACT_COLUMNS),
        data_cutoff=p.data_cutoff,
    )
    summary = summarize_workforce(per_mentor)
    write_parquet(per_mentor, output.per_mentor)
    published = publish_workforce_summary(
        summary, min_cell_size=p.min_cell_size, decimals=p.decimals
    )
    write_csv(format_published(published, p.decimals), output.summary)
