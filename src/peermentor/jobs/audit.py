"""Audit job (workflow/rules/audit.smk): an attacker over the published tables.

The job fails, naming each recovered count in its log, when any suppressed count comes back.
"""

from pathlib import Path

from peermentor.errors import PeermentorError
from peermentor.io import write_csv
from peermentor.publish import audit
from peermentor.runner import log


def audit_disclosure(input, output, params) -> None:
    """No suppressed count recoverable from ``params.results_dir``, or a PeermentorError."""
    p = params
    findings = audit.audit_disclosure(Path(p.results_dir), p.min_cell_size)
    for f in findings:
        cells = ", ".join(str(c) for c in f.evidence)
        log.error("recovered %s = %d by %s from %s", f.cell, f.value, f.attack, cells)
    if findings:
        raise PeermentorError(
            f"{len(findings)} suppressed count(s) can be recovered from the published tables "
            f"(listed above); fix the publication step before any report leaves"
        )
    write_csv(audit.findings_frame(findings), output.audit)
    log.info("no suppressed count recovered (min_cell_size %d)", p.min_cell_size)
