"""Single-process baseline: the workflow's jobs run one by one in one Python process.

    python benchmarks/baseline.py PROJECT_DIR [--out DIR] [--target analysis] [--compare] [--json]

What an analyst with one notebook would do, with nothing restated: the jobs are Snakemake's own.
The workflow's DAG for ``--target`` (default ``analysis``: tables, models and figures, without
notebooks, report or manifest) is built through Snakemake's API, exactly as ``snakemake`` builds
it from the rules files and the config; then each job's script (workflow/scripts/<rule>.py, the
rule's job) is executed in this process, in an order the DAG allows, with the ``snakemake``
object Snakemake would give it (the job's input, output, params, wildcards, log). Same scripts,
same params, same writers: every output is byte-identical to the workflow's.

Each job reads its inputs back from the files earlier jobs wrote, as in the workflow. Handing
frames over in memory is not the same computation: a frame read from Parquet has pandas' `str`
columns where the in-memory one has `object`, and the Parquet tables written from it downstream
change bytes.

PROJECT_DIR holds config/ and data/raw/ (the demo exports are not generated here). The jobs run
in --out (default PROJECT_DIR/baseline), a working directory whose config/, data/, notebooks/,
workflow/ and Snakefile link to the project's (this repository's where the project has none),
so relative paths (exports, salt file, the quarantine's source_file) read as in the project.
Outputs go to --out/results; --compare checks each against PROJECT_DIR/results by SHA-256.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import resource
import runpy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# As Snakemake does for a `threads: 1` job: one BLAS/OpenMP thread. With two, OpenBLAS sums
# in another order on large matrices and the VIFs at 100x differ in the 16th digit.
os.environ.update(
    dict.fromkeys(
        ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"),
        "1",
    )
)  # fmt: skip

import pyarrow.parquet as pq

REPO_DIR = Path(__file__).resolve().parents[1]
# What the jobs' working directory links to: the project's own, else this repository's.
LINKED = ("config", "data", "notebooks", "workflow", "Snakefile")


@dataclass
class Output:
    """The working dir's results/: the files the jobs wrote there (relative to it), their rows."""

    root: Path
    written: list[str] = field(default_factory=list)
    rows: int = 0

    def record(self, paths: list[str]) -> None:
        """Count a job's outputs under results/: files, and the rows of Parquet and CSV tables."""
        for path in map(Path, paths):
            if path.is_file() and path.resolve().is_relative_to(self.root):
                self.written.append(path.resolve().relative_to(self.root).as_posix())
                self.rows += _rows(path)


def _rows(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)  # less the header
    return 0


# --- the jobs: Snakemake's DAG --------------------------------------------------------------


def working_dir(project_dir: Path, out: Path) -> Path:
    """``out`` with links to the project's inputs and workflow, and no results/ yet."""
    out.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link, source = out / name, project_dir / name
        if not source.exists():
            source = REPO_DIR / name
        if link.is_symlink() or link.exists():
            if link.resolve() == source.resolve():
                continue
            link.unlink()
        link.symlink_to(source)
    for leftover in ("results", ".snakemake"):
        _remove_tree(out / leftover)
    return out


def _remove_tree(path: Path) -> None:
    if path.is_dir():
        for child in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            child.rmdir() if child.is_dir() and not child.is_symlink() else child.unlink()
        path.rmdir()


def dag_jobs(workdir: Path, target: str) -> list:
    """The jobs ``snakemake <target>`` would run in ``workdir``, in an order the DAG allows
    (dependency levels; within a level by rule and wildcards, so every run has one order)."""
    # The rules files set variables for their jobs (common.smk: the command the manifest
    # records); parsing them here must not leave those in this process for later runs.
    environ = dict(os.environ)
    try:
        return _dag_jobs(workdir, target)
    finally:
        os.environ.clear()
        os.environ.update(environ)


def _dag_jobs(workdir: Path, target: str) -> list:
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import (
        DAGSettings,
        OutputSettings,
        Quietness,
        ResourceSettings,
    )

    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            snakefile=workdir / "Snakefile",
            workdir=workdir,
        )
        dag_api = workflow_api.dag(DAGSettings(targets={target}))
        workflow = dag_api.workflow_api._workflow
        # What `snakemake --dry-run` does before listing the jobs (Workflow.printdag).
        workflow._prepare_dag(forceall=False, ignore_incomplete=True, lock_warn_only=True)
        workflow._build_dag()
        dag = workflow.dag
        needed = set(dag.needrun_jobs())
        return [
            job
            for level in dag.toposorted(needed)
            for job in sorted(level, key=lambda j: (j.rule.name, str(dict(j.wildcards.items()))))
        ]


def job_name(job) -> str:
    """``rule`` or ``rule:wildcard values`` (a per-site job: ``clean_site:kenton``)."""
    values = [str(v) for v in dict(job.wildcards.items()).values()]
    return ":".join([job.rule.name, *values]) if values else job.rule.name


def script_path(job) -> Path:
    """The rule's script, resolved as Snakemake resolves it: relative to its rules file."""
    return Path(job.rule.basedir.get_path_or_uri(secret_free=True)) / job.rule.script


def run_job(job, config: dict) -> None:
    """Execute the job's script here, with the ``snakemake`` object Snakemake would build."""
    from snakemake.script import Snakemake

    path = script_path(job)
    smk = Snakemake(
        job.input,
        job.output,
        job.params,
        job.wildcards,
        job.threads,
        job.resources,
        job.log,
        config,
        job.rule.name,
        None,  # bench_iteration: no benchmark repeats here
        str(path.parent),
    )
    for file in job.output:
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    try:
        runpy.run_path(str(path), init_globals={"snakemake": smk}, run_name="__main__")
    except SystemExit as stop:  # run_step exits 1 after logging a PeermentorError
        if stop.code:
            where = job.log[0] if job.log else "above"
            raise JobFailed(f"{job_name(job)} failed (see {where})") from None


class JobFailed(Exception):
    """A job stopped with a message (logged by the job)."""


# --- running --------------------------------------------------------------------------------


def run(workdir: Path, target: str, out: Output) -> dict[str, float]:
    """Build the DAG, then run every job, one progress line each; seconds per job."""
    started = time.perf_counter()
    jobs = dag_jobs(workdir, target)
    seconds = {"dag": time.perf_counter() - started}
    progress("", f"dag ({len(jobs)} jobs)", seconds["dag"])
    config = _config(jobs)
    for i, job in enumerate(jobs, 1):
        if not job.rule.is_script:
            continue  # the target rule itself: inputs only
        if is_project_input(job):
            progress(f"[{i:2}/{len(jobs)}]", f"{job_name(job)} (kept: the project's data)", 0.0)
            continue
        tag, rows, files, name = f"[{i:2}/{len(jobs)}]", out.rows, len(out.written), job_name(job)
        started = time.perf_counter()
        try:
            run_job(job, config)
        except JobFailed:
            print(f"{tag} {name:<34} FAILED", flush=True)
            raise
        seconds[name] = time.perf_counter() - started
        out.record(list(job.output))
        written = f"{out.rows - rows:>10,} rows{len(out.written) - files:>4} files"
        progress(tag, name, seconds[name], written)
    return seconds


def is_project_input(job) -> bool:
    """A job whose outputs all exist outside results/: the project's data (the demo's exports).

    Snakemake would rerun the demo generator when its code is newer than the exports; the
    baseline measures the analysis of the data it is given and never rewrites them.
    """
    results = Path("results").resolve()
    outputs = [Path(f) for f in job.output]
    return all(f.exists() and not f.resolve().is_relative_to(results) for f in outputs)


def _config(jobs: list) -> dict:
    """The validated config the rules read (the Snakefile's ``config``)."""
    return dict(jobs[0].rule.workflow.config) if jobs else {}


def progress(tag: str, name: str, seconds: float, detail: str = "") -> None:
    print(f"{tag:<7} {name:<34}{seconds:7.2f} s{detail}", flush=True)


def process_seconds() -> float | None:
    """Wall seconds since this process started (Linux), so totals count interpreter and imports.

    A workflow job pays the same start-up; timing from main() alone would flatter the baseline.
    """
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return None
    start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024  # bytes there, KiB here


# --- --compare ------------------------------------------------------------------------------


def compare(out: Output, results: Path) -> bool:
    """SHA-256 of each written file against results/; True when all are identical."""
    status = {rel: _status(out.root / rel, results / rel) for rel in sorted(set(out.written))}
    folders = sorted({rel.split("/")[0] for rel in status})
    unmatched = [rel for rel in _workflow_files(results, folders) if rel not in status]
    print(f"\ncompare {out.root} with {results}:")
    for rel, state in status.items():
        print(f"  {state:<10} {rel}")
    for rel in unmatched:
        print(f"  {'unmatched':<10} {rel} (in results/, not written by the baseline)")
    counts = {s: list(status.values()).count(s) for s in ("identical", "DIFFERS", "MISSING")}
    summary = ", ".join(f"{n} {s.lower()}" for s, n in counts.items())
    print(f"  {summary}, {len(unmatched)} unmatched")
    return counts["identical"] == len(status) and not unmatched


def _status(mine: Path, theirs: Path) -> str:
    if not theirs.is_file():
        return "MISSING"
    return "identical" if _sha256(mine) == _sha256(theirs) else "DIFFERS"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _workflow_files(results: Path, folders: list[str]) -> list[str]:
    """The workflow's files in the folders the baseline writes (tables/, figures/, ...).

    Elsewhere in results/ are outputs the baseline leaves out by design: notebooks/,
    manifest.json, a report, Snakemake's benchmarks/. Dot files are temporary writes.
    """
    files = (p for folder in folders for p in (results / folder).rglob("*") if p.is_file())
    return sorted(p.relative_to(results).as_posix() for p in files if not p.name.startswith("."))


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project_dir", type=Path, help="project with config/ and data/raw/")
    parser.add_argument("--out", type=Path, help="working dir (default: PROJECT_DIR/baseline)")
    parser.add_argument(
        "--target",
        default="analysis",
        help="the workflow target whose jobs run (default: %(default)s)",
    )
    parser.add_argument(
        "--compare", action="store_true", help="check every output against PROJECT_DIR/results"
    )
    parser.add_argument(
        "--json", action="store_true", help="print timings as JSON on stdout's last line"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    startup = process_seconds()
    started = time.perf_counter()
    args = parse_args(argv)
    project_dir = args.project_dir.resolve()
    workdir = working_dir(project_dir, (args.out or project_dir / "baseline").resolve())
    out = Output(workdir / "results")
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    seconds = {}
    if startup is not None:
        seconds["startup"] = startup
        progress("", "startup (interpreter, imports)", startup)
    os.chdir(workdir)  # the jobs' working directory, as Snakemake's
    try:
        seconds |= run(workdir, args.target, out)
    except JobFailed as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    total = time.perf_counter() - started + (startup or 0.0)
    print(f"total {total:.2f} s wall, {out.rows:,} rows in {len(out.written)} files, {out.root}")
    print(f"peak RSS {peak_rss_mb():,.0f} MB")
    identical = compare(out, project_dir / "results") if args.compare else True
    if args.json:
        stage_seconds = {name: round(s, 3) for name, s in seconds.items()}
        report = {"seconds": round(total, 3), "stages": stage_seconds}
        print(json.dumps(report | {"peak_rss_mb": round(peak_rss_mb(), 1)}))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
