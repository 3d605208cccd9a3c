"""Adapter: the disclosure audit over the published tables (peermentor.publish.audit)."""

from pathlib import Path

from peermentor.errors import PeermentorError
from peermentor.io import write_csv
from peermentor.publish.audit import audit_disclosure, findings_frame
from peermentor.runner import log, run_step


def main():
    p = snakemake.params
    findings = audit_disclosure(Path(p.results_dir), p.min_cell_size)
    for f in findings:
        cells = ", ".join(str(c) for c in f.evidence)
        log.error("recovered %s = %d by %s from %s", f.cell, f.value, f.attack, cells)
    if findings:
        raise PeermentorError(
            f"{len(findings)} suppressed count(s) can be recovered from the published tables "
            f"(listed above); fix the publication step before any report leaves"
        )
    write_csv(findings_frame(findings), snakemake.output[0])
    log.info("no suppressed count recovered (min_cell_size %d)", p.min_cell_size)


run_step("audit_disclosure", snakemake.log[0], main)
