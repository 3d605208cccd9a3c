"""Rule audit_disclosure (workflow/rules/audit.smk): an attacker over the published tables,
and the interview strand's privacy check over every public output.

The job fails, naming each recovered count or leak in its log, when any suppressed count comes
back or any transcript text, configured name or place, or raw participant id is public."""

from pathlib import Path

from peermentor.errors import PeermentorError
from peermentor.io import write_csv
from peermentor.publish import audit
from peermentor.publish.audit.interview_leaks import interview_leaks
from peermentor.runner import log, run_step


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


run_step(snakemake, audit_disclosure)
