"""`peermentor describe`: the study as configured, read through the site mappings."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from peermentor.config import load_sites, load_study
from peermentor.demo.calibration import TARGETS, describe_study
from peermentor.ingest.clean import check_quarantine_limit
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.onboard.check import ingest_and_clean

# Figures checked against the paper ("within 10 %" in the foundation issue).
_COMPARED = (
    "n_families",
    "n_mentors",
    "n_contacts",
    "mean_contacts_per_family",
    "mean_hours_per_family",
    "mean_months_of_service",
    "mean_days_to_7th_contact",
    "mean_hours_first_7",
    "mean_recovery_coaching",
    "mean_daily_living_coaching",
    "unified_share_of_closed",
    "mentor_stable_or_advanced_share",
    "face_to_face_with_children_gap",
)


def describe_configured_study(
    config_path: str = "config/config.yaml", progress: Callable[[str], None] | None = None
) -> dict:
    """Ingest and clean every configured site in memory; summarize sites, counts and targets."""
    study = load_study(config_path)
    sites = load_sites(study)
    salt = resolve_salt(**study["pseudonymization"])
    kept: dict[str, list[pd.DataFrame]] = {"families": [], "contacts": [], "mentors": []}
    per_site = {}
    for site, cfg in sites.items():
        if progress:
            progress(f"reading site {site}")
        result = ingest_and_clean(cfg, study, salt=salt)
        check_quarantine_limit(
            result, max_share=study["cleaning"]["max_quarantine_share"], site=site
        )
        for table, frame in result.kept.items():
            kept[table].append(frame)
        per_site[site] = _site_line(result, cfg)
    tables = {t: pd.concat(parts, ignore_index=True) for t, parts in kept.items()}
    summary = describe_study(**tables, cutoff=study["study"]["data_cutoff"])
    return {
        "study": study["study"]["name"],
        "data_cutoff": study["study"]["data_cutoff"],
        "rurality_coding": f"rural = USDA RUCC >= {study['rurality']['rucc_rural_threshold']}",
        "sites": per_site,
        "analysis": analysis_settings(study),
        "summary": summary,
        "against_paper": {
            key: {
                "computed": summary[key],
                "published": TARGETS[key],
                "relative_difference": summary[key] / TARGETS[key] - 1,
            }
            for key in _COMPARED
        },
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
