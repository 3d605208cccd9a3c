"""Rule replication_table (workflow/rules/report.smk): each published figure of the paper
beside this run's value."""

import json
from pathlib import Path

import pandas as pd

from peermentor.analysis.engagement import summarize_early_engagement
from peermentor.analysis.profile import summarize_profile
from peermentor.analysis.workforce import summarize_workforce
from peermentor.io import write_csv
from peermentor.publish.disclosure import format_replication, publish_replication
from peermentor.publish.replication import (
    p1_p3_p6_computed,
    p4_computed,
    replication_rows,
    run_definitions,
)
from peermentor.runner import run_step


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


run_step(snakemake, replication_table)
