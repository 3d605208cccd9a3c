"""Ingest, clean, combine: the one definition of how site exports become the study tables.

The workflow runs the steps as separate rules (``ingest_site``, ``clean_site`` in
workflow/rules/ingest.smk and clean.smk), each calling its step here, and ``combine_sites``, which
streams the same combination from the sites' files (``combine.combine_files``: one site in
memory at a time, byte-identical to ``combine``, tests/clean/test_combine_stream.py);
``peermentor site check``, ``describe`` and the tests run the steps in memory through
``prepare_site`` and ``prepare_study``. The settings are the study config's (``study``: the
validated config/config.yaml), read in one place, so no caller restates which key feeds which
step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.clean.combine import combine_tables
from peermentor.clean.site import CleanResult, check_quarantine_limit, clean_site
from peermentor.clean.validate import validate_table
from peermentor.ingest.files import site_files
from peermentor.ingest.mapping import Mapped
from peermentor.ingest.site import duplicate_rules, ingest_site

Progress = Callable[[str], None]


def ingest(site_cfg: dict, *, salt: bytes, rucc_threshold: int) -> dict[str, Mapped]:
    """Step 1: read one site's export and map it onto the data contract (ids pseudonymized)."""
    return ingest_site(site_cfg, salt=salt, rucc_threshold=rucc_threshold)


def clean(
    mapped: dict[str, Mapped], site_cfg: dict, *, grace_days: int, data_cutoff: str
) -> CleanResult:
    """Step 2: every row rule on one site's mapped tables: kept, quarantined with a reason."""
    return clean_site(
        mapped,
        site=site_cfg["site_id"],
        files=site_files(site_cfg),
        grace_days=grace_days,
        data_cutoff=data_cutoff,
        duplicates=duplicate_rules(site_cfg),
    )


def check_limit(
    result: CleanResult,
    site_cfg: dict,
    *,
    max_share: float,
    quarantine_files: dict[str, str | Path] | None = None,
) -> None:
    """Step 3: stop when a table of the site lost more than ``max_share`` of its rows."""
    check_quarantine_limit(
        result,
        max_share=max_share,
        site=site_cfg["site_id"],
        site_cfg=site_cfg,
        quarantine_files=quarantine_files,
    )


def validated(result: CleanResult) -> dict[str, pd.DataFrame]:
    """Step 4: the kept tables in the contract's dtypes and column order, every rule checked
    (a break is a bug of the cleaning, reported as one)."""
    return {table: validate_table(frame, table) for table, frame in result.kept.items()}


def combine(
    kept: dict[str, list[pd.DataFrame]], site_cfgs: list[dict]
) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """Step 5: each table's sites (in ``site_cfgs`` order) into the study table; per table,
    the table and what was merged (mentors two sites' rosters both list)."""
    return {
        table: combine_tables(parts, table, [site_files(cfg)[table] for cfg in site_cfgs])
        for table, parts in kept.items()
    }


def prepare_site(site_cfg: dict, study: dict, *, salt: bytes) -> CleanResult:
    """Steps 1-2 for one site with the study's settings (the limit is the caller's choice:
    ``site check`` reports a site over it instead of stopping)."""
    mapped = ingest(site_cfg, salt=salt, rucc_threshold=study["rurality"]["rucc_rural_threshold"])
    cleaning = study["cleaning"]
    return clean(
        mapped,
        site_cfg,
        grace_days=cleaning["contact_window_grace_days"],
        data_cutoff=study["study"]["data_cutoff"],
    )


def prepare_study(
    site_cfgs: dict[str, dict], study: dict, *, salt: bytes, progress: Progress | None = None
) -> tuple[dict[str, CleanResult], dict[str, pd.DataFrame]]:
    """Steps 1-5 for every site, in memory: each site's result and the study tables."""
    results = {}
    for site, cfg in site_cfgs.items():
        if progress:
            progress(f"reading site {site}")
        results[site] = prepare_site(cfg, study, salt=salt)
        check_limit(results[site], cfg, max_share=study["cleaning"]["max_quarantine_share"])
    tables = {site: validated(result) for site, result in results.items()}
    kept = {t: [tables[site][t] for site in results] for t in contract.TABLE_NAMES}
    combined = combine(kept, list(site_cfgs.values()))
    return results, {table: frame for table, (frame, _) in combined.items()}
