"""Report jobs (workflow/rules/report.smk): the replication table (each published figure beside
this run's value) and the run manifest."""

import json
import os
from pathlib import Path

import pandas as pd

from peermentor.analysis.engagement import summarize_early_engagement
from peermentor.analysis.profile import summarize_profile
from peermentor.analysis.workforce import summarize_workforce
from peermentor.io import write_csv, write_json
from peermentor.publish.disclosure import format_replication, publish_replication
from peermentor.publish.manifest import build_manifest
from peermentor.publish.replication import (
    p1_p3_p6_computed,
    p4_computed,
    replication_rows,
    run_definitions,
)


def replication_table(input, output, params) -> None:
    """The published replication table, from the per-family, per-mentor and model results."""
    p = params
    per_mentor = pd.read_parquet(input.per_mentor)
    computed = p1_p3_p6_computed(
        summarize_profile(pd.read_parquet(input.profile)),
        summarize_early_engagement(pd.read_parquet(input.early), n_contacts=p.n_contacts),
        summarize_workforce(per_mentor),
    )
    computed |= json.loads(Path(input.model).read_text())
    p4, p4_definition = p4_computed(pd.read_csv(input.comparison))
    computed |= p4
    definitions = run_definitions(
        n_contacts=p.n_contacts,
        anchor=p.anchor,
        count_statuses=tuple(p.count_statuses),
        hours_include_collateral=p.hours_include_collateral,
        data_cutoff=p.data_cutoff,
    )
    model = f"primary model {p.primary}"
    definitions |= {
        "or_face_to_face_with_children": f"OR of unification per face-to-face visit; {model}",
        "or_no_show_or_refusal_separation": f"1 / OR of unification per no-show/refusal; {model}",
        "face_to_face_gap": "mean face-to-face contacts with children, unified minus separated",
    }
    definitions |= p4_definition
    stable = int((per_mentor["outcome_group"] == "stable_or_advanced").sum())
    bases = {"pct_mentors_stable_or_advanced": (stable, len(per_mentor) - stable)}
    table = publish_replication(
        replication_rows(computed, definitions),
        bases=bases,
        min_cell_size=p.min_cell_size,
        decimals=p.decimals,
    )
    write_csv(format_replication(table, p.decimals), output.replication)


def manifest(input, output, params, code_dir: str) -> None:
    """Checksums of every input and output, with the config, package versions and git state.

    ``code_dir``: where the code's git state (commit, dirty) is read, the workflow's scripts dir
    (Snakemake's ``scriptdir``; not a param, whose absolute path would change with the checkout).
    """
    result = build_manifest(
        inputs=[*input.raw, *input.site_configs],
        outputs=list(input.results),
        config=dict(params.config),
        code_dir=code_dir,
        # By environment, not a param: how the run was started is recorded, but a dry run or
        # another flag must not count as a change that reruns this job (common.smk).
        command=os.environ.get("PEERMENTOR_SNAKEMAKE_COMMAND", "unknown"),
    )
    write_json(result, output.manifest)
