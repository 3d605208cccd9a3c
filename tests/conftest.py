"""Fixtures shared by tests of several stages (pytest finds them for every folder below).

Helpers imported by name (``e2e_helpers``, ``ingest_helpers``, ...) are plain modules beside
this file, on pytest's ``pythonpath`` (pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peermentor.config import load_interview_mapping
from peermentor.demo.interviews import build_interviews
from peermentor.ingest.interviews import ingest_interviews
from peermentor.ingest.pseudonymize import DEMO_SALT

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def interview_demo(tmp_path_factory):
    """The demo's coded-interview study (seed 20180101) and its ingested tables, built once.

    Returns (folder holding p.qdpx, roster.csv and truth.json, the truth, the canonical tables).
    Read only: tests of the demo and of the analyses share it.
    """
    folder = tmp_path_factory.mktemp("interviews")
    truth = build_interviews(
        seed=20180101,
        qdpx_path=folder / "p.qdpx",
        roster_path=folder / "roster.csv",
        truth_path=folder / "truth.json",
    )
    mapping = load_interview_mapping(ROOT / "config/interviews/partnership.yaml")
    mapping["export"]["path"] = str(folder / "p.qdpx")
    mapping["roster"]["path"] = str(folder / "roster.csv")
    return folder, truth, ingest_interviews(mapping, salt=DEMO_SALT.encode())
