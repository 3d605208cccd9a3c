"""Adapter: concatenate every site's clean tables into the study tables (ingest.combine)."""

import pandas as pd

from peermentor.ingest.combine import combine_tables
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step


def main():
    tables = snakemake.params.tables
    sites = snakemake.params.sites
    for i, table in enumerate(tables):
        parts = [pd.read_parquet(p) for p in snakemake.input.kept[i :: len(tables)]]
        assert len(parts) == len(sites)
        files = [snakemake.params.files[site][table] for site in sites]
        combined, merged = combine_tables(parts, table, files)
        for line in merged:
            log.info(line)
        write_parquet(combined, snakemake.output.tables[i])
        log.info("%s: %d rows from %d sites", table, len(combined), len(sites))
    recon = pd.concat([pd.read_csv(p) for p in snakemake.input.reconciliation], ignore_index=True)
    write_csv(recon, snakemake.output.reconciliation)
    quality = pd.concat([pd.read_csv(p) for p in snakemake.input.data_quality], ignore_index=True)
    write_csv(quality, snakemake.output.data_quality)


run_step("combine_sites", snakemake.log[0], main)
