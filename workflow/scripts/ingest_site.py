"""Rule ingest_site (workflow/rules/ingest.smk): read, map and pseudonymize one site's export."""

from peermentor.clean.prepare import ingest
from peermentor.clean.site import empty_rows
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.io import write_parquet
from peermentor.runner import log, run_step


def ingest_site(input, output, params) -> None:
    """One site's export mapped onto the data contract: rows and row problems per table."""
    salt = resolve_salt(**params.pseudonymization)
    mapped = ingest(params.site_config, salt=salt, rucc_threshold=params.rucc_threshold)
    for table, rows_path, problems_path in zip(
        params.tables, output.mapped, output.problems, strict=True
    ):
        write_parquet(mapped[table].rows, rows_path)
        write_parquet(mapped[table].problems, problems_path)
        empty = empty_rows(mapped[table])
        log.info(
            "%s: %d rows read, %d row problems, %d empty rows skipped (not data)",
            table,
            len(mapped[table].rows),
            len(mapped[table].problems) - empty,
            empty,
        )


run_step(snakemake, ingest_site)
