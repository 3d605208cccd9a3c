"""Audit job (workflow/rules/audit.smk): an attacker over the published tables, and the
interview strand's privacy check over every public output.

The job fails, naming each recovered count or leak in its log, when any suppressed count comes
back or any transcript text, configured name or place, or raw participant id is public.
"""

from pathlib import Path

import pandas as pd

from peermentor.errors import PeermentorError
from peermentor.ingest import interviews
from peermentor.io import write_csv
from peermentor.publish import audit
from peermentor.publish import interviews as publish_interviews
from peermentor.publish.audit import transcripts
from peermentor.runner import log


def audit_disclosure(input, output, params) -> None:
    """No suppressed count recoverable from ``params.results_dir`` and no interview data in
    a public output, or a PeermentorError."""
    p = params
    findings = audit.audit_disclosure(Path(p.results_dir), p.min_cell_size)
    for f in findings:
        cells = ", ".join(str(c) for c in f.evidence)
        log.error("recovered %s = %d by %s from %s", f.cell, f.value, f.attack, cells)
    leaks = interview_leaks(input, p) if p.interviews else []
    for leak in leaks:
        # Where and what kind only: the log must not repeat the leak.
        log.error("%s in %s line %d (%s)", leak.kind, leak.file, leak.line, leak.what)
    if findings or leaks:
        raise PeermentorError(
            f"{len(findings)} suppressed count(s) can be recovered from the published tables "
            f"and {len(leaks)} piece(s) of interview data are in public outputs (listed above); "
            f"fix the publication step before any report leaves"
        )
    write_csv(audit.findings_frame(findings), output.audit)
    log.info("no suppressed count recovered (min_cell_size %d)", p.min_cell_size)


def interview_leaks(input, params) -> list[transcripts.PrivacyFinding]:
    """Transcript runs, configured names and places, raw participant ids in public outputs."""
    units = pd.read_parquet(input.interview_units, columns=["document_id", "unit", "text"])
    labels = "unit " + units["unit"].astype(str) + " of document " + units["document_id"]
    deidentify = params.interviews["quotes"]["deidentify"]
    names = [*deidentify["names"], *deidentify["places"]]
    runs = transcripts.transcript_runs(
        zip(labels, units["text"], strict=True), approved=approved_quotes(input, params)
    )
    outputs = transcripts.public_outputs(Path(params.results_dir), audit.AUDIT_ONLY)
    leaks = transcripts.find_leaks(outputs, runs, names=names, raw_ids=raw_ids(params.mapping))
    log.info(
        "interview privacy: %d public outputs searched for %d transcript runs, %d names, "
        "and the roster's ids",
        len(outputs),
        len(runs),
        len(names),
    )
    return leaks


def approved_quotes(input, params) -> list[str]:
    """The approved quotes as the public report prints them (de-identified), recomputed from
    the codings and the config: only their runs of words may be public."""
    quotes = params.interviews["quotes"]
    if not quotes["approved"]:
        return []
    codings, documents, themes = (
        pd.read_parquet(getattr(input, f"interview_{name}"))
        for name in ("codings", "documents", "themes")
    )
    return list(
        publish_interviews.approved_quotes(
            codings, documents, themes, quotes["approved"], **quotes["deidentify"]
        )["text"]
    )


def raw_ids(mapping: dict) -> list[str]:
    """The raw participant ids: the roster's, or the export's cases when there is no roster.

    Document names are not searched: "Interview 12" is also how a sentence names the twelfth
    interview (a name inside a document name is caught as a configured name).
    """
    if mapping["roster"]:
        return sorted(set(interviews.read_roster(mapping["roster"])["participant"]))
    export = interviews.read_export(mapping)
    return sorted({d.case for d in export.documents if d.case})
