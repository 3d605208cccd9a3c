"""Benchmark: ``peermentor demo`` alone at several scales, and the SHA-256 of what it writes.

    .venv/bin/python benchmarks/demo_generator.py --scales 1 10 --out /tmp/after.json
    git archive main src | tar -x -C /tmp/main              # the generator to compare with
    .venv/bin/python benchmarks/demo_generator.py --scales 1 10 --src /tmp/main/src \\
        --out /tmp/before.json --compare /tmp/after.json

Each scale gets a fresh project copy (``run.prepare_project``: the demo sites, then site copies
from 20x on) in ``--workdir``; ``peermentor demo`` runs there with ``PYTHONPATH=--src`` under
``/usr/bin/time -v``: wall seconds, CPU seconds (user + system: on a shared machine the wall time
is mostly waiting) and peak RSS. Every file under ``data/raw`` is hashed; ``--compare`` lists
the files whose bytes differ from another run's JSON at the same scale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from run import prepare_project

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def measure(scale: int, workdir: Path, src: Path) -> dict:
    """Generate the demo at ``scale`` with the package in ``src``; times and file digests."""
    project = prepare_project(workdir / f"demo_{scale}", scale)
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = ["/usr/bin/time", "-v", str(BIN / "peermentor"), "demo"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"peermentor demo failed at {scale}x:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    usage = _time_v(done.stderr)
    raw = project / "data" / "raw"
    files = {
        str(p.relative_to(raw)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }
    return {"scale": scale, **usage, "files": files}


def _time_v(stderr: str) -> dict:
    """Wall and CPU seconds and peak RSS (MB) from ``/usr/bin/time -v``."""

    def field(label: str) -> str:
        return re.search(rf"{re.escape(label)}: (.+)", stderr).group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": round(rss)}


def compare(runs: list[dict], other: list[dict]) -> list[str]:
    """Lines naming, per scale in both, how many files are identical and which differ."""
    theirs = {run["scale"]: run["files"] for run in other}
    lines = []
    for run in runs:
        if run["scale"] not in theirs:
            continue
        ours, base = run["files"], theirs[run["scale"]]
        differ = sorted(f for f in ours.keys() | base.keys() if ours.get(f) != base.get(f))
        same = sum(ours[f] == base[f] for f in ours.keys() & base.keys())
        lines.append(f"{run['scale']}x: {same} files identical, {len(differ)} differ {differ}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="package to run")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/peermentor-demo-bench"))
    parser.add_argument("--out", type=Path, help="write the measurements here (JSON)")
    parser.add_argument("--compare", type=Path, help="another run's JSON: compare the bytes")
    args = parser.parse_args(argv)
    runs = []
    for scale in args.scales:
        runs.append(measure(scale, args.workdir, args.src.resolve()))
        run = runs[-1]
        print(
            f"{scale:>4}x  wall {run['wall_s']:7.1f} s  cpu {run['cpu_s']:7.1f} s  "
            f"peak RSS {run['peak_rss_mb']:6.0f} MB  {len(run['files'])} files",
            flush=True,
        )
    if args.out:
        args.out.write_text(json.dumps(runs, indent=1) + "\n")
    if args.compare:
        print("\n".join(compare(runs, json.loads(args.compare.read_text()))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
