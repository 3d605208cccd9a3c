"""The attacker: every public table read as printed, every attack tried, the findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from peermentor.publish.audit.cells import Finding
from peermentor.publish.audit.statistics import (
    cliffs_delta,
    replication_means,
    stratum_means,
    wilson,
)
from peermentor.publish.audit.sums import (
    column_differences,
    linked_gaps,
    row_differences,
    shares,
    shown_small,
)

#: Tables with exact counts for reviewers inside the data environment only (audit report);
#: the interview strand's also hold the coded segments' text.
AUDIT_ONLY: frozenset[str] = frozenset(
    {
        "reconciliation.csv",
        "data_quality.csv",
        "interviews_reconciliation.csv",
        "interviews_exact.csv",
        "interviews_segments.csv",
    }
)


def audit_disclosure(results_dir: Path, min_cell_size: int) -> list[Finding]:
    """Every suppressed count recoverable from the public tables of ``results_dir``."""
    tables = {
        str(path.relative_to(results_dir)): pd.read_csv(path, dtype=str, keep_default_na=False)
        for sub in ("tables", "models")
        for path in sorted((Path(results_dir) / sub).glob("*.csv"))
        if path.name not in AUDIT_ONLY
    }
    findings: list[Finding] = []
    for name, table in tables.items():
        findings += audit_table(name, table, min_cell_size)
    findings += replication_means(tables, min_cell_size)
    findings += linked_gaps(tables, min_cell_size)
    return _unique(findings)


def audit_table(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """The attacks that need only one table (printed as strings)."""
    found = shown_small(name, table, min_cell_size)
    found += column_differences(name, table, min_cell_size)
    found += row_differences(name, table, min_cell_size)
    found += shares(name, table, min_cell_size)
    found += stratum_means(name, table, min_cell_size)
    found += cliffs_delta(name, table, min_cell_size)
    found += wilson(name, table, min_cell_size)
    return found


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    columns = ["file", "row", "column", "recovered", "attack", "evidence"]
    return pd.DataFrame([f.as_row() for f in findings], columns=columns)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.cell, f.value, f.attack, f.evidence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
