"""Rules interview_analyses and joint_display (workflow/rules/interviews.smk): the partnership
study's analyses (Sears et al. 2017), their published tables, the replication rows, the COREQ
items, and the joint display beside the quantitative findings.

The analyses read the canonical tables and write published tables through the
``publish.interviews`` policies (prevalence as words or counts, no interview ids, no text);
exact counts and the coded segments go to audit-only tables. The joint display reads
published tables. The job is the function named like the rule; the interview figures are
drawn by scripts/figures.py.
"""

import pandas as pd

from peermentor.analysis import interviews as analysis
from peermentor.ingest import interviews
from peermentor.io import read_published, write_csv, write_parquet
from peermentor.publish import interviews as publish
from peermentor.publish import partnership
from peermentor.runner import run_step


def interview_analyses(input, output, params) -> None:
    """Every analysis of the coded interviews, in one job, each writing its own tables.

    Presence and the exact agreement are written first and read back, so the analyses
    after them read what a reviewer reads."""
    codings, units, documents, themes = (
        pd.read_parquet(getattr(input, name))
        for name in ("codings", "units", "documents", "themes")
    )
    write_parquet(theme_presence(codings, documents, themes, params), output.presence)
    presence = pd.read_parquet(output.presence)
    prevalence(presence, documents, themes, output, params)
    cooccurrence(presence, documents, themes, output, params)
    write_agreement(codings, units, documents, themes, output, params)
    agreement = pd.read_parquet(output.agreement_exact)
    saturation = analysis.theme_saturation(presence, documents, themes)
    write_csv(publish.publish_saturation(saturation), output.saturation)
    quotes(codings, documents, themes, output, params)
    # Every mapped coding with its text (audit report only: the text never goes public).
    write_csv(publish.coded_segments(codings, themes), output.segments)
    replication(documents, presence, themes, agreement, output, params)
    coreq(documents, codings, agreement, input, output, params)


def theme_presence(codings, documents, themes, params) -> pd.DataFrame:
    """Each theme's presence per interview (processes rolled up; the configured rule)."""
    return analysis.theme_presence(
        codings, documents, themes, rule=params.presence_rule, primary_coder=params.primary_coder
    )


def prevalence(presence, documents, themes, output, params) -> None:
    """Prevalence by role: exact (audit only) and as the public report prints it."""
    exact = analysis.prevalence_by_role(presence, documents, themes)
    write_csv(exact, output.exact)
    p = params.prevalence
    shown = publish.publish_prevalence(
        exact, report_as=p["report_as"], words=p["words"], min_cell_size=params.min_cell_size
    )
    write_csv(shown, output.prevalence)


def cooccurrence(presence, documents, themes, output, params) -> None:
    """Interviews in which two themes are both present, as words or counts."""
    p = params.prevalence
    shown = publish.publish_cooccurrence(
        analysis.theme_cooccurrence(presence, themes),
        len(documents),
        report_as=p["report_as"],
        words=p["words"],
        min_cell_size=params.min_cell_size,
        decimals=params.decimals,
    )
    write_csv(shown, output.cooccurrence)


def write_agreement(codings, units, documents, themes, output, params) -> None:
    """Agreement of the coders on the double-coded interviews, document and unit level."""
    a = params.agreement
    options = {
        "n_bootstrap": a["bootstrap"],
        "seed": a["seed"],
        "resample": a["resample"],
        "roll_up": a["roll_up"],
    }
    table = pd.concat(
        [
            analysis.document_agreement(codings, documents, themes, **options),
            analysis.unit_agreement(codings, units, documents, themes, **options),
        ],
        ignore_index=True,
    )
    write_parquet(table, output.agreement_exact)
    write_csv(publish.publish_agreement(table, params.decimals), output.agreement)


def quotes(codings, documents, themes, output, params) -> None:
    """The config-approved quotes, de-identified (the only transcript text made public)."""
    deidentify = params.deidentify
    table = publish.approved_quotes(
        codings,
        documents,
        themes,
        params.approved,
        names=deidentify["names"],
        places=deidentify["places"],
    )
    write_csv(table, output.quotes)


def replication(documents, presence, themes, agreement, output, params) -> None:
    """The paper's figures (22 interviews, 9/9/4, four processes, kappa .90 on 12) beside
    this run's."""
    computed = partnership.partnership_computed(
        documents, presence, themes, partnership.pooled_kappa(agreement)
    )
    table = partnership.partnership_replication(computed, params.decimals["effect"])
    write_csv(table, output.replication)


def coreq(documents, codings, agreement, input, output, params) -> None:
    """The COREQ items the data can fill (interviews by role, coders, software, agreement,
    saturation, quotes), from the tables this job has written."""
    table = partnership.coreq_items(
        documents,
        sorted(codings["coder"].astype(str).unique()),
        interviews.read_export(
            {**params.mapping, "export": {**params.mapping["export"], "path": input.export}}
        ).tool,
        publish.agreement_sentence(agreement, params.decimals),
        read_published(output.saturation),
        n_quotes=len(read_published(output.quotes)),
    )
    write_csv(table, output.coreq)


def joint_display(input, output, params) -> None:
    """The quantitative findings (P1-P6) beside the themes the config links them to."""
    table = partnership.joint_display(
        params.links, read_published(input.replication), read_published(input.prevalence)
    )
    write_csv(table, output.joint_display)


run_step(snakemake, globals()[snakemake.rule])
