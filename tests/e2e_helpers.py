"""Shared by the end-to-end tests: a project copy in a temp directory and the workflow on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
# The package source is copied too and put first on PYTHONPATH, so each run uses (and a
# test may edit) its own copy of the code without touching the checkout.
PROJECT_FILES = (
    "Snakefile", "workflow", "config", "profiles", "notebooks", "environment.yml", "src",
)  # fmt: skip


def project_env(workdir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(workdir / "src")}


def copy_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, target / name)
    return target


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--profile", "profiles/default", *args],
        cwd=workdir, capture_output=True, text=True, timeout=900, env=project_env(workdir),
    )  # fmt: skip
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result
