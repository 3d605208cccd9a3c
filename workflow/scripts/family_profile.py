"""Rule family_profile (workflow/rules/profile.smk): each family's service profile and early
engagement (P1-P3), and the early-engagement curve the figure draws."""

import pandas as pd

from peermentor.analysis import profile as profiles
from peermentor.analysis.engagement import (
    early_engagement,
)
from peermentor.analysis.engagement_curve import cumulative_contacts_curve
from peermentor.io import write_parquet
from peermentor.runner import log, run_step


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


run_step(snakemake, family_profile)
