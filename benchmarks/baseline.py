"""Single-process baseline: the workflow's analysis in one Python process, for the benchmark.

    python benchmarks/baseline.py PROJECT_DIR [--out DIR] [--compare] [--json]

What an analyst with one notebook would do: run the workflow's jobs (peermentor.jobs, the
functions its adapters workflow/scripts/*.py call), one by one in dependency order, with the same
config, params and writers, so every table, model and figure is byte-identical to the workflow's
(`snakemake analysis`: no notebooks, report or manifest). What is here is only the binding: each
rule's input and output paths (under --out) and its params from the config, as
workflow/rules/*.smk declare them (tests/test_baseline.py checks the names and values against
the rules files); then timing, progress and --compare.

Each job reads its inputs back from the files earlier jobs wrote, as in the workflow. Handing
frames over in memory is not the same computation: a frame read from Parquet has pandas' `str`
columns where the in-memory one has `object`, and the Parquet tables written from it downstream
(family_profile.parquet, ...) change bytes.

PROJECT_DIR holds config/ and data/raw/ (the demo exports are not generated here); the jobs run
in it, as Snakemake runs them in its working directory. Outputs go to --out (default
PROJECT_DIR/baseline) with the layout of results/; --compare checks each against
PROJECT_DIR/results by SHA-256.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import product
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# As Snakemake does for a `threads: 1` job: one BLAS/OpenMP thread. With two, OpenBLAS sums
# in another order on large matrices and the VIFs at 100x differ in the 16th digit.
os.environ.update(
    dict.fromkeys(
        ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"),
        "1",
    )
)  # fmt: skip

import matplotlib

matplotlib.use("Agg")  # as workflow/scripts/figures.py: no display, the same renderer everywhere

import pyarrow.parquet as pq

from peermentor import contract
from peermentor.config import SCHEMA_DIR, load_interviews, load_workflow_configs, load_yaml
from peermentor.errors import PeermentorError
from peermentor.ingest.site import site_files as ingest_site_files
from peermentor.ingest.site import source_files
from peermentor.jobs import (
    aggregate,
    clean,
    figures,
    ingest,
    interviews,
    model,
    report,
    stratify,
)

REPO_DIR = Path(__file__).resolve().parents[1]
RESULTS = "results/"  # the workflow's output dir; --out here
TABLES = list(contract.TABLE_NAMES)  # common.smk's TABLES


@dataclass
class Project:
    """A project copy's validated config and site configs, as the workflow loads them."""

    dir: Path
    config: dict
    sites: dict[str, dict]
    interviews: dict | None = None  # the interview mapping, when interviews.enabled


@dataclass
class Output:
    """The output dir: the files the jobs wrote there (relative to it) and their rows."""

    root: Path
    written: list[str] = field(default_factory=list)
    rows: int = 0

    def under(self, path: str) -> str:
        """A workflow path results/... as the same path under this dir."""
        return str(self.root / path.removeprefix(RESULTS)) if path.startswith(RESULTS) else path

    def record(self, paths: list[str]) -> None:
        """Count a job's outputs: files, and the rows of its tables (Parquet and CSV)."""
        for path in paths:
            self.written.append(Path(path).relative_to(self.root).as_posix())
            self.rows += _rows(Path(path))


def _rows(path: Path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)  # less the header
    return 0


Stage = Callable[[Project, Output], None]


# --- loading: config/config.yaml and config/sites/*.yaml, validated as common.smk does ---


def load_project(project_dir: Path) -> Project:
    """The project's config and site configs; run from ``project_dir`` (its paths are relative)."""
    config = load_yaml("config/config.yaml")
    sites = load_workflow_configs(
        config, config_file="config/config.yaml", schema_dir=_schema_dir(project_dir)
    )
    mapping = load_interviews(config, schema_dir=_schema_dir(project_dir))
    return Project(project_dir, config, sites, mapping)


def _schema_dir(project_dir: Path) -> Path:
    """The project's workflow schemas (what its run validated with), else this repository's."""
    own = project_dir / SCHEMA_DIR
    return own if own.is_dir() else REPO_DIR / SCHEMA_DIR


# --- the binding: each rule's input, output and params, as workflow/rules/*.smk declare them ---


@dataclass(frozen=True)
class Context:
    """What a job's paths and params come from: the project, and a per-site job's {site}."""

    project: Project
    site: str | None = None


@dataclass(frozen=True)
class Conf:
    """``config[k1][k2]...`` in a rule's params; with ``default``, the last key is ``.get``."""

    keys: tuple[str, ...]
    default: Any = None
    has_default: bool = False

    def value(self, ctx: Context) -> Any:
        *path, last = self.keys
        section = ctx.project.config
        for key in path:
            section = section[key]
        return section.get(last, self.default) if self.has_default else section[last]


def conf(*keys: str, **default: Any) -> Conf:
    """``conf("study", "data_cutoff")``: config["study"]["data_cutoff"]; ``default=...``: .get."""
    return Conf(keys, default.get("default"), "default" in default)


@dataclass(frozen=True)
class Paths:
    """``expand(pattern, site=SITES, table=TABLES)`` over the names in ``over``, in that nesting
    (a plain string in a rule's input or output is one path). The job's {site} is filled in."""

    pattern: str
    over: tuple[str, ...] = ("table",)

    def value(self, ctx: Context) -> list[str]:
        lists = {"site": ctx.project.config["sites"], "table": TABLES}
        combos = product(*([(name, v) for v in lists[name]] for name in self.over))
        return [self.pattern.format(**{"site": ctx.site, **dict(c)}) for c in combos]


@dataclass(frozen=True)
class From:
    """A value one of common.smk's functions computes (named like it) from the configs."""

    compute: Callable[[Context], Any]

    def value(self, ctx: Context) -> Any:
        return self.compute(ctx)


def site_config_params(ctx: Context) -> dict:
    return ctx.project.sites[ctx.site]


def site_config_file(ctx: Context) -> str:
    return str(Path(ctx.project.config["sites_dir"]) / f"{ctx.site}.yaml")


def site_raw_files(ctx: Context) -> list[str]:
    return source_files(ctx.project.sites[ctx.site])


def site_files(ctx: Context) -> dict[str, dict[str, str]]:
    """combine_sites' params.files (a dict in its rule): each site's export file per table."""
    return {
        site: ingest_site_files(ctx.project.sites[site]) for site in ctx.project.config["sites"]
    }


def wildcard_site(ctx: Context) -> str:
    return ctx.site


def interview_mapping_file(ctx: Context) -> str:
    return ctx.project.config["interviews"]["mapping"]


def interview_mapping(ctx: Context) -> dict | None:
    return ctx.project.interviews


def interview_export(ctx: Context) -> str:
    return ctx.project.interviews["export"]["path"]


def interview_roster_files(ctx: Context) -> list[str]:
    roster = ctx.project.interviews["roster"]
    return [roster["path"]] if roster else []


@dataclass(frozen=True)
class Rule:
    """A workflow rule's job with its named inputs, outputs and params (``code`` left out)."""

    job: Callable[[Any, Any, Any], None]
    input: dict[str, Any]
    output: dict[str, Any]
    params: dict[str, Any]
    per_site: bool = False  # one job per site ({site} wildcard), named rule:site
    only_if: tuple[str, ...] = ()  # config keys of a switch: the rule exists only when it is on


SITE_MAPPED = "results/interim/{site}/mapped/{table}.parquet"
SITE_PROBLEMS = "results/interim/{site}/mapped/{table}_problems.parquet"
FAMILIES = "results/interim/study/families.parquet"
CONTACTS = "results/interim/study/contacts.parquet"
PROFILE = "results/tables/family_profile.parquet"
EARLY = "results/interim/study/early_engagement_by_family.parquet"
PER_MENTOR = "results/interim/study/workforce_by_mentor.parquet"
COMPARISON = "results/tables/rural_urban.csv"
MODEL_VALUES = "results/interim/replication/model.json"
MIN_CELL_SIZE = conf("disclosure", "min_cell_size")
DECIMALS = conf("disclosure", "decimals")
DATA_CUTOFF = conf("study", "data_cutoff")
N_CONTACTS = conf("early_engagement", "n_contacts")
ANCHOR = conf("early_engagement", "anchor")
COUNT_STATUSES = conf("profile", "count_statuses")
COLLATERAL = conf("profile", "hours_include_collateral")
PRIMARY = conf("model", "primary")
CLUSTER = conf("model", "cluster")
SITE_CONFIG = From(site_config_params)


def figure_files(**names: str) -> dict[str, str]:
    """A figure rule's outputs: ``<name>_png`` and ``<name>_svg`` for each figure's file name."""
    return {
        f"{name}_{ext}": f"results/figures/{file}.{ext}"
        for name, file in names.items()
        for ext in ("png", "svg")
    }


def stratify_params(*names: str) -> dict[str, Conf]:
    return {name: conf("stratify", name) for name in names}


INTERVIEWS_ON = ("interviews", "enabled")
CANONICAL = {
    t: f"results/interim/interviews/{t}.parquet"
    for t in ("documents", "units", "codings", "themes")
}
PRESENCE = "results/interim/interviews/presence.parquet"
AGREEMENT = "results/interim/interviews/agreement.parquet"
PUBLISHED_INTERVIEWS = "results/tables/interviews/{}.csv"
ON_PRESENCE = dict(presence=PRESENCE, documents=CANONICAL["documents"], themes=CANONICAL["themes"])
ON_CODINGS = {t: CANONICAL[t] for t in ("codings", "documents", "themes")}


def interview_rule(job, input, output, params=None) -> Rule:
    return Rule(job, input=input, output=output, params=params or {}, only_if=INTERVIEWS_ON)


# The interview strand after ingest_interviews (workflow/rules/interviews.smk), in DAG order;
# joint_display reads the quantitative replication table, so these follow replication_table.
INTERVIEW_RULES: dict[str, Rule] = {
    "interview_presence": interview_rule(
        interviews.interview_presence,
        ON_CODINGS,
        dict(presence=PRESENCE),
        dict(
            presence_rule=conf("interviews", "presence_rule"),
            primary_coder=conf("interviews", "primary_coder"),
        ),
    ),
    "interview_prevalence": interview_rule(
        interviews.interview_prevalence,
        ON_PRESENCE,
        dict(
            prevalence=PUBLISHED_INTERVIEWS.format("prevalence"),
            exact="results/tables/interviews_exact.csv",
        ),
        dict(prevalence=conf("interviews", "prevalence"), min_cell_size=MIN_CELL_SIZE),
    ),
    "interview_cooccurrence": interview_rule(
        interviews.interview_cooccurrence,
        ON_PRESENCE,
        dict(cooccurrence=PUBLISHED_INTERVIEWS.format("cooccurrence")),
        dict(
            prevalence=conf("interviews", "prevalence"),
            min_cell_size=MIN_CELL_SIZE,
            decimals=DECIMALS,
        ),
    ),
    "interview_agreement": interview_rule(
        interviews.interview_agreement,
        {t: CANONICAL[t] for t in ("codings", "units", "documents", "themes")},
        dict(agreement=PUBLISHED_INTERVIEWS.format("agreement"), exact=AGREEMENT),
        dict(agreement=conf("interviews", "agreement"), decimals=DECIMALS),
    ),
    "interview_saturation": interview_rule(
        interviews.interview_saturation,
        ON_PRESENCE,
        dict(saturation=PUBLISHED_INTERVIEWS.format("saturation")),
    ),
    "interview_quotes": interview_rule(
        interviews.interview_quotes,
        ON_CODINGS,
        dict(quotes=PUBLISHED_INTERVIEWS.format("quotes")),
        dict(
            approved=conf("interviews", "quotes", "approved"),
            deidentify=conf("interviews", "quotes", "deidentify"),
        ),
    ),
    "interview_segments": interview_rule(
        interviews.interview_segments,
        dict(codings=CANONICAL["codings"], themes=CANONICAL["themes"]),
        dict(segments="results/tables/interviews_segments.csv"),
    ),
    "partnership_replication": interview_rule(
        interviews.partnership_replication,
        dict(
            documents=CANONICAL["documents"],
            themes=CANONICAL["themes"],
            presence=PRESENCE,
            agreement=AGREEMENT,
        ),
        dict(replication=PUBLISHED_INTERVIEWS.format("replication")),
        dict(decimals=DECIMALS),
    ),
    "joint_display": interview_rule(
        interviews.joint_display,
        dict(
            replication="results/tables/replication.csv",
            prevalence=PUBLISHED_INTERVIEWS.format("prevalence"),
        ),
        dict(joint_display=PUBLISHED_INTERVIEWS.format("joint_display")),
        dict(links=conf("interviews", "joint_display")),
    ),
    "coreq": interview_rule(
        interviews.coreq,
        dict(
            documents=CANONICAL["documents"],
            codings=CANONICAL["codings"],
            export=From(interview_export),
            agreement=AGREEMENT,
            saturation=PUBLISHED_INTERVIEWS.format("saturation"),
            quotes=PUBLISHED_INTERVIEWS.format("quotes"),
        ),
        dict(coreq=PUBLISHED_INTERVIEWS.format("coreq")),
        dict(mapping=From(interview_mapping), decimals=DECIMALS),
    ),
    "figure_interviews": interview_rule(
        interviews.figure_interviews,
        dict(
            prevalence=PUBLISHED_INTERVIEWS.format("prevalence"),
            saturation=PUBLISHED_INTERVIEWS.format("saturation"),
        ),
        figure_files(heatmap="interview_themes_by_role", saturation="interview_saturation"),
    ),
}


# Every rule of `snakemake analysis`, in an order its DAG allows (the per-site rules first).
RULES: dict[str, Rule] = {
    "ingest_site": Rule(
        ingest.ingest_site,
        input=dict(site_config=From(site_config_file), exports=From(site_raw_files)),
        output=dict(mapped=Paths(SITE_MAPPED), problems=Paths(SITE_PROBLEMS)),
        params=dict(
            site_config=SITE_CONFIG,
            rucc_threshold=conf("rurality", "rucc_rural_threshold"),
            pseudonymization=conf("pseudonymization"),
        ),
        per_site=True,
    ),
    "clean_site": Rule(
        clean.clean_site,
        input=dict(mapped=Paths(SITE_MAPPED), problems=Paths(SITE_PROBLEMS)),
        output=dict(
            kept=Paths("results/interim/{site}/{table}.parquet"),
            quarantine=Paths("results/quarantine/{site}/{table}.csv"),
            reconciliation="results/interim/{site}/reconciliation.csv",
            data_quality="results/interim/{site}/data_quality.csv",
        ),
        params=dict(
            site=From(wildcard_site),
            tables=TABLES,
            site_config=SITE_CONFIG,
            grace_days=conf("cleaning", "contact_window_grace_days"),
            max_quarantine_share=conf("cleaning", "max_quarantine_share"),
            data_cutoff=DATA_CUTOFF,
        ),
        per_site=True,
    ),
    "combine_sites": Rule(
        clean.combine_sites,
        input=dict(
            kept=Paths("results/interim/{site}/{table}.parquet", ("site", "table")),
            reconciliation=Paths("results/interim/{site}/reconciliation.csv", ("site",)),
            data_quality=Paths("results/interim/{site}/data_quality.csv", ("site",)),
        ),
        output=dict(
            tables=Paths("results/interim/study/{table}.parquet"),
            reconciliation="results/tables/reconciliation.csv",
            data_quality="results/tables/data_quality.csv",
        ),
        params=dict(sites=conf("sites"), tables=TABLES, files=From(site_files)),
    ),
    "ingest_interviews": Rule(
        interviews.ingest_interviews,
        input=dict(
            mapping=From(interview_mapping_file),
            export=From(interview_export),
            roster=From(interview_roster_files),
        ),
        output=dict(
            documents="results/interim/interviews/documents.parquet",
            units="results/interim/interviews/units.parquet",
            codings="results/interim/interviews/codings.parquet",
            themes="results/interim/interviews/themes.parquet",
            quarantine="results/quarantine/interviews/codings.csv",
            reconciliation="results/tables/interviews_reconciliation.csv",
        ),
        params=dict(mapping=From(interview_mapping), pseudonymization=conf("pseudonymization")),
        only_if=("interviews", "enabled"),
    ),
    "family_profile": Rule(
        aggregate.family_profile,
        input=dict(families=FAMILIES, contacts=CONTACTS),
        output=dict(
            profile=PROFILE,
            early=EARLY,
            early_curve="results/interim/study/early_engagement_curve.parquet",
        ),
        params=dict(
            data_cutoff=DATA_CUTOFF,
            count_statuses=COUNT_STATUSES,
            hours_include_collateral=COLLATERAL,
            n_contacts=N_CONTACTS,
            anchor=ANCHOR,
            curve_days=60,
        ),
    ),
    "service_summaries": Rule(
        aggregate.service_summaries,
        input=dict(profile=PROFILE, early=EARLY),
        output=dict(
            service_profile="results/tables/service_profile.csv",
            early_engagement="results/tables/early_engagement.csv",
        ),
        params=dict(min_cell_size=MIN_CELL_SIZE, decimals=DECIMALS, n_contacts=N_CONTACTS),
    ),
    "workforce": Rule(
        aggregate.workforce,
        input=dict(
            mentors="results/interim/study/mentors.parquet", families=FAMILIES, contacts=CONTACTS
        ),
        output=dict(per_mentor=PER_MENTOR, summary="results/tables/workforce.csv"),
        params=dict(data_cutoff=DATA_CUTOFF, min_cell_size=MIN_CELL_SIZE, decimals=DECIMALS),
    ),
    "rural_urban": Rule(
        stratify.rural_urban,
        input=dict(profile=PROFILE),
        output=dict(
            comparison=COMPARISON,
            clustering="results/tables/rural_urban_clustering.csv",
            outcome="results/tables/outcome_by_stratum.csv",
        ),
        params=dict(
            **stratify_params("test", "adjust", "alpha", "n_bootstrap", "n_permutations"),
            **stratify_params("permutation_statistic", "continuity_correction", "seed"),
            rucc_rural_threshold=conf("rurality", "rucc_rural_threshold"),
            min_cell_size=MIN_CELL_SIZE,
            decimals=DECIMALS,
        ),
    ),
    "outcome_models": Rule(
        model.outcome_models,
        input=dict(profile=PROFILE),
        output=dict(
            coefficients="results/models/coefficients.csv",
            ranking="results/models/predictor_ranking.csv",
            diagnostics="results/models/diagnostics.csv",
            visit_gap="results/models/visit_gap.csv",
            summary="results/models/summary.txt",
            summaries="results/models/summaries.txt",
            computed=MODEL_VALUES,
            curve="results/interim/models/unification_curve.json",
        ),
        params=dict(
            primary=PRIMARY,
            cluster=CLUSTER,
            sensitivity=conf("model", "sensitivity", default={}),
            predictor="face_to_face_with_children",
            min_cell_size=MIN_CELL_SIZE,
            decimals=DECIMALS,
        ),
    ),
    "replication_table": Rule(
        report.replication_table,
        input=dict(
            profile=PROFILE,
            comparison=COMPARISON,
            early=EARLY,
            per_mentor=PER_MENTOR,
            model=MODEL_VALUES,
        ),
        output=dict(replication="results/tables/replication.csv"),
        params=dict(
            n_contacts=N_CONTACTS,
            anchor=ANCHOR,
            count_statuses=COUNT_STATUSES,
            hours_include_collateral=COLLATERAL,
            data_cutoff=DATA_CUTOFF,
            primary=PRIMARY,
            min_cell_size=MIN_CELL_SIZE,
            decimals=DECIMALS,
        ),
    ),
    "figure_service_profile": Rule(
        figures.figure_service_profile,
        input=dict(profile=PROFILE, service_profile="results/tables/service_profile.csv"),
        output=figure_files(distribution="service_distribution", mix="service_mix"),
        params=dict(min_cell_size=MIN_CELL_SIZE),
    ),
    "figure_early_engagement": Rule(
        figures.figure_early_engagement,
        input=dict(
            curve="results/interim/study/early_engagement_curve.parquet",
            early_engagement="results/tables/early_engagement.csv",
        ),
        output=figure_files(curve="early_engagement"),
        params=dict(n_contacts=N_CONTACTS, anchor=ANCHOR, min_cell_size=MIN_CELL_SIZE),
    ),
    "figure_outcome_models": Rule(
        figures.figure_outcome_models,
        input=dict(
            coefficients="results/models/coefficients.csv",
            curve="results/interim/models/unification_curve.json",
        ),
        output=figure_files(forest="odds_ratios", curve="unification_curve"),
        params=dict(min_cell_size=MIN_CELL_SIZE),
    ),
    "figure_workforce": Rule(
        figures.figure_workforce,
        input=dict(workforce="results/tables/workforce.csv"),
        output=figure_files(exits="workforce_exits"),
        params=dict(min_cell_size=MIN_CELL_SIZE),
    ),
    "figure_rural_urban": Rule(
        figures.figure_rural_urban,
        input=dict(comparison=COMPARISON),
        output=figure_files(effects="rural_urban"),
        params=dict(min_cell_size=MIN_CELL_SIZE),
    ),
    **INTERVIEW_RULES,
}


def bind_files(files: dict[str, Any], ctx: Context, out: Output) -> dict[str, str | list[str]]:
    """A job's input or output paths: the workflow's results/... under --out, {site} filled in."""
    bound = {}
    for name, value in files.items():
        if isinstance(value, str):
            bound[name] = out.under(value.format(site=ctx.site))
        elif isinstance(value, Paths):
            bound[name] = [out.under(path) for path in value.value(ctx)]
        else:
            bound[name] = value.value(ctx)  # project files: config/sites/, data/raw/
    return bound


def bind_params(params: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A job's params: values from the config (Conf, From) or as the rule writes them."""
    return {
        name: value.value(ctx) if isinstance(value, (Conf, From)) else value
        for name, value in params.items()
    }


def run_rule(name: str, site: str | None, project: Project, out: Output) -> None:
    """One job of rule ``name`` (per site: for ``site``): bound, run, its outputs counted."""
    rule, ctx = RULES[name], Context(project, site)
    if rule.only_if and not conf(*rule.only_if).value(ctx):
        return  # the workflow has no such rule in this project (common.smk)
    output = bind_files(rule.output, ctx, out)
    rule.job(
        SimpleNamespace(**bind_files(rule.input, ctx, out)),
        SimpleNamespace(**output),
        SimpleNamespace(**bind_params(rule.params, ctx)),
    )
    out.record([path for paths in output.values() for path in _as_list(paths)])


def _as_list(paths: str | list[str]) -> list[str]:
    return paths if isinstance(paths, list) else [paths]


# --- running ---


def stages(sites: list[str]) -> list[tuple[str, Stage]]:
    """Every job of `snakemake analysis`, named by rule, in an order its DAG allows.

    A per-site rule has one job per site, named rule:site; each site's jobs come first.
    """
    per_site = [
        (f"{name}:{site}", partial(run_rule, name, site))
        for site in sites
        for name, rule in RULES.items()
        if rule.per_site
    ]
    study = [
        (name, partial(run_rule, name, None)) for name, rule in RULES.items() if not rule.per_site
    ]
    return [*per_site, *study]


def run(project: Project, out: Output) -> dict[str, float]:
    """Run every stage, printing one progress line each; seconds per stage."""
    todo = stages(project.config["sites"])
    seconds = {}
    for i, (name, stage) in enumerate(todo, 1):
        tag, rows, files = f"[{i:2}/{len(todo)}]", out.rows, len(out.written)
        started = time.perf_counter()
        try:
            stage(project, out)
        except PeermentorError:
            print(f"{tag} {name:<34} FAILED", flush=True)
            raise
        seconds[name] = time.perf_counter() - started
        written = f"{out.rows - rows:>10,} rows{len(out.written) - files:>4} files"
        progress(tag, name, seconds[name], written)
    return seconds


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


# --- --compare ---


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


# --- command line ---


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project_dir", type=Path, help="project with config/ and data/raw/")
    parser.add_argument("--out", type=Path, help="output dir (default: PROJECT_DIR/baseline)")
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
    out = Output((args.out or project_dir / "baseline").resolve())
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    seconds = {}
    if startup is not None:
        seconds["startup"] = startup
        progress("", "startup (interpreter, imports)", startup)
    # The jobs run in the project dir, as Snakemake runs them in its working directory: the
    # site configs' export paths and the salt file are relative to it, and the quarantine CSVs'
    # source_file column records them as they are.
    os.chdir(project_dir)
    try:
        project = load_project(project_dir)
        seconds["load_config"] = time.perf_counter() - started
        progress("", "load_config", seconds["load_config"])
        seconds |= run(project, out)
    except PeermentorError as err:
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
