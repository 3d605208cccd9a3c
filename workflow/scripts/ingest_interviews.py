"""Rule ingest_interviews (workflow/rules/interviews.smk): the coded export and roster its
mapping names onto the canonical interview tables (interim, never public), the quarantine and
the reconciliation."""

from peermentor.ingest import interviews
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.io import write_csv, write_parquet
from peermentor.runner import log, run_step


def ingest_interviews(input, output, params) -> None:
    """Export + roster -> documents, units, codings, themes; quarantine; reconciliation."""
    salt = resolve_salt(**params.pseudonymization)
    mapping = {**params.mapping, "export": {**params.mapping["export"], "path": input.export}}
    if mapping["roster"]:
        mapping["roster"] = {**mapping["roster"], "path": input.roster[0]}
    tables = interviews.ingest_interviews(mapping, salt=salt)
    for name in ("documents", "units", "codings", "themes"):
        write_parquet(getattr(tables, name), getattr(output, name))
    write_csv(tables.quarantine, output.quarantine)
    write_csv(tables.reconciliation, output.reconciliation)
    counts = tables.reconciliation.set_index(["kind", "item"])["codings"]
    log.info(
        "%d interviews (%d double-coded), %d units; codings: %d in, %d mapped, %d unmapped, "
        "%d quarantined",
        len(tables.documents),
        int(tables.documents["double_coded"].sum()),
        len(tables.units),
        counts["codings", "in"],
        counts["codings", "mapped"],
        counts["codings", "unmapped"],
        counts["codings", "quarantined"],
    )


run_step(snakemake, ingest_interviews)
