"""The interview strand's privacy check: which interview data would make a public output leak.

Transcript runs of the coded units (less the approved, de-identified quotes), the configured
names and places, and the raw participant ids, searched in every public output.
"""

from pathlib import Path

import pandas as pd

from peermentor.ingest import interviews
from peermentor.publish import interviews as publish_interviews
from peermentor.publish.audit import AUDIT_ONLY, transcripts
from peermentor.runner import log


def interview_leaks(input, params) -> list[transcripts.PrivacyFinding]:
    """Transcript runs, configured names and places, raw participant ids in public outputs."""
    units = pd.read_parquet(input.interview_units, columns=["document_id", "unit", "text"])
    labels = "unit " + units["unit"].astype(str) + " of document " + units["document_id"]
    deidentify = params.interviews["quotes"]["deidentify"]
    names = [*deidentify["names"], *deidentify["places"]]
    runs = transcripts.transcript_runs(
        zip(labels, units["text"], strict=True), approved=approved_quotes(input, params)
    )
    outputs = transcripts.public_outputs(Path(params.results_dir), AUDIT_ONLY)
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
