"""Clean jobs (workflow/rules/clean.smk): quarantine one site's unusable rows; combine the sites."""

import pandas as pd

from peermentor.ingest import clean
from peermentor.ingest.clean import (
    check_quarantine_limit,
    stopped_quarantine_path,
    write_quarantine,
)
from peermentor.ingest.combine import combine_files
from peermentor.ingest.mapping import Mapped
from peermentor.ingest.quality import data_quality
from peermentor.ingest.site import duplicate_rules, site_files
from peermentor.ingest.validate import validate_table
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log


def clean_site(input, output, params) -> None:
    """One site's kept rows, quarantine, reconciliation and data quality (``params.site``)."""
    tables = params.tables
    mapped = {
        table: Mapped(pd.read_parquet(rows), pd.read_parquet(problems))
        for table, rows, problems in zip(tables, input.mapped, input.problems, strict=True)
    }
    site = params.site
    result = clean.clean_site(
        mapped,
        site=site,
        files=site_files(params.site_config),
        grace_days=params.grace_days,
        data_cutoff=params.data_cutoff,
        duplicates=duplicate_rules(params.site_config),
    )
    for line in clean.leftover_lines(result):
        log.info(line)
    quarantine_files = dict(zip(tables, output.quarantine, strict=True))
    # A stop writes the stopped table's quarantine beside these outputs first (see the hint).
    check_quarantine_limit(
        result,
        max_share=params.max_quarantine_share,
        site=site,
        site_cfg=params.site_config,
        quarantine_files=quarantine_files,
    )
    for table, kept_path, quarantine_path in zip(
        tables, output.kept, output.quarantine, strict=True
    ):
        write_parquet(validate_table(result.kept[table], table), kept_path)
        write_quarantine(result.quarantine[table], quarantine_path)
        stopped_quarantine_path(quarantine_path).unlink(missing_ok=True)  # from an earlier stop
    write_csv(result.reconciliation, output.reconciliation)
    quality = data_quality(result.kept, site=site, data_cutoff=params.data_cutoff)
    write_csv(quality, output.data_quality)
    log.info("data quality (flagged, kept):\n%s", quality.iloc[:, 1:5].to_string(index=False))
    shown = result.reconciliation[["table", *clean.RECONCILIATION_COUNTS, "balanced"]]
    log.info("reconciliation:\n%s", shown.to_string(index=False))


def combine_sites(input, output, params) -> None:
    """Every site's clean tables concatenated into the study tables, with the sites' reports.

    ``input.kept`` is site-major (``expand(site=SITES, table=TABLES)``): table i of every site
    is every len(tables)-th path from i.
    """
    tables = params.tables
    sites = params.sites
    for i, table in enumerate(tables):
        paths = input.kept[i :: len(tables)]
        assert len(paths) == len(sites)
        files = [params.files[site][table] for site in sites]
        # Streamed one site at a time: memory does not grow with the number of sites.
        rows, merged = combine_files(paths, table, output.tables[i], sites, files)
        for line in merged:
            log.info(line)
        log.info("%s: %d rows from %d sites", table, rows, len(sites))
    recon = pd.concat([pd.read_csv(p) for p in input.reconciliation], ignore_index=True)
    write_csv(recon, output.reconciliation)
    quality = pd.concat([pd.read_csv(p) for p in input.data_quality], ignore_index=True)
    write_csv(quality, output.data_quality)
