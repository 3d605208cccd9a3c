"""The run manifest: what went in, what came out, with which code, config and packages.

Deliberately free of timestamps so that two runs on the same inputs give the same
manifest (only the git state can differ, and it is recorded on purpose).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

# The pinned packages whose versions shape the results.
PACKAGES = (
    "snakemake", "pandas", "numpy", "pyarrow", "openpyxl", "statsmodels", "scipy",
    "matplotlib", "seaborn", "papermill", "nbconvert", "pandera", "jsonschema", "pyyaml",
    "peermentor",
)  # fmt: skip


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def file_entries(paths: list[str]) -> list[dict]:
    """Path, size and SHA-256 of each file, sorted by path."""
    return [
        {"path": str(p), "bytes": Path(p).stat().st_size, "sha256": sha256(p)}
        for p in sorted(set(map(str, paths)))
    ]


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_state(directory: str | Path = ".") -> dict:
    """Commit and dirty flag of the code, or 'unknown' outside a git checkout."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": dirty}


def verify_manifest(manifest: dict) -> list[str]:
    """Files of the manifest that are missing or whose SHA-256 no longer matches."""
    problems = []
    for entry in [*manifest["inputs"], *manifest["outputs"]]:
        path = Path(entry["path"])
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"changed: {path}")
    return problems


def snapshot_records(paths: list[str]) -> list[dict]:
    """What each SQL snapshot holds: its query, row count and SHA-256 (never the URL).

    The record beside ``results/interim/<site>/snapshot/<table>.parquet`` is written when the
    database is read (``peermentor.ingest.sql``); the manifest repeats it so a reviewer sees
    which query produced which rows.
    """
    records = []
    for path in sorted(set(map(str, paths))):
        if Path(path).parent.name == "snapshot" and path.endswith(".json"):
            record = json.loads(Path(path).read_text())
            keys = ("query", "rows", "sha256", "url_env")
            records.append(
                {"path": str(Path(path).with_suffix(".parquet"))} | {k: record[k] for k in keys}
            )
    return records


def build_manifest(
    *, inputs: list[str], outputs: list[str], config: dict, code_dir: str, command: str
) -> dict:
    return {
        "command": command,
        "inputs": file_entries(inputs),
        "database_snapshots": snapshot_records(inputs),
        "outputs": file_entries(outputs),
        "config": config,
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
        "code": git_state(code_dir),
    }
