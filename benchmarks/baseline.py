"""Single-process baseline: the workflow's analysis in one Python process, for the benchmark.

    python benchmarks/baseline.py PROJECT_DIR [--out DIR] [--compare] [--json]

What an analyst with one notebook would do: call the package functions the workflow's
adapters (workflow/scripts/*.py) call, job by job in dependency order, with the same
config, params and writers, so every table, model and figure is byte-identical to the
workflow's (`snakemake analysis`: no notebooks, report or manifest).

Each stage reads its inputs back from the files earlier stages wrote, as its adapter
does. Handing frames over in memory is not the same computation: a frame read from
Parquet has pandas' `str` columns where the in-memory one has `object`, and the Parquet
tables written from it downstream (family_profile.parquet, ...) change bytes.

PROJECT_DIR holds config/ and data/raw/ (the demo exports are not generated here).
Outputs go to --out (default PROJECT_DIR/baseline) with the layout of results/;
--compare checks each against PROJECT_DIR/results by SHA-256.
"""

from __future__ import annotations

import argparse
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

import matplotlib

matplotlib.use("Agg")  # as workflow/scripts/figures.py: no display, the same renderer everywhere

import pandas as pd

from peermentor import contract
from peermentor.analysis import rural_urban as stratify
from peermentor.analysis.engagement import (
    early_engagement,
    summarize_early_engagement,
    summarize_early_engagement_overall_and_sites,
)
from peermentor.analysis.outcome import (
    fit_models,
    model_frame,
    model_summary_text,
    rank_predictors,
    replication_values,
    tidy_coefficients,
    visit_gap,
)
from peermentor.analysis.profile import (
    family_profile,
    summarize_profile,
    summarize_profile_overall_and_sites,
    with_early_engagement,
)
from peermentor.analysis.workforce import mentor_workforce, summarize_workforce
from peermentor.config import SCHEMA_DIR, load_sites, load_study
from peermentor.errors import PeermentorError
from peermentor.ingest.clean import check_quarantine_limit, clean_site
from peermentor.ingest.mapping import Mapped
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.ingest.rurality import describe_coding
from peermentor.ingest.site import ingest_site, site_files
from peermentor.ingest.validate import combine_sites, validate_table
from peermentor.io import write_csv, write_json, write_parquet, write_text
from peermentor.publish.disclosure import (
    publish_early_summary,
    publish_profile_summary,
    publish_replication,
    publish_workforce_summary,
    suppress_small_cells,
)
from peermentor.publish.outcome import publish_diagnostics
from peermentor.publish.replication import (
    p1_p3_p6_computed,
    p4_computed,
    replication_rows,
    run_definitions,
)
from peermentor.publish.rural_urban import publish_comparison, publish_outcome
from peermentor.report import figures

REPO_DIR = Path(__file__).resolve().parents[1]
TABLES = contract.TABLE_NAMES
# Figure settings the workflow fixes in workflow/rules/figures.smk params, not in config.yaml.
EARLY_WINDOW_DAYS = 60  # rule figure_early_engagement, params.window_days
HEADLINE_PREDICTOR = "face_to_face_with_children"  # rule figure_outcome_models, params.predictor
# Files several stages read (under results/ in the workflow, under --out here).
STUDY = "interim/study/{table}.parquet"
PROFILE = "tables/family_profile.parquet"
EARLY = "interim/study/early_engagement_by_family.parquet"
PER_MENTOR = "interim/study/workforce_by_mentor.parquet"
MODEL_VALUES = "interim/replication/model.json"

log = logging.getLogger("peermentor")


@dataclass
class Project:
    """A project copy's validated config and site configs, as the workflow loads them."""

    dir: Path
    config: dict
    sites: dict[str, dict]
    salt: bytes


@dataclass
class Output:
    """The output dir: writes with peermentor.io (recording files and rows) and reads back."""

    root: Path
    written: list[str] = field(default_factory=list)
    rows: int = 0

    def path(self, rel: str) -> Path:
        self.written.append(rel)
        return self.root / rel

    def parquet(self, frame: pd.DataFrame, rel: str) -> None:
        write_parquet(frame, self.path(rel))
        self.rows += len(frame)

    def csv(self, frame: pd.DataFrame, rel: str) -> None:
        write_csv(frame, self.path(rel))
        self.rows += len(frame)

    def text(self, text: str, rel: str) -> None:
        write_text(text, self.path(rel))

    def json(self, data: dict, rel: str) -> None:
        write_json(data, self.path(rel))

    def figure(self, fig, name: str) -> None:
        figures.save_figure(fig, self.path(f"figures/{name}.png"), self.path(f"figures/{name}.svg"))

    def read_parquet(self, rel: str) -> pd.DataFrame:
        return pd.read_parquet(self.root / rel)

    def read_csv(self, rel: str) -> pd.DataFrame:
        return pd.read_csv(self.root / rel)

    def read_json(self, rel: str) -> dict:
        return json.loads((self.root / rel).read_text())

    def study(self, table: str) -> pd.DataFrame:
        return self.read_parquet(STUDY.format(table=table))


Stage = Callable[[Project, Output], None]


# --- loading: config/config.yaml and config/sites/*.yaml, validated as common.smk does ---


def load_project(project_dir: Path) -> Project:
    schema_dir = _schema_dir(project_dir)
    config = load_study(project_dir / "config/config.yaml", schema_dir)
    # sites_dir and salt_file are relative to the project dir, where the workflow runs.
    sites = load_sites({**config, "sites_dir": project_dir / config["sites_dir"]}, schema_dir)
    pseudonymization = config["pseudonymization"]
    salt_file = project_dir / pseudonymization["salt_file"]
    salt = resolve_salt(**{**pseudonymization, "salt_file": salt_file})
    return Project(project_dir, config, sites, salt)


def _schema_dir(project_dir: Path) -> Path:
    """The project's workflow schemas (what its run validated with), else this repository's."""
    own = project_dir / SCHEMA_DIR
    return own if own.is_dir() else REPO_DIR / SCHEMA_DIR


# --- ingest and clean: workflow/scripts/ingest_site.py, clean_site.py, combine_sites.py ---


def ingest(site: str, p: Project, out: Output) -> None:
    mapped = ingest_site(
        p.sites[site],
        salt=p.salt,
        rucc_threshold=p.config["rurality"]["rucc_rural_threshold"],
        project_dir=p.dir,
    )
    for table in TABLES:
        out.parquet(mapped[table].rows, f"interim/{site}/mapped/{table}.parquet")
        out.parquet(mapped[table].problems, f"interim/{site}/mapped/{table}_problems.parquet")


def clean(site: str, p: Project, out: Output) -> None:
    cleaning = p.config["cleaning"]
    mapped = {
        table: Mapped(
            out.read_parquet(f"interim/{site}/mapped/{table}.parquet"),
            out.read_parquet(f"interim/{site}/mapped/{table}_problems.parquet"),
        )
        for table in TABLES
    }
    result = clean_site(
        mapped,
        site=site,
        # Project-relative, as the workflow's jobs see them: they end up in the
        # quarantine CSVs' source_file column, so an absolute path would change the bytes.
        files=site_files(p.sites[site]),
        grace_days=cleaning["contact_window_grace_days"],
        data_cutoff=p.config["study"]["data_cutoff"],
    )
    check_quarantine_limit(result, max_share=cleaning["max_quarantine_share"], site=site)
    for table in TABLES:
        out.parquet(validate_table(result.kept[table], table), f"interim/{site}/{table}.parquet")
        out.csv(result.quarantine[table], f"quarantine/{site}/{table}.csv")
    out.csv(result.reconciliation, f"interim/{site}/reconciliation.csv")


def combine(p: Project, out: Output) -> None:
    sites = p.config["sites"]  # config order, as expand(site=SITES) hands them to the job
    for table in TABLES:
        parts = [out.read_parquet(f"interim/{site}/{table}.parquet") for site in sites]
        out.parquet(combine_sites(parts, table), STUDY.format(table=table))
    parts = [out.read_csv(f"interim/{site}/reconciliation.csv") for site in sites]
    out.csv(pd.concat(parts, ignore_index=True), "tables/reconciliation.csv")


# --- aggregate: workflow/scripts/family_profile.py, service_summaries.py, workforce.py ---


def profile(p: Project, out: Output) -> None:
    cfg = p.config
    cutoff = cfg["study"]["data_cutoff"]
    common = {
        "count_statuses": cfg["profile"]["count_statuses"],
        "hours_include_collateral": cfg["profile"]["hours_include_collateral"],
    }
    families, contacts = out.study("families"), out.study("contacts")
    per_family = family_profile(families, contacts, data_cutoff=cutoff, **common)
    early = early_engagement(
        contacts,
        families,
        n_contacts=cfg["early_engagement"]["n_contacts"],
        anchor=cfg["early_engagement"]["anchor"],
        data_cutoff=cutoff,
        **common,
    )
    out.parquet(with_early_engagement(per_family, early), PROFILE)
    out.parquet(early, EARLY)


def service_summaries(p: Project, out: Output) -> None:
    min_cell = p.config["disclosure"]["min_cell_size"]
    service = summarize_profile_overall_and_sites(out.read_parquet(PROFILE))
    early = summarize_early_engagement_overall_and_sites(
        out.read_parquet(EARLY), n_contacts=p.config["early_engagement"]["n_contacts"]
    )
    out.csv(publish_profile_summary(service, min_cell_size=min_cell), "tables/service_profile.csv")
    out.csv(publish_early_summary(early, min_cell_size=min_cell), "tables/early_engagement.csv")


def workforce(p: Project, out: Output) -> None:
    per_mentor = mentor_workforce(
        out.study("mentors"),
        out.study("families"),
        out.study("contacts"),
        data_cutoff=p.config["study"]["data_cutoff"],
    )
    summary = publish_workforce_summary(
        summarize_workforce(per_mentor), min_cell_size=p.config["disclosure"]["min_cell_size"]
    )
    out.parquet(per_mentor, PER_MENTOR)
    out.csv(summary, "tables/workforce.csv")


# --- stratify: workflow/scripts/rural_urban.py ---


def rural_urban(p: Project, out: Output) -> None:
    s = p.config["stratify"]
    min_cell = p.config["disclosure"]["min_cell_size"]
    per_family = out.read_parquet(PROFILE)
    coding = describe_coding(p.config["rurality"]["rucc_rural_threshold"])
    common = {"test": s["test"], "adjust": s["adjust"], "alpha": s["alpha"], "seed": s["seed"]}
    comparison = stratify.compare_strata(
        per_family, n_boot=s["n_bootstrap"], min_cell_size=min_cell, coding=coding,
        continuity_correction=s["continuity_correction"], **common,
    )  # fmt: skip
    clustering = stratify.clustering_sensitivity(
        per_family, comparison=comparison, n_permutations=s["n_permutations"],
        statistic=s["permutation_statistic"], min_cell_size=min_cell, coding=coding, **common,
    )  # fmt: skip
    outcome = stratify.outcome_by_stratum(per_family, min_cell_size=min_cell)
    outcome["coding"] = coding
    published = publish_comparison(comparison, per_family, min_cell_size=min_cell)
    out.csv(published, "tables/rural_urban.csv")
    out.csv(clustering, "tables/rural_urban_clustering.csv")
    out.csv(publish_outcome(outcome, min_cell_size=min_cell), "tables/outcome_by_stratum.csv")


# --- model: workflow/scripts/outcome_models.py ---


def outcome_models(p: Project, out: Output) -> None:
    m = p.config["model"]
    min_cell = p.config["disclosure"]["min_cell_size"]
    per_family = out.read_parquet(PROFILE)
    sensitivity = dict(m.get("sensitivity", {}))
    fits = fit_models(
        per_family, primary=m["primary"], cluster=m["cluster"], sensitivity=sensitivity
    )
    for fit in fits:
        for warning in fit.warnings:
            log.warning("model %s: %s", fit.name, warning)
        for term, reason in fit.dropped.items():
            log.warning("model %s: term %s not estimable: %s", fit.name, term, reason)
    coefficients = tidy_coefficients(fits)
    frame = model_frame(per_family, m["primary"], m["cluster"])
    gap = visit_gap(per_family)
    gap_table = pd.DataFrame([{k: v for k, v in gap.items() if k != "excluded"}])
    counts = ["n", "events", "clusters"]
    out.csv(_publish(coefficients, counts, min_cell), "models/coefficients.csv")
    out.csv(rank_predictors(frame, m["primary"], m["cluster"]), "models/predictor_ranking.csv")
    diagnostics = publish_diagnostics(fits, frame, m["primary"], min_cell_size=min_cell)
    out.csv(diagnostics, "models/diagnostics.csv")
    out.csv(_publish(gap_table, ["n_unified", "n_separated"], min_cell), "models/visit_gap.csv")
    out.text("\n\n".join(model_summary_text(f) for f in fits), "models/summaries.txt")
    out.json(replication_values(coefficients, gap), MODEL_VALUES)


def _publish(table, counts, min_cell_size):
    return suppress_small_cells(table, count_columns=counts, min_cell_size=min_cell_size)


# --- report: workflow/scripts/replication_table.py ---


def replication(p: Project, out: Output) -> None:
    cfg = p.config
    per_mentor = out.read_parquet(PER_MENTOR)
    computed = p1_p3_p6_computed(
        summarize_profile(out.read_parquet(PROFILE)),
        summarize_early_engagement(
            out.read_parquet(EARLY), n_contacts=cfg["early_engagement"]["n_contacts"]
        ),
        summarize_workforce(per_mentor),
    )
    computed |= out.read_json(MODEL_VALUES)
    p4, p4_definition = p4_computed(out.read_csv("tables/rural_urban.csv"))
    computed |= p4
    stable = int((per_mentor["outcome_group"] == "stable_or_advanced").sum())
    bases = {"pct_mentors_stable_or_advanced": (stable, len(per_mentor) - stable)}
    table = publish_replication(
        replication_rows(computed, _definitions(cfg) | p4_definition),
        bases=bases,
        min_cell_size=cfg["disclosure"]["min_cell_size"],
    )
    out.csv(table, "tables/replication.csv")


def _definitions(cfg: dict) -> dict:
    """This run's definitions, with the P5 wording replication_table.py adds."""
    definitions = run_definitions(
        n_contacts=cfg["early_engagement"]["n_contacts"],
        anchor=cfg["early_engagement"]["anchor"],
        count_statuses=tuple(cfg["profile"]["count_statuses"]),
        hours_include_collateral=cfg["profile"]["hours_include_collateral"],
        data_cutoff=cfg["study"]["data_cutoff"],
    )
    model = f"primary model {cfg['model']['primary']}"
    return definitions | {
        "or_face_to_face_with_children": f"OR of unification per face-to-face visit; {model}",
        "or_no_show_or_refusal_separation": f"1 / OR of unification per no-show/refusal; {model}",
        "face_to_face_gap": "mean face-to-face contacts with children, unified minus separated",
    }


# --- figures: workflow/scripts/figures.py, one function per figure rule ---


def figure_service_profile(p: Project, out: Output) -> None:
    min_cell = p.config["disclosure"]["min_cell_size"]
    per_family = out.read_parquet(PROFILE)
    distribution = figures.service_distribution(per_family, min_cell_size=min_cell)
    out.figure(distribution, "service_distribution")
    mix = figures.service_mix_table(per_family, min_cell_size=min_cell)
    out.figure(figures.service_mix(mix, min_cell_size=min_cell), "service_mix")


def figure_early_engagement(p: Project, out: Output) -> None:
    cfg = p.config
    anchor = cfg["early_engagement"]["anchor"]
    curve = figures.cumulative_contacts_curve(
        out.study("contacts"),
        out.study("families"),
        days=EARLY_WINDOW_DAYS,
        anchor=anchor,
        count_statuses=cfg["profile"]["count_statuses"],
        data_cutoff=cfg["study"]["data_cutoff"],
    )
    # The published (rounded) value, as the figure job reads it from the CSV.
    summary = out.read_csv("tables/early_engagement.csv")
    observed = summary.loc[summary["group_type"] == "overall", "days_to_nth_mean"].iloc[0]
    fig = figures.early_engagement_curve(
        curve,
        n_contacts=cfg["early_engagement"]["n_contacts"],
        anchor=anchor,
        observed_days_to_nth=observed,
        min_cell_size=cfg["disclosure"]["min_cell_size"],
    )
    out.figure(fig, "early_engagement")


def figure_outcome_models(p: Project, out: Output) -> None:
    m = p.config["model"]
    min_cell = p.config["disclosure"]["min_cell_size"]
    coefficients = out.read_csv("models/coefficients.csv")
    out.figure(figures.odds_ratio_forest(coefficients, min_cell_size=min_cell), "odds_ratios")
    per_family = out.read_parquet(PROFILE)
    curve = figures.unification_curve(
        per_family, m["primary"], m["cluster"], predictor=HEADLINE_PREDICTOR
    )
    for note in curve.notes:
        log.warning("primary model refit: %s", note)
    fig = figures.unification_curve_figure(curve, min_cell_size=min_cell)
    out.figure(fig, "unification_curve")


def figure_workforce(p: Project, out: Output) -> None:
    table = out.read_csv("tables/workforce.csv")
    min_cell = p.config["disclosure"]["min_cell_size"]
    out.figure(figures.workforce_exits(table, min_cell_size=min_cell), "workforce_exits")


def figure_rural_urban(p: Project, out: Output) -> None:
    comparison = out.read_csv("tables/rural_urban.csv")
    min_cell = p.config["disclosure"]["min_cell_size"]
    out.figure(figures.rural_urban_effects(comparison, min_cell_size=min_cell), "rural_urban")


# --- running ---


def stages(sites: list[str]) -> list[tuple[str, Stage]]:
    """Every job of `snakemake analysis`, named by rule, in an order its DAG allows."""
    per_site = []
    for site in sites:
        per_site += [(f"ingest_site:{site}", partial(ingest, site))]
        per_site += [(f"clean_site:{site}", partial(clean, site))]
    return [
        *per_site,
        ("combine_sites", combine),
        ("family_profile", profile),
        ("service_summaries", service_summaries),
        ("workforce", workforce),
        ("rural_urban", rural_urban),
        ("outcome_models", outcome_models),
        ("replication_table", replication),
        ("figure_service_profile", figure_service_profile),
        ("figure_early_engagement", figure_early_engagement),
        ("figure_outcome_models", figure_outcome_models),
        ("figure_workforce", figure_workforce),
        ("figure_rural_urban", figure_rural_urban),
    ]


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
