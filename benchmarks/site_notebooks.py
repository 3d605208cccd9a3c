"""Benchmark: the site notebooks of a built project, one job per site against one session.

    .venv/bin/python benchmarks/site_notebooks.py PROJECT [--sites a b ...] [--repeat N]

PROJECT is a project whose workflow has built the site notebooks' inputs (the tables and
quarantine files), e.g. a ``benchmarks/run.py`` scale folder. ``--separate`` runs each site
as the workflow did before (a new process, its own kernel, its own exporter); without it,
every site runs in one ``NotebookSession`` (the ``site_notebooks`` job). Prints wall seconds
per site and the CPU seconds of the whole process tree (the process and its kernels). Writes
the notebooks to a temporary folder, not to the project's results. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from peermentor.notebooks.render import NotebookSession

TEMPLATE = "notebooks/site.ipynb"


def parameters(config: dict, site: str) -> dict[str, object]:
    """The site_notebooks rule's parameters for one site, in the rule's order."""
    tables = {
        "reconciliation": "results/tables/reconciliation.csv",
        "service_profile": "results/tables/service_profile.csv",
        "early_engagement": "results/tables/early_engagement.csv",
        "family_profile": "results/tables/family_profile.parquet",
    }
    quarantine = {
        f"quarantine_{table}": f"results/quarantine/{site}/{table}.csv"
        for table in ("families", "contacts", "mentors")
    }
    settings = {
        "min_cell_size": config["disclosure"]["min_cell_size"],
        "study_name": config["study"]["name"],
    }
    return {**tables, **quarantine, "site_id": site, **settings}


def cpu_seconds() -> float:
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))  # fmt: skip
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--sites", nargs="*", help="default: every site of the config")
    parser.add_argument("--repeat", type=int, default=1, help="run the site list N times")
    parser.add_argument("--separate", action="store_true", help="a process per site")
    args = parser.parse_args(argv)
    config = yaml.safe_load((args.project / "config/config.yaml").read_text())
    sites = (args.sites or config["sites"]) * args.repeat
    started, cpu = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory() as out, contextlib.chdir(args.project):
        if args.separate:
            for site in sites:
                command = [sys.executable, __file__, ".", "--sites", site]
                _timed(site, subprocess.run, command, check=True, stdout=subprocess.DEVNULL)
        else:
            with NotebookSession() as session:
                for i, site in enumerate(sites):
                    files = (Path(out) / f"{i}_{site}.ipynb", Path(out) / f"{i}_{site}.html")
                    _timed(site, session.render, TEMPLATE, *files, parameters(config, site))
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"{len(sites)} site notebooks: {wall:.1f} s wall, {cpu:.1f} s CPU (with kernels)")
    return 0


def _timed(site: str, run, *args, **kwargs) -> None:
    started = time.perf_counter()
    run(*args, **kwargs)
    print(f"  {site}: {time.perf_counter() - started:.2f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
