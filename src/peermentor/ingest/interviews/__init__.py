"""The interview strand's ingestion (Sears et al. 2017; docs/design.md section 11).

A coded-interview export (a REFI-QDA ``.qdpx`` project, or a table of coded segments) and the
study's roster become the canonical tables: documents, units, codings, themes, with a quarantine
and a reconciliation. Modules: ``export`` (what any reader returns), ``qdpx`` (the REFI-QDA
reader, validated against the shipped ``Project.xsd``), ``segments`` (Dedoose- and Taguette-style
tables), ``roster``, ``units`` (paragraphs or lines), ``canonical`` (mapping, checks, pseudonyms,
reconciliation).
"""

from __future__ import annotations

from peermentor.ingest.interviews.canonical import InterviewTables, canonical_tables
from peermentor.ingest.interviews.export import Export
from peermentor.ingest.interviews.qdpx import read_qdpx
from peermentor.ingest.interviews.roster import read_roster
from peermentor.ingest.interviews.segments import read_segments


def read_export(mapping: dict) -> Export:
    """The export the mapping names, read by its format's reader."""
    if mapping["export"]["format"] == "segments":
        return read_segments(mapping["export"])
    return read_qdpx(mapping["export"]["path"])


def ingest_interviews(mapping: dict, *, salt: bytes) -> InterviewTables:
    """Read the export and roster a mapping names; the canonical tables."""
    roster = read_roster(mapping["roster"]) if mapping["roster"] else None
    return canonical_tables(read_export(mapping), mapping, roster, salt=salt)


__all__ = ["Export", "InterviewTables", "canonical_tables", "ingest_interviews", "read_qdpx"]
