# Shared helpers: config validation, site configs, paths. No heavy I/O at parse time.
import os
import shlex
import sys
import time
from pathlib import Path

from peermentor.config import load_interviews, load_workflow_configs
from peermentor.errors import PeermentorError
from peermentor.ingest.files import site_files, source_files
from peermentor.runner import cancel_rescheduling_timers, code_files

# One validation path with `peermentor site check`: the package validates the study
# config in place (filling the schema defaults the rules read) and loads every site
# config. A mistake is printed as the same short message (file, line, key, fix) and
# the run stops there: no traceback, no schema dump.
try:
    SITE_CONFIGS = load_workflow_configs(
        config,
        config_file="config/config.yaml",
        schema_dir=Path(workflow.current_basedir).parent / "schemas",
    )
    # The interview strand's mapping (None when interviews.enabled is false).
    INTERVIEWS = load_interviews(
        config, schema_dir=Path(workflow.current_basedir).parent / "schemas"
    )
except PeermentorError as _err:
    print(f"error: {_err}", file=sys.stderr)
    sys.exit(1)

# Which report `snakemake --report` builds (docs/disclosure.md): "public" for
# results/report.html (published tables, figures, notebooks: may leave the data
# environment) or, with `--config report=audit`, "audit" for the reviewers' report that
# adds the exact reconciliation counts, data quality, model diagnostics, the manifest and
# the disclosure audit (stays inside the data environment).
REPORT = config["report"]


def audit_only(path, **kwargs):
    """``path`` flagged for the report only when the reviewers' audit report is built."""
    return report(path, **kwargs) if REPORT == "audit" else path


SITES = config["sites"]

TABLES = ["families", "contacts", "mentors"]
# The manifest records how the run was started. Passed by environment, not params,
# so that a dry run or another flag does not count as a change that reruns it.
os.environ.setdefault("PEERMENTOR_SNAKEMAKE_COMMAND", shlex.join(sys.argv))
FIGURES = [
    "service_distribution",
    "service_mix",
    "early_engagement",
    "rural_urban",
    "odds_ratios",
    "unification_curve",
    "workforce_exits",
]
WORKFLOW_DIR = Path(workflow.current_basedir).parent
PROJECT_DIR = WORKFLOW_DIR.parent
# The imports found in each package module, by its content: every Snakemake process (run,
# dry run, report, cluster job) parses only the modules that changed (peermentor.runner).
IMPORTS_CACHE = Path(".snakemake", "peermentor", "imports.json")


def script_code(script, *notebooks):
    """The package modules a rule's script (and notebooks) import, found by peermentor.runner.

    They are the rule's inputs: editing any module the step runs reruns it and what follows.
    """
    scripts = [
        WORKFLOW_DIR / "scripts" / script,
        *(PROJECT_DIR / nb for nb in notebooks),
    ]
    return code_files(*scripts, cache=IMPORTS_CACHE)


def site_config_file(wildcards):
    return str(Path(config["sites_dir"]) / f"{wildcards.site}.yaml")


def site_raw_files(wildcards):
    """Every file a site reads (tables may share a workbook or roster; REDCap dictionaries)."""
    return source_files(SITE_CONFIGS[wildcards.site])


def all_raw_files():
    return sorted({f for cfg in SITE_CONFIGS.values() for f in source_files(cfg)})


def interview_mapping_file(wildcards):
    return config["interviews"]["mapping"]


def interview_mapping(wildcards):
    """The interview mapping, validated with its defaults (the job's params)."""
    return INTERVIEWS


def interview_export(wildcards):
    return INTERVIEWS["export"]["path"]


def interview_roster_files(wildcards=None):
    """The roster the interview mapping names (none when the export holds the roles)."""
    return [INTERVIEWS["roster"]["path"]] if INTERVIEWS and INTERVIEWS["roster"] else []


def interview_demo_paths():
    """What the demo writes for the interview strand (export, roster, truth), or None."""
    if not INTERVIEWS:
        return None
    return {
        "export": INTERVIEWS["export"]["path"],
        "roster": INTERVIEWS["roster"]["path"] if INTERVIEWS["roster"] else None,
        "truth": config["demo"]["interviews_truth_file"],
    }


def interview_demo_files():
    paths = interview_demo_paths() or {}
    return [path for path in paths.values() if path]


INTERVIEW_TABLES = [
    "prevalence",
    "cooccurrence",
    "agreement",
    "saturation",
    "quotes",
    "replication",
    "joint_display",
    "coreq",
]
INTERVIEW_FIGURES = ["interview_themes_by_role", "interview_saturation"]


def interview_outputs():
    """The interview strand's tables and figures (when enabled): canonical tables,
    quarantine, the published tables, the audit-only ones and the figures."""
    if not INTERVIEWS:
        return []
    return [
        *expand(
            "results/interim/interviews/{table}.parquet",
            table=["documents", "units", "codings", "themes", "presence", "agreement"],
        ),
        "results/quarantine/interviews/codings.csv",
        "results/tables/interviews_reconciliation.csv",
        "results/tables/interviews_exact.csv",
        "results/tables/interviews_segments.csv",
        *expand("results/tables/interviews/{table}.csv", table=INTERVIEW_TABLES),
        *expand(
            "results/figures/{figure}.{ext}",
            figure=INTERVIEW_FIGURES,
            ext=["png", "svg"],
        ),
    ]


def interview_table(name):
    """A canonical interview table's path, or nothing when interviews are off."""
    return f"results/interim/interviews/{name}.parquet" if INTERVIEWS else []


def interview_notebooks():
    return ["results/notebooks/partnership.html"] if INTERVIEWS else []


def manifest_outputs():
    """Every table and model output of the run (the manifest checksums them)."""
    return [
        *expand("results/quarantine/{site}/{table}.csv", site=SITES, table=TABLES),
        *expand("results/interim/study/{table}.parquet", table=TABLES),
        "results/tables/reconciliation.csv",
        "results/tables/data_quality.csv",
        "results/tables/family_profile.parquet",
        "results/tables/service_profile.csv",
        "results/tables/early_engagement.csv",
        "results/tables/workforce.csv",
        "results/tables/rural_urban.csv",
        "results/tables/rural_urban_clustering.csv",
        "results/tables/outcome_by_stratum.csv",
        "results/models/coefficients.csv",
        "results/models/predictor_ranking.csv",
        "results/models/diagnostics.csv",
        "results/models/visit_gap.csv",
        "results/models/summary.txt",
        "results/models/summaries.txt",
        "results/tables/replication.csv",
        *expand("results/figures/{figure}.{ext}", figure=FIGURES, ext=["png", "svg"]),
        *interview_outputs(),
    ]


def all_targets():
    return [
        "results/manifest.json",
        *expand("results/figures/{figure}.{ext}", figure=FIGURES, ext=["png", "svg"]),
        "results/notebooks/study.html",
        *expand("results/notebooks/site_{site}.html", site=SITES),
        *interview_notebooks(),
        "results/tables/reconciliation.csv",
        "results/tables/data_quality.csv",
        "results/tables/service_profile.csv",
        "results/tables/early_engagement.csv",
        "results/tables/workforce.csv",
        "results/tables/rural_urban.csv",
        "results/models/coefficients.csv",
        "results/tables/replication.csv",
        # Fails the run when a suppressed count can be recovered, so `make run` builds
        # no public report from outputs that leak.
        "results/audit/disclosure_audit.csv",
        *interview_outputs(),
    ]


def site_config_params(wildcards):
    return SITE_CONFIGS[wildcards.site]


def sql_spec(wildcards):
    """A SQL table's sql: block (the URL's variable name, never the URL)."""
    table = SITE_CONFIGS[wildcards.site]["tables"][wildcards.table]
    if table["format"] != "sql":
        raise PeermentorError(
            f"site {wildcards.site}, table {wildcards.table} is not read from a database"
        )
    return table["sql"]


def sql_read_token(wildcards):
    """sql.refresh: true gives a new value at every run, so the params trigger re-reads it."""
    return time.time_ns() if sql_spec(wildcards).get("refresh") else 0
