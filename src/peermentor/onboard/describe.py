"""`peermentor describe`: the study as configured, measured with the pipeline's own functions.

Every configured site is ingested, cleaned and combined in memory by
``peermentor.clean.prepare.prepare_study``: the steps and settings of the workflow's ingest_site,
clean_site and combine_sites rules, and of ``site check``.
The figures are the replication table's descriptive ones (P1-P3, P6), computed as the workflow
computes them: the family profile with early engagement and the mentor workforce with the study
config's settings, their summaries and ``publish.replication.p1_p3_p6_computed``; each is set
beside the paper's figure from ``publish.replication.PUBLISHED``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from peermentor.analysis.engagement import early_engagement, summarize_early_engagement
from peermentor.analysis.profile import family_profile, summarize_profile, with_early_engagement
from peermentor.analysis.workforce import mentor_workforce, summarize_workforce
from peermentor.clean.prepare import prepare_study
from peermentor.config import load_sites, load_study
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.publish.replication import p1_p3_p6_computed, replication_rows


def describe_configured_study(
    config_path: str = "config/config.yaml", progress: Callable[[str], None] | None = None
) -> dict:
    """Ingest and clean every configured site in memory; summarize sites, counts and figures."""
    study = load_study(config_path)
    sites = load_sites(study)
    salt = resolve_salt(**study["pseudonymization"])
    results, tables = prepare_study(sites, study, salt=salt, progress=progress)
    per_site = {site: _site_line(results[site], sites[site]) for site in sites}
    figures = study_figures(tables, study)
    return {
        "study": study["study"]["name"],
        "data_cutoff": study["study"]["data_cutoff"],
        "rurality_coding": f"rural = USDA RUCC >= {study['rurality']['rucc_rural_threshold']}",
        "sites": per_site,
        "analysis": analysis_settings(study),
        "summary": {**study_counts(tables), **figures},
        "against_paper": against_paper(figures),
    }


def study_counts(tables: dict[str, pd.DataFrame]) -> dict:
    """Sites, mentors, families and contacts of the combined study tables."""
    return {
        "n_sites": int(tables["families"]["site_id"].nunique()),
        "n_mentors": len(tables["mentors"]),
        "n_families": len(tables["families"]),
        "n_contacts": len(tables["contacts"]),
    }


def study_figures(tables: dict[str, pd.DataFrame], study: dict) -> dict[str, float | str]:
    """The replication table's P1-P3 and P6 figures of the study tables, by replication id.

    A figure the study cannot support is its ``not estimable: <reason>`` text.
    """
    families, contacts, mentors = tables["families"], tables["contacts"], tables["mentors"]
    cutoff = study["study"]["data_cutoff"]
    n_contacts = study["early_engagement"]["n_contacts"]
    counted = {
        "count_statuses": study["profile"]["count_statuses"],
        "hours_include_collateral": study["profile"]["hours_include_collateral"],
    }
    # as workflow/scripts/family_profile.py, workforce.py and replication_table.py call them
    profile = family_profile(families, contacts, data_cutoff=cutoff, **counted)
    early = early_engagement(
        contacts,
        families,
        n_contacts=n_contacts,
        anchor=study["early_engagement"]["anchor"],
        data_cutoff=cutoff,
        **counted,
    )
    profile = with_early_engagement(profile, early)
    per_mentor = mentor_workforce(mentors, families, contacts, data_cutoff=cutoff)
    return p1_p3_p6_computed(
        summarize_profile(profile),
        summarize_early_engagement(early, n_contacts=n_contacts),
        summarize_workforce(per_mentor),
    )


def against_paper(figures: dict[str, float | str]) -> dict:
    """Each figure beside the paper's, with the replication table's relative difference."""
    rows = replication_rows(figures)
    return {
        row["id"]: {
            "computed": row["computed"] if row["estimable"] else row["note"],
            "published": row["published"],
            "relative_difference": row["relative_difference"],
        }
        for row in rows.to_dict("records")
    }


def analysis_settings(study: dict) -> dict:
    """The study choices every result depends on, as configured (config/README.md)."""
    return {
        "cleaning": study["cleaning"],
        "contacts_counted": study["profile"]["count_statuses"],
        "hours_include_collateral": study["profile"]["hours_include_collateral"],
        "early_engagement": study["early_engagement"],
        "rural_urban_test": f"{study['stratify']['test']}, {study['stratify']['adjust']} "
        f"adjustment, alpha {study['stratify']['alpha']}",
        "outcome_model": study["model"]["primary"],
        "model_clusters": study["model"]["cluster"],
        "min_cell_size": study["disclosure"]["min_cell_size"],
    }


def _site_line(result, cfg: dict) -> dict:
    families = result.kept["families"]
    contacts = result.kept["contacts"]
    rurality = cfg["rurality"]
    return {
        "format": cfg["tables"]["contacts"]["format"],
        "rurality": ", ".join(sorted(families["rurality"].dropna().unique())),
        "rurality_source": next(
            iter(k for k in ("label", "rucc", "county_column") if k in rurality)
        ),
        "rurality_coded_as": _rurality_coding(rurality),
        "families": len(families),
        "contacts": len(contacts),
        "mentors": len(result.kept["mentors"]),
        "quarantined_rows": int(result.reconciliation["rows_quarantined"].sum()),
        "first_case_opened": str(families["case_open_date"].min().date()),
        "first_contact": str(contacts["contact_date"].min().date()),
        "last_contact": str(contacts["contact_date"].max().date()),
    }


def _rurality_coding(rurality: dict) -> str:
    if "label" in rurality:
        return f"label {rurality['label']}"
    if "rucc" in rurality:
        return f"RUCC {rurality['rucc']}"
    codes = ", ".join(f"{county} RUCC {rucc}" for county, rucc in rurality["county_rucc"].items())
    return f"per family from column {rurality['county_column']!r}: {codes}"
