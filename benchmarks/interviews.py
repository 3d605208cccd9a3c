"""The interview strand's time (issue 25): the demo's 22 interviews and 500 interviews.

    python benchmarks/interviews.py [--sizes 22 500] [--keep DIR]

For each size, a fresh project (this repository's config/ and notebooks/) gets the demo's
coded-interview study at that size, and the strand's jobs run in one process as the workflow
runs them (benchmarks/baseline.py: the jobs of Snakemake's own DAG from
workflow/rules/interviews.smk, each rule's script executed in this process, the partnership
notebook included), then the disclosure audit's interview privacy check. Times are
wall-clock seconds per step after an untimed warm-up pass, without Python start-up and imports
(each workflow job pays those once more, about 1-2 s on a quiet machine).

Sizes other than 22 scale the demo generator's roles and double-coded transcripts in the paper's
proportions (9/9/4, 12 of 22 double-coded). The joint display reads the quantitative replication
table; here a stand-in written from the paper's figures (its time does not depend on the data).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

from peermentor.demo import interviews as demo_interviews
from peermentor.io import write_csv
from peermentor.publish.audit.interview_leaks import interview_leaks
from peermentor.publish.replication import PUBLISHED, replication_rows

REPO = Path(__file__).resolve().parents[1]
PAPER_ROLES = {"caseworker": 9, "family_mentor": 9, "supervisor": 4}
PAPER_DOUBLE = {"caseworker": 5, "family_mentor": 5, "supervisor": 2}


def load_baseline():
    spec = importlib.util.spec_from_file_location(
        "benchmarks_baseline", REPO / "benchmarks/baseline.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def demo_size(n: int):
    """The demo generator's roles and double-coded counts scaled to ``n`` interviews."""
    roles = {r: round(k * n / 22) for r, k in PAPER_ROLES.items()}
    roles["caseworker"] += n - sum(roles.values())
    double = {r: max(1, round(PAPER_DOUBLE[r] * roles[r] / PAPER_ROLES[r])) for r in roles}
    saved = demo_interviews.ROLES, demo_interviews.DOUBLE_CODED
    demo_interviews.ROLES, demo_interviews.DOUBLE_CODED = roles, double
    try:
        yield roles
    finally:
        demo_interviews.ROLES, demo_interviews.DOUBLE_CODED = saved


def prepare(project: Path, n: int) -> dict[str, int]:
    for name in ("config", "notebooks", "workflow"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "Snakefile", project / "Snakefile")
    raw = project / "data/raw/interviews"
    with demo_size(n) as roles:
        demo_interviews.build_interviews(
            seed=20180101,
            qdpx_path=raw / "partnership.qdpx",
            roster_path=raw / "roster.csv",
            truth_path=raw / "interviews_truth.json",
        )
    stand_in = {f.id: f.published for f in PUBLISHED if f.published == f.published}  # not NaN
    write_csv(replication_rows(stand_in), project / "results/tables/replication.csv")
    return roles


def run_strand(baseline, project: Path) -> dict[str, float]:
    """Seconds per job of the strand, run in ``project``, then of the privacy check."""
    os.chdir(project)
    jobs = [
        job
        for job in baseline.dag_jobs(project, "all")
        if Path(str(job.rule.snakefile)).name == "interviews.smk"
    ]
    config = baseline._config(jobs)
    seconds: dict[str, float] = {}
    for job in jobs:
        started = time.perf_counter()
        baseline.run_job(job, config)
        seconds[job.rule.name] = time.perf_counter() - started
    interviews = config["interviews"]
    units = {
        f"interview_{t}": f"results/interim/interviews/{t}.parquet"
        for t in ("units", "codings", "documents", "themes")
    }
    mapping = next(j for j in jobs if j.rule.name == "ingest_interviews").params.mapping
    started = time.perf_counter()
    interview_leaks(
        SimpleNamespace(**units),
        SimpleNamespace(results_dir="results", interviews=interviews, mapping=mapping),
    )
    seconds["privacy_check"] = time.perf_counter() - started
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[22, 500])
    parser.add_argument("--keep", type=Path, help="keep the projects under this dir")
    args = parser.parse_args(argv)
    baseline = load_baseline()
    root = Path(args.keep or tempfile.mkdtemp(prefix="interviews-bench-"))
    # Untimed first pass at the smallest size: the first figure, notebook kernel and imports
    # pay one-off costs (font cache, kernel start-up files) that would land on one size only.
    prepare(root / "warmup", min(args.sizes))
    run_strand(baseline, root / "warmup")
    results = {}
    for n in args.sizes:
        project = root / f"n{n}"
        roles = prepare(project, n)
        results[n] = run_strand(baseline, project)
        print(f"{n} interviews ({', '.join(f'{r} {k}' for r, k in roles.items())}): "
              f"{sum(results[n].values()):.1f} s", flush=True)  # fmt: skip
    os.chdir(REPO)
    steps = list(next(iter(results.values())))
    header = "| step | " + " | ".join(f"{n} interviews (s)" for n in results) + " |"
    print("\n" + header + "\n|---|" + "---:|" * len(results))
    for step in [*steps, "total"]:
        cells = [sum(r.values()) if step == "total" else r[step] for r in results.values()]
        print(f"| {step} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
