"""Rule combine_sites (workflow/rules/clean.smk): every site's clean tables into the study
tables, with the sites' reconciliations and data-quality reports."""

import pandas as pd

from peermentor.clean.combine import combine_files
from peermentor.io import write_csv
from peermentor.runner import log, run_step


def combine_sites(input, output, params) -> None:
    """``input.kept`` is site-major (``expand(site=SITES, table=TABLES)``): table i of every
    site is every len(tables)-th path from i."""
    tables, sites = params.tables, params.sites
    for i, table in enumerate(tables):
        paths = input.kept[i :: len(tables)]
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


run_step(snakemake, combine_sites)
