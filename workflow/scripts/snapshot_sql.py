"""Rule snapshot_sql (workflow/rules/ingest.smk): one database table read into its Parquet
snapshot and the record of its query (the URL and password never reach a log)."""

from peermentor.ingest import sql
from peermentor.runner import log, run_step


def snapshot_sql(input, output, params) -> None:
    site, table = params.site, params.table
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


run_step(snakemake, snapshot_sql)
