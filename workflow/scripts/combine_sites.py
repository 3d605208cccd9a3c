"""Rule combine_sites (workflow/rules/clean.smk): every site's clean tables into the study
tables, with the sites' reconciliations and data-quality reports."""

import pandas as pd

from peermentor.ingest.prepare import combine
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step


def combine_sites(input, output, params) -> None:
    """``input.kept`` is site-major (``expand(site=SITES, table=TABLES)``): table i of every
    site is every len(tables)-th path from i."""
    tables, sites = params.tables, params.sites
    for i, table in enumerate(tables):
        parts = [pd.read_parquet(p) for p in input.kept[i :: len(tables)]]
        site_cfgs = [params.site_configs[site] for site in sites]
        combined, merged = combine({table: parts}, site_cfgs)[table]
        for line in merged:
            log.info(line)
        write_parquet(combined, output.tables[i])
        log.info("%s: %d rows from %d sites", table, len(combined), len(sites))
    recon = pd.concat([pd.read_csv(p) for p in input.reconciliation], ignore_index=True)
    write_csv(recon, output.reconciliation)
    quality = pd.concat([pd.read_csv(p) for p in input.data_quality], ignore_index=True)
    write_csv(quality, output.data_quality)


run_step(snakemake, combine_sites)
