"""Benchmark: the whole workflow on scaled demo studies, against a single-process baseline.

    .venv/bin/python benchmarks/run.py                    # 1x, 10x and 100x (about 30 min)
    .venv/bin/python benchmarks/run.py --scales 1 10      # quicker
    make bench                                            # the same as the first line

For each scale it builds a project copy in ``--workdir``, generates the demo study (783
families and 28 mentors per unit of scale; 6 sites up to 10x, then 6 more per further 10x,
copies of the demo sites with their export formats), then times:

- ``cold``: the full workflow with notebooks, then both reports at once (what ``make run``
  does);
- ``no-op``: the workflow again with nothing to do;
- ``touch site``: after touching one site's export (same bytes, newer file);
- ``edit site``: after one more contact row in one site's export (its branch and all that
  depends on the combined tables rerun);
- ``model param``: after changing ``model.cluster`` (only the model branch should rerun);
- ``analysis``: tables, models and figures without notebooks, from cold;
- ``baseline``: ``benchmarks/baseline.py``, the same package functions in one process.

Per run: wall seconds, jobs run, and peak RSS (the largest single process of the run's
tree, from ``wait4``). Per rule: the Snakemake ``benchmark:`` files of the cold run.
Writes ``benchmarks/results.md`` and ``benchmarks/time_vs_size.png``. Benchmarks are
measurements, not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from peermentor.demo.shapes import clone_site

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PROJECT_FILES = (
    "Snakefile",
    "workflow",
    "config",
    "profiles",
    "notebooks",
    "src",
    "environment.yml",
)
# The public and the audit report, as the Makefile builds them after a run (both at once).
REPORTS = [
    [str(BIN / "snakemake"), "--profile", "profiles/default", "--cores", "1",
     "--report", "results/report.html"],
    [str(BIN / "snakemake"), "--profile", "profiles/default", "--cores", "1",
     "--config", "report=audit", "--report", "results/audit/audit_report.html"],
]  # fmt: skip
TOUCHED_SITE = "martin"  # an Excel export: the slowest format to read
EDITED_SITE = "jefferson"  # a CSV export: a row can be appended without a spreadsheet library


@dataclass
class Run:
    scale: int
    name: str
    seconds: float
    peak_rss_mb: float
    jobs: int | None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    store = _load_store(HERE / "results.json")
    for scale in args.scales:
        workdir = prepare_project(args.workdir / f"scale_{scale}", scale)
        size = {"sites": len(_study_config(workdir)["sites"])}
        per_rule: dict[int, pd.DataFrame] = {}
        full = scale <= args.full_up_to
        runs = bench_scale(workdir, scale, args.cores, per_rule, size, full=full)
        store[str(scale)] = {
            "size": size,
            "load_average_before": os.getloadavg()[0],
            "runs": [r.__dict__ for r in runs],
            "per_rule": per_rule[scale].reset_index().to_dict(orient="records"),
        }
        # Saved after each scale: a long run that fails at 100x keeps what it measured.
        _save_store(store, HERE / "results.json")
    scales = sorted(store, key=int)
    table = pd.DataFrame([run for s in scales for run in store[s]["runs"]])
    per_rule = {int(s): pd.DataFrame(store[s]["per_rule"]).set_index("rule") for s in scales}
    sizes = {int(s): store[s]["size"] for s in scales}
    _plot(table, HERE / "time_vs_size.png")
    (HERE / "results.md").write_text(_markdown(table, per_rule, sizes, args.cores))
    print(f"wrote {HERE / 'results.md'} and {HERE / 'time_vs_size.png'}")
    return 0


def _load_store(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _save_store(store: dict, path: Path) -> None:
    path.write_text(json.dumps(store, indent=1, sort_keys=True) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scales", type=int, nargs="*", default=[1, 10, 100],
        help="scales to measure; none (--scales) rewrites results.md from results.json",
    )  # fmt: skip
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/peermentor-bench"))
    parser.add_argument(
        "--full-up-to", type=int, default=10,
        help="above this scale only generate, cold, reports, no-op and model param are run "
        "(the others take as long as a cold run each; default: %(default)s)",
    )  # fmt: skip
    return parser


# --- the project copy ----------------------------------------------------------------


def site_copies(scale: int) -> int:
    """How many copies of each demo site: 1 up to 10x, then one more per 10x."""
    return max(1, scale // 10)


def prepare_project(workdir: Path, scale: int) -> Path:
    """A fresh project copy whose config asks for the scaled demo study."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, workdir / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, workdir / name)
    config_path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    sites = []
    for site in config["sites"]:
        site_cfg = yaml.safe_load((workdir / config["sites_dir"] / f"{site}.yaml").read_text())
        for k in range(2, site_copies(scale) + 1):
            clone = clone_site(site_cfg, k)
            path = workdir / config["sites_dir"] / f"{clone['site_id']}.yaml"
            path.write_text(yaml.safe_dump(clone, sort_keys=False))
        sites += [site] + [f"{site}_{k}" for k in range(2, site_copies(scale) + 1)]
    config["sites"] = sites
    config["demo"]["scale"] = scale
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return workdir


def _study_config(workdir: Path) -> dict:
    return yaml.safe_load((workdir / "config" / "config.yaml").read_text())


# --- timed runs --------------------------------------------------------------------------


def timed(command: list[str], workdir: Path, log_name: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the largest process in the tree, and the output."""
    seconds, rss, (log_path,) = _run_at_once([command], workdir, [log_name])
    return seconds, rss, log_path.read_text()


def timed_together(commands: list[list[str]], workdir: Path, log_name: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``commands`` run at the same time, as ``make -j2``
    runs them (``make run`` builds the two reports so)."""
    names = [f"{log_name}_{i + 1}" for i in range(len(commands))]
    seconds, rss, _ = _run_at_once(commands, workdir, names)
    return seconds, rss


def _run_at_once(
    commands: list[list[str]], workdir: Path, log_names: list[str]
) -> tuple[float, float, list[Path]]:
    """Start every command, wait for all: wall seconds, the peak RSS (MB) of the largest
    single process, and each command's log (stdout and stderr). A failure stops the run."""
    env = {**os.environ, "PYTHONPATH": str(workdir / "src")}
    log_paths = [workdir / "bench_logs" / f"{name}.log" for name in log_names]
    log_paths[0].parent.mkdir(exist_ok=True)
    started = time.perf_counter()
    processes = []
    for command, log_path in zip(commands, log_paths, strict=True):
        with log_path.open("w") as log:
            processes.append(
                subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)
            )
    peak = 0.0
    for process, log_path in zip(processes, log_paths, strict=True):
        # wait4's rusage covers the child and every descendant it reaped: ru_maxrss is
        # the largest single process of the run (Snakemake, a job, a notebook kernel).
        _, status, usage = os.wait4(process.pid, 0)
        peak = max(peak, usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            output = log_path.read_text()
            sys.exit(
                f"{' '.join(process.args)} failed in {workdir}; see {log_path}:\n{output[-3000:]}"
            )
    return time.perf_counter() - started, peak, log_paths


def snakemake(workdir: Path, cores: int, log_name: str, *args: str) -> tuple[float, float, int]:
    command = [str(BIN / "snakemake"), "--profile", "profiles/default", "--cores", str(cores)]
    seconds, rss, output = timed([*command, *args], workdir, log_name)
    match = re.search(r"^total\s+(\d+)", output, flags=re.MULTILINE)
    return seconds, rss, int(match.group(1)) if match else 0


def bench_scale(
    workdir: Path, scale: int, cores: int, per_rule: dict, size: dict, *, full: bool = True
) -> list[Run]:
    runs = []

    def record(name: str, seconds: float, rss: float, jobs: int | None) -> None:
        runs.append(Run(scale, name, seconds, rss, jobs))
        print(f"{scale:>4}x  {name:<14} {seconds:8.1f} s  {rss:7.0f} MB  jobs {jobs}", flush=True)

    seconds, rss, _ = timed([str(BIN / "peermentor"), "demo"], workdir, "demo")
    truth = json.loads((workdir / "data/raw/demo_truth.json").read_text())
    size.update(families=truth["n_families"], contacts=truth["n_contacts"])
    size["mentors"] = truth["n_mentors"]
    record("generate demo", seconds, rss, None)

    record("cold", *snakemake(workdir, cores, "cold"))
    per_rule[scale] = rule_benchmarks(workdir / "results" / "benchmarks")
    record("reports", *timed_together(REPORTS, workdir, "reports"), None)
    record("no-op", *snakemake(workdir, cores, "noop"))
    change_model_parameter(workdir)
    record("model param", *snakemake(workdir, cores, "model_param"))
    if not full:
        return runs

    touch_site_export(workdir)
    record("touch site", *snakemake(workdir, cores, "touch_site"))
    edit_site_export(workdir)
    record("edit site", *snakemake(workdir, cores, "edit_site"))

    shutil.rmtree(workdir / "results")
    record("analysis", *snakemake(workdir, cores, "analysis", "analysis"))
    baseline = timed(
        [sys.executable, str(HERE / "baseline.py"), str(workdir), "--compare"],
        workdir, "baseline",
    )  # fmt: skip
    record("baseline", baseline[0], baseline[1], None)
    return runs


def touch_site_export(workdir: Path) -> None:
    """A new export of one site: same content, newer file."""
    site_cfg = yaml.safe_load((workdir / "config/sites" / f"{TOUCHED_SITE}.yaml").read_text())
    for path in {t["path"] for t in site_cfg["tables"].values() if TOUCHED_SITE in t["path"]}:
        os.utime(workdir / path)


def edit_site_export(workdir: Path) -> None:
    """A new export of one site with one more row: its last contact logged twice.

    The copy is quarantined as a duplicate, so the results stay comparable.
    """
    site_cfg = yaml.safe_load((workdir / "config/sites" / f"{EDITED_SITE}.yaml").read_text())
    path = workdir / site_cfg["tables"]["contacts"]["path"]
    body = path.read_bytes()
    body += b"" if body.endswith(b"\n") else b"\n"
    path.write_bytes(body + body.splitlines(keepends=True)[-1])


def change_model_parameter(workdir: Path) -> None:
    """Cluster the GEE by site instead of by mentor: a change to the model's params only."""
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["model"]["cluster"] = "site_id"
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def rule_benchmarks(directory: Path) -> pd.DataFrame:
    """Jobs, summed and largest wall seconds, largest RSS, per rule, from ``benchmark:`` files."""
    rows = []
    for tsv in sorted(directory.rglob("*.tsv")):
        rule = str(tsv.relative_to(directory).parent) if tsv.parent != directory else tsv.stem
        frame = pd.read_csv(tsv, sep="\t")
        last = frame.iloc[-1]
        rows.append({"rule": rule, "s": last["s"], "cpu": last["cpu_time"], "rss": last["max_rss"]})
    jobs = pd.DataFrame(rows)
    return (
        jobs.groupby("rule")
        .agg(
            jobs=("s", "size"),
            total_s=("s", "sum"),
            max_s=("s", "max"),
            cpu_s=("cpu", "sum"),
            max_rss_mb=("rss", "max"),
        )
        .sort_values("total_s", ascending=False)
    )


# --- results.md and the plot ---------------------------------------------------------


def _markdown(table: pd.DataFrame, per_rule: dict, sizes: dict, cores: int) -> str:
    wide = table.pivot(index="name", columns="scale", values="seconds")
    order = [n for n in dict.fromkeys(table["name"])]
    wide = wide.loc[order]
    lines = [
        "# Benchmark results",
        "",
        f"`benchmarks/run.py --scales {' '.join(map(str, sizes))}` on {platform.node()}: "
        f"{os.cpu_count()} CPUs, {cores} cores given to Snakemake, Python "
        f"{platform.python_version()}. Written by the script; do not edit by hand.",
        "",
        "## Study sizes",
        "",
        "| scale | sites | families | mentors | contacts |",
        "|---|---|---|---|---|",
        *(
            f"| {s}x | {v['sites']} | {v['families']:,} | {v['mentors']:,} | {v['contacts']:,} |"
            for s, v in sizes.items()
        ),
        "",
        "## Wall time (seconds)",
        "",
        "| run | " + " | ".join(f"{s}x" for s in wide.columns) + " |",
        "|---|" + "---|" * len(wide.columns),
        *(
            f"| {name} | " + " | ".join(_number(v, 1) for v in wide.loc[name]) + " |"
            for name in wide.index
        ),
        "",
        *_ratios(wide),
        "",
        "## Peak RSS (MB, largest single process of the run)",
        "",
        "| run | " + " | ".join(f"{s}x" for s in wide.columns) + " |",
        "|---|" + "---|" * len(wide.columns),
        *(
            f"| {name} | "
            + " | ".join(
                _number(v, 0)
                for v in table.pivot(index="name", columns="scale", values="peak_rss_mb").loc[name]
            )
            + " |"
            for name in wide.index
        ),
        "",
        "![time vs size](time_vs_size.png)",
        "",
    ]
    for scale, rules in per_rule.items():
        lines += [
            f"## Per rule, cold run at {scale}x (Snakemake `benchmark:` files)",
            "",
            "| rule | jobs | wall s (sum) | wall s (max) | CPU s (sum) | max RSS MB |",
            "|---|---|---|---|---|---|",
            *(
                f"| {rule} | {r.jobs:.0f} | {r.total_s:.1f} | {r.max_s:.1f} | {r.cpu_s:.1f} "
                f"| {r.max_rss_mb:.0f} |"
                for rule, r in rules.iterrows()
            ),
            "",
        ]
    return "\n".join(lines)


def _ratios(wide: pd.DataFrame) -> list[str]:
    lines = ["| ratio | " + " | ".join(f"{s}x" for s in wide.columns) + " |"]
    lines.append("|---|" + "---|" * len(wide.columns))
    cold = wide.loc["cold"] + wide.loc["reports"]
    ratios = {
        "cold + reports (s)": cold,
        "analysis / baseline": wide.loc["analysis"] / wide.loc["baseline"],
        "model param / (cold + reports)": wide.loc["model param"] / cold,
        "edit site / (cold + reports)": wide.loc["edit site"] / cold,
    }
    for name, values in ratios.items():
        lines.append(f"| {name} | " + " | ".join(_number(v, 2) for v in values) + " |")
    return lines


def _number(value: float, digits: int) -> str:
    return "–" if pd.isna(value) else f"{value:.{digits}f}"


def _plot(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for name in ("cold", "analysis", "baseline", "model param", "no-op"):
        rows = table[table["name"] == name]
        ax.plot(rows["scale"], rows["seconds"], marker="o", label=name)
    ax.set(xscale="log", yscale="log", xlabel="study size (x the published study)",
           ylabel="wall seconds", title="Workflow time vs study size")  # fmt: skip
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
