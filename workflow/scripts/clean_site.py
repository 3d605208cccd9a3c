"""Rule clean_site (workflow/rules/clean.smk): quarantine one site's unusable rows with their
reasons, reconcile rows in with kept + quarantined, and check the quarantine limit."""

import pandas as pd

from peermentor.clean.prepare import check_limit, clean, validated
from peermentor.clean.quality import data_quality
from peermentor.clean.site import (
    RECONCILIATION_COUNTS,
    leftover_lines,
    stopped_quarantine_path,
    write_quarantine,
)
from peermentor.ingest.mapping import Mapped
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step


def clean_site(input, output, params) -> None:
    """One site's kept rows, quarantine, reconciliation and data quality."""
    tables = params.tables
    mapped = {
        table: Mapped(pd.read_parquet(rows), pd.read_parquet(problems))
        for table, rows, problems in zip(tables, input.mapped, input.problems, strict=True)
    }
    result = clean(
        mapped, params.site_config, grace_days=params.grace_days, data_cutoff=params.data_cutoff
    )
    for line in leftover_lines(result):
        log.info(line)
    # A stop writes the stopped table's quarantine beside these outputs first (see the hint).
    quarantine_files = dict(zip(tables, output.quarantine, strict=True))
    check_limit(
        result,
        params.site_config,
        max_share=params.max_quarantine_share,
        quarantine_files=quarantine_files,
    )
    kept = validated(result)
    for table, kept_path, quarantine_path in zip(
        tables, output.kept, output.quarantine, strict=True
    ):
        write_parquet(kept[table], kept_path)
        write_quarantine(result.quarantine[table], quarantine_path)
        stopped_quarantine_path(quarantine_path).unlink(missing_ok=True)  # from an earlier stop
    write_csv(result.reconciliation, output.reconciliation)
    quality = data_quality(result.kept, site=params.site, data_cutoff=params.data_cutoff)
    write_csv(quality, output.data_quality)
    log.info("data quality (flagged, kept):\n%s", quality.iloc[:, 1:5].to_string(index=False))
    shown = result.reconciliation[["table", *RECONCILIATION_COUNTS, "balanced"]]
    log.info("reconciliation:\n%s", shown.to_string(index=False))


run_step(snakemake, clean_site)
