"""Ingest job (workflow/rules/ingest.smk): read, map and pseudonymize one site's export."""

from peermentor.ingest import site, sql
from peermentor.ingest.clean import empty_rows
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.io import write_parquet
from peermentor.runner import log


def ingest_site(input, output, params) -> None:
    """One site's export mapped onto the data contract: rows and row problems per table."""
    salt = resolve_salt(**params.pseudonymization)
    mapped = site.ingest_site(
        params.site_config,
        salt=salt,
        rucc_threshold=params.rucc_threshold,
    )
    for table, rows_path, problems_path in zip(
        ["families", "contacts", "mentors"],
        output.mapped,
        output.problems,
        strict=True,
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


def snapshot_sql(wildcards, output, params) -> None:
    """One SQL table read from the database into its snapshot and the record of its query."""
    site, table = wildcards.site, wildcards.table
    record = sql.take_snapshot(
        dict(params.sql),
        output.snapshot,
        where={"site": site, "table": table, "file": output.snapshot},
        key=f"tables.{table}.sql",
    )
    log.info(
        "%s %s: %d rows by %s (sha256 %s)",
        site,
        table,
        record["rows"],
        record["query"],
        record["sha256"],
    )
