"""Adapter: quarantine one site's unusable rows and reconcile (peermentor.ingest.clean)."""

import pandas as pd

from peermentor.ingest.clean import (
    check_quarantine_limit,
    clean_site,
    stopped_quarantine_path,
    write_quarantine,
)
from peermentor.ingest.mapping import Mapped
from peermentor.ingest.quality import data_quality
from peermentor.ingest.site import site_files
from peermentor.ingest.validate import validate_table
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step


def main():
    tables = snakemake.params.tables
    mapped = {
        table: Mapped(pd.read_parquet(rows), pd.read_parquet(problems))
        for table, rows, problems in zip(
            tables, snakemake.input.mapped, snakemake.input.problems, strict=True
        )
    }
    site = snakemake.wildcards.site
    result = clean_site(
        mapped,
        site=site,
        files=site_files(snakemake.params.site_config),
        grace_days=snakemake.params.grace_days,
        data_cutoff=snakemake.params.data_cutoff,
    )
    quarantine_files = dict(zip(tables, snakemake.output.quarantine, strict=True))
    # A stop writes the stopped table's quarantine beside these outputs first (see the hint).
    check_quarantine_limit(
        result,
        max_share=snakemake.params.max_quarantine_share,
        site=site,
        site_cfg=snakemake.params.site_config,
        quarantine_files=quarantine_files,
    )
    for table, kept_path, quarantine_path in zip(
        tables, snakemake.output.kept, snakemake.output.quarantine, strict=True
    ):
        write_parquet(validate_table(result.kept[table], table), kept_path)
        write_quarantine(result.quarantine[table], quarantine_path)
        stopped_quarantine_path(quarantine_path).unlink(missing_ok=True)  # from an earlier stop
    write_csv(result.reconciliation, snakemake.output.reconciliation)
    quality = data_quality(result.kept, site=site, data_cutoff=snakemake.params.data_cutoff)
    write_csv(quality, snakemake.output.data_quality)
    log.info("data quality (flagged, kept):\n%s", quality.iloc[:, 1:5].to_string(index=False))
    log.info("reconciliation:\n%s", result.reconciliation.iloc[:, :6].to_string(index=False))


run_step(f"clean {snakemake.wildcards.site}", snakemake.log[0], main)
