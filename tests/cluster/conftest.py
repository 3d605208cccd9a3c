"""Fixtures for the cluster test: a real one-node SLURM cluster for the whole session.

Run with `make test-cluster` (which installs the `.[cluster]` extra first). The default
`make test` deselects these tests (marker `cluster`).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import minislurm

SKIP_PREFIX = "SLURM cluster test SKIPPED"


@pytest.fixture(scope="session")
def slurm_cluster():
    if os.geteuid() != 0:
        pytest.skip(f"{SKIP_PREFIX}: not root, so cannot install or run slurmctld/slurmd")
    try:
        installed = minislurm.ensure_installed()
    except minislurm.SlurmUnavailable as why:
        pytest.skip(f"{SKIP_PREFIX}: {why}")
    print(installed)
    # A short path under /tmp: munged's socket path must fit a Unix socket name (108 bytes).
    scratch = Path(tempfile.mkdtemp(prefix=minislurm.SCRATCH_PREFIX))
    cluster = minislurm.MiniCluster(scratch)
    try:
        try:
            cluster.start()
        except minislurm.SlurmUnavailable as why:
            pytest.skip(f"{SKIP_PREFIX}: {why}")
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    """Say plainly, last thing on screen, that SLURM was not tested (and why)."""
    reasons = {
        str(report.longrepr[2])
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SKIP_PREFIX in str(report.longrepr[2])
    }
    for reason in sorted(reasons):
        terminalreporter.write_sep("!", reason.removeprefix("Skipped: "), yellow=True, bold=True)
