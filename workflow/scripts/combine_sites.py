"""Adapter: concatenate every site's clean tables into the study tables."""

import pandas as pd

from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step
from peermentor.validate import combine_sites


def main():
    tables = snakemake.params.tables
    n_sites = len(snakemake.params.sites)
    for i, table in enumerate(tables):
        parts = [pd.read_parquet(p) for p in snakemake.input.kept[i :: len(tables)]]
        assert len(parts) == n_sites
        combined = combine_sites(parts, table)
        write_parquet(combined, snakemake.output.tables[i])
        log.info("%s: %d rows from %d sites", table, len(combined), n_sites)
    recon = pd.concat([pd.read_csv(p) for p in snakemake.input.reconciliation], ignore_index=True)
    write_csv(recon, snakemake.output.reconciliation)


run_step("combine_sites", snakemake.log[0], main)
