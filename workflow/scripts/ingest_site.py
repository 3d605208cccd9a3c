"""Adapter: read, map and pseudonymize one site's export (peermentor.ingest)."""

from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.ingest.site import ingest_site
from peermentor.io import write_parquet
from peermentor.runner import log, run_step


def main():
    salt = resolve_salt(**snakemake.params.pseudonymization)
    mapped = ingest_site(
        snakemake.params.site_config,
        salt=salt,
        rucc_threshold=snakemake.params.rucc_threshold,
    )
    for table, rows_path, problems_path in zip(
        ["families", "contacts", "mentors"],
        snakemake.output.mapped,
        snakemake.output.problems,
        strict=True,
    ):
        write_parquet(mapped[table].rows, rows_path)
        write_parquet(mapped[table].problems, problems_path)
        log.info(
            "%s: %d rows read, %d row problems",
            table,
            len(mapped[table].rows),
            len(mapped[table].problems),
        )


run_step(f"ingest {snakemake.wildcards.site}", snakemake.log[0], main)
