"""The workflow on a real SLURM cluster through snakemake-executor-plugin-slurm.

The demo study's tables and models are built twice from scratch copies of the project: once
locally (profiles/default), once with `--profile profiles/slurm` on the one-node cluster of
conftest.py, exactly as docs/cluster.md says to run it. The cluster run must have sent every
non-local job through sbatch (seen by SLURM itself, not only by Snakemake), the per-site jobs
in group jobs (fewer submissions than jobs), run the light rules locally, and produced
byte-identical outputs. A job asking for more memory than the
node has must fail at submission, quickly and with SLURM's reason.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from minislurm import PARTITION

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
PROJECT_FILES = (
    "Snakefile", "workflow", "config", "profiles", "notebooks", "environment.yml", "src",
)  # fmt: skip
# Every table and model of the study: ingest, clean, combine, aggregate, stratify, model and
# the replication table. Figures, notebooks and the manifest are left out to keep the DAG
# (and so the polling time on the cluster) short; they add nothing SLURM-specific.
TARGETS = (
    "results/tables/reconciliation.csv",
    "results/tables/service_profile.csv",
    "results/tables/early_engagement.csv",
    "results/tables/workforce.csv",
    "results/tables/rural_urban.csv",
    "results/models/coefficients.csv",
    "results/tables/replication.csv",
)
# Rules of that DAG marked `localrule: True` (cheap summaries of small tables).
LOCAL_RULES = {"service_summaries", "replication_table"}
# Per-site rules grouped by profiles/slurm (`groups:`): each site's ingest and clean jobs form
# one group, and tests/cluster/profile puts GROUP_SITES sites' groups in one sbatch submission.
GROUPED_RULES = {"ingest_site", "clean_site"}
GROUP, GROUP_SITES = "sites", 2
COMPARED = ("data/raw", "results/tables", "results/models", "results/quarantine", "results/interim")
# What a site without an accounting database (slurmdbd) adds to profiles/slurm.
CLUSTER_PROFILE = Path(__file__).parent / "profile"
RUN_TIMEOUT = 360  # seconds; the whole `make test-cluster` must stay under 10 minutes


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return target


def run_snakemake(workdir: Path, env: dict[str, str], targets, *options: str):
    """Snakemake in workdir, bounded by RUN_TIMEOUT; returns the result and its wall time."""
    # SIGINT, not SIGTERM: on SIGTERM Snakemake waits for its running jobs; on SIGINT it
    # cancels them (scancel) and stops.
    # Targets first: options such as --default-resources take every value that follows.
    timeout = ["timeout", "-s", "INT", "-k", "15", str(RUN_TIMEOUT)]
    command = [*timeout, SNAKEMAKE, *targets, *options]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=workdir, env={**env, "PYTHONPATH": str(workdir / "src")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT + 60)
    except BaseException:
        # Interrupted (make's overall timeout sends SIGINT): `timeout` passes SIGINT on, so
        # Snakemake cancels its SLURM jobs before the fixture stops the daemons.
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return result, time.monotonic() - started


def slurm_args(*extra: str) -> list[str]:
    return [
        "--profile", "profiles/slurm", "--profile", str(CLUSTER_PROFILE),
        "--default-resources", f"slurm_partition={PARTITION}", *extra,
    ]  # fmt: skip


def checksums(workdir: Path) -> dict[str, str]:
    sums = {}
    for folder in COMPARED:
        for path in sorted((workdir / folder).rglob("*")):
            if path.is_file():
                sums[str(path.relative_to(workdir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def output_of(result: subprocess.CompletedProcess) -> str:
    return f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"


@pytest.fixture(scope="module")
def runs(slurm_cluster, tmp_path_factory):
    """The same targets built locally and on the cluster, each from a fresh copy."""
    base = tmp_path_factory.mktemp("runs")
    local_dir, cluster_dir = copy_project(base / "local"), copy_project(base / "cluster")
    local, local_seconds = run_snakemake(
        local_dir, slurm_cluster.env, TARGETS, "--profile", "profiles/default", "--cores", "2"
    )
    assert local.returncode == 0, output_of(local)
    cluster, cluster_seconds = run_snakemake(cluster_dir, slurm_cluster.env, TARGETS, *slurm_args())
    assert cluster.returncode == 0, output_of(cluster) + "\n" + slurm_cluster.tail_logs()
    print(f"\nwall time, same targets: local {local_seconds:.0f} s, SLURM {cluster_seconds:.0f} s")
    return {
        "local": local_dir, "cluster": cluster_dir, "cluster_result": cluster,
        "cluster_seconds": cluster_seconds, "local_seconds": local_seconds,
    }  # fmt: skip


def run_record(result: subprocess.CompletedProcess):
    """From Snakemake's output: the planned job count per rule, each finished job's rule,
    and the SLURM job id of each job the plugin submitted (Snakemake job id -> ...).
    A group job is submitted under a uuid; its jobs finish under their own ids."""
    text = result.stdout + result.stderr
    table = text.split("Job stats:", 1)[1].split("total", 1)[0]
    planned = {
        parts[0]: int(parts[1])
        for parts in map(str.split, table.splitlines())
        if len(parts) == 2 and parts[1].isdigit()
    }
    finished = dict(re.findall(r"^Finished jobid: (\d+) \(Rule: (\w+)\)", text, re.M))
    submitted = dict(
        re.findall(r"^Job ([\w-]+) has been submitted with SLURM jobid (\d+)", text, re.M)
    )
    return planned, finished, submitted


def test_every_non_local_job_ran_as_a_slurm_job(runs, slurm_cluster):
    planned, finished, submitted = run_record(runs["cluster_result"])
    assert sum(planned.values()) == len(finished) > 15
    assert Counter(finished.values()) == planned
    alone = {job: slurm_id for job, slurm_id in submitted.items() if job in finished}
    groups = {job: slurm_id for job, slurm_id in submitted.items() if job not in finished}
    on_slurm = Counter(finished[job] for job in alone)
    assert on_slurm == {
        rule: n for rule, n in planned.items() if rule not in LOCAL_RULES | GROUPED_RULES
    }
    # The grouped per-site jobs (two per site) went in fewer sbatch submissions: one for
    # every GROUP_SITES sites.
    sites = planned["ingest_site"]
    assert planned["clean_site"] == sites > GROUP_SITES
    assert len(groups) == -(-sites // GROUP_SITES) < sum(planned[r] for r in GROUPED_RULES)
    # SLURM's side: the controller still lists each job (MinJobAge), finished on this node in
    # the test partition, tagged with its rule; jobcomp/filetxt logged each completion.
    squeue = slurm_cluster.client(
        "squeue", "--states=all", "--noheader", "--format=%i|%T|%P|%N|%k"
    ).stdout
    seen = {line.split("|")[0]: line.split("|") for line in squeue.splitlines()}
    completions = (slurm_cluster.logs / "jobcomp.log").read_text()
    for job, slurm_id in submitted.items():
        _, state, partition, node, comment = seen[slurm_id]
        assert (state, partition, node) == ("COMPLETED", PARTITION, slurm_cluster.host), slurm_id
        tag = f"rule_{GROUP}_" if job in groups else f"rule_{finished[job]}"
        assert comment.startswith(tag), (slurm_id, comment)
        assert re.search(rf"JobId={slurm_id} .*JobState=COMPLETED .*WorkDir={runs['cluster']}\b",
                         completions), slurm_id  # fmt: skip
    # The plugin's per-job logs (kept with --slurm-keep-successful-logs) name the same ids.
    logs = {p.stem for p in (runs["cluster"] / ".snakemake/slurm_logs").rglob("*.log")}
    assert set(submitted.values()) <= logs


def test_light_rules_ran_locally_not_through_slurm(runs):
    _, finished, submitted = run_record(runs["cluster_result"])
    not_alone = {rule for job, rule in finished.items() if job not in submitted}
    # the grouped rules' jobs are not submitted alone either: they ran in the group jobs
    # (previous test); the plugin kept a log per group job
    assert not_alone == LOCAL_RULES | GROUPED_RULES
    # the plugin names a group job's folder group_<group>_<its rules>
    logs = runs["cluster"] / ".snakemake/slurm_logs"
    group_logs = list(logs.glob(f"group_{GROUP}_*/**/*.log"))
    assert len(group_logs) == len([job for job in submitted if job not in finished])


def test_cluster_outputs_are_byte_identical_to_a_local_run(runs):
    local, cluster = checksums(runs["local"]), checksums(runs["cluster"])
    print(f"\n{len(local)} files compared by SHA-256")
    assert len(local) > 40
    assert cluster == local


def test_a_job_larger_than_the_node_fails_at_submission(slurm_cluster, tmp_path):
    workdir = copy_project(tmp_path / "oversized")
    too_much = slurm_cluster.memory_mb * 10
    result, seconds = run_snakemake(
        workdir, slurm_cluster.env, ["data/raw/demo_truth.json"],
        *slurm_args("--set-resources", f"demo_data:mem_mb={too_much}"),
    )  # fmt: skip
    text = result.stdout + result.stderr
    print(f"\noversized job: Snakemake exited {result.returncode} after {seconds:.0f} s")
    assert result.returncode != 0, output_of(result)
    # Snakemake's own start-up takes a few seconds; a pending job would hang until the timeout.
    assert seconds < 90, seconds
    assert "SLURM sbatch failed" in text, output_of(result)
    assert "Requested node configuration is not available" in text, output_of(result)
    assert f"--mem {too_much}" in text
    assert not (workdir / "data/raw/demo_truth.json").exists()
