"""Rules of workflow/rules/interviews.smk after ingestion: the partnership study's analyses
(Sears et al. 2017), their published tables, the replication rows, the joint display, the
COREQ items and the figures.

The analyses read the canonical tables and write published tables through the
``publish.interviews`` policies (prevalence as words or counts, no interview ids, no text);
exact counts and the coded segments go to audit-only tables. The joint display, COREQ items
and figures read published tables. One script serves these rules; the job is the function
named like the rule.
"""

import matplotlib

matplotlib.use("Agg")  # no display; the same renderer on every machine (the figure rule)

import pandas as pd

from peermentor.analysis import interviews as analysis
from peermentor.figures import interviews as interview_figures
from peermentor.figures import save_figure
from peermentor.ingest import interviews
from peermentor.io import write_csv, write_parquet
from peermentor.publish import interviews as publish
from peermentor.publish import partnership
from peermentor.runner import run_step


def read_published(path) -> pd.DataFrame:
    """A published table as its printed strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _canonical(input, *names: str) -> list[pd.DataFrame]:
    return [pd.read_parquet(getattr(input, name)) for name in names]


def interview_presence(input, output, params) -> None:
    """Each theme's presence per interview (processes rolled up; the configured rule)."""
    codings, documents, themes = _canonical(input, "codings", "documents", "themes")
    presence = analysis.theme_presence(
        codings, documents, themes, rule=params.presence_rule, primary_coder=params.primary_coder
    )
    write_parquet(presence, output.presence)


def interview_prevalence(input, output, params) -> None:
    """Prevalence by role: exact (audit only) and as the public report prints it."""
    presence, documents, themes = _canonical(input, "presence", "documents", "themes")
    exact = analysis.prevalence_by_role(presence, documents, themes)
    write_csv(exact, output.exact)
    p = params.prevalence
    shown = publish.publish_prevalence(
        exact, report_as=p["report_as"], words=p["words"], min_cell_size=params.min_cell_size
    )
    write_csv(shown, output.prevalence)


def interview_cooccurrence(input, output, params) -> None:
    """Interviews in which two themes are both present, as words or counts."""
    presence, documents, themes = _canonical(input, "presence", "documents", "themes")
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


def interview_agreement(input, output, params) -> None:
    """Agreement of the coders on the double-coded interviews, document and unit level."""
    codings, units, documents, themes = _canonical(input, "codings", "units", "documents", "themes")
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
    write_parquet(table, output.exact)
    write_csv(publish.publish_agreement(table, params.decimals), output.agreement)


def interview_saturation(input, output, params) -> None:
    """New themes per interview in interview order (no interview ids)."""
    presence, documents, themes = _canonical(input, "presence", "documents", "themes")
    saturation = analysis.theme_saturation(presence, documents, themes)
    write_csv(publish.publish_saturation(saturation), output.saturation)


def interview_quotes(input, output, params) -> None:
    """The config-approved quotes, de-identified (the only transcript text made public)."""
    codings, documents, themes = _canonical(input, "codings", "documents", "themes")
    deidentify = params.deidentify
    quotes = publish.approved_quotes(
        codings,
        documents,
        themes,
        params.approved,
        names=deidentify["names"],
        places=deidentify["places"],
    )
    write_csv(quotes, output.quotes)


def interview_segments(input, output, params) -> None:
    """Every mapped coding with its text (audit report only: the text never goes public)."""
    write_csv(publish.coded_segments(*_canonical(input, "codings", "themes")), output.segments)


def partnership_replication(input, output, params) -> None:
    """The paper's figures (22 interviews, 9/9/4, four processes, kappa .90 on 12) beside
    this run's."""
    documents, presence, themes, agreement = _canonical(
        input, "documents", "presence", "themes", "agreement"
    )
    computed = partnership.partnership_computed(
        documents, presence, themes, partnership.pooled_kappa(agreement)
    )
    table = partnership.partnership_replication(computed, params.decimals["effect"])
    write_csv(table, output.replication)


def joint_display(input, output, params) -> None:
    """The quantitative findings (P1-P6) beside the themes the config links them to."""
    table = partnership.joint_display(
        params.links, read_published(input.replication), read_published(input.prevalence)
    )
    write_csv(table, output.joint_display)


def coreq(input, output, params) -> None:
    """The COREQ items the data can fill (interviews by role, coders, software, agreement,
    saturation, quotes)."""
    documents, codings, agreement = _canonical(input, "documents", "codings", "agreement")
    table = partnership.coreq_items(
        documents,
        sorted(codings["coder"].astype(str).unique()),
        interviews.read_export(
            {**params.mapping, "export": {**params.mapping["export"], "path": input.export}}
        ).tool,
        publish.agreement_sentence(agreement, params.decimals),
        read_published(input.saturation),
        n_quotes=len(read_published(input.quotes)),
    )
    write_csv(table, output.coreq)


def figure_interviews(input, output, params) -> None:
    """Themes by role (heatmap) and the saturation curve, from the published tables."""
    heatmap = interview_figures.theme_role_heatmap(read_published(input.prevalence))
    save_figure(heatmap, output.heatmap_png, output.heatmap_svg)
    curve = interview_figures.saturation_curve(read_published(input.saturation))
    save_figure(curve, output.saturation_png, output.saturation_svg)


run_step(snakemake, globals()[snakemake.rule])
