"""Interview jobs (workflow/rules/interviews.smk): the partnership study (Sears et al. 2017).

``ingest_interviews`` reads the coded export and roster its mapping names and writes the
canonical interview tables (interim, never public), the quarantine and the reconciliation.

The analyses read the canonical tables and write published tables through the
``publish.interviews`` policies (prevalence as words or counts, no interview ids, no text);
exact counts and the coded segments go to audit-only tables. The joint display, COREQ items,
figures and notebook read published tables; the replication rows read the canonical tables
and the exact agreement.
"""

from __future__ import annotations

import pandas as pd

from peermentor.analysis import interviews as analysis
from peermentor.analysis.estimable import not_estimable
from peermentor.ingest import interviews
from peermentor.ingest.pseudonymize import resolve_salt
from peermentor.io import write_csv, write_parquet
from peermentor.publish import interviews as publish
from peermentor.publish import partnership
from peermentor.report.figures import interviews as interview_figures
from peermentor.report.figures import save_figure
from peermentor.runner import log


def ingest_interviews(input, output, params) -> None:
    """Export + roster -> documents, units, codings, themes; quarantine; reconciliation."""
    salt = resolve_salt(**params.pseudonymization)
    mapping = {**params.mapping, "export": {**params.mapping["export"], "path": input.export}}
    if mapping["roster"]:
        mapping["roster"] = {**mapping["roster"], "path": input.roster[0]}
    tables = interviews.ingest_interviews(mapping, salt=salt)
    for name in ("documents", "units", "codings", "themes"):
        write_parquet(getattr(tables, name), getattr(output, name))
    write_csv(tables.quarantine, output.quarantine)
    write_csv(tables.reconciliation, output.reconciliation)
    counts = tables.reconciliation.set_index(["kind", "item"])["codings"]
    log.info(
        "%d interviews (%d double-coded), %d units; codings: %d in, %d mapped, %d unmapped, "
        "%d quarantined",
        len(tables.documents),
        int(tables.documents["double_coded"].sum()),
        len(tables.units),
        counts["codings", "in"],
        counts["codings", "mapped"],
        counts["codings", "unmapped"],
        counts["codings", "quarantined"],
    )


def read_published(path) -> pd.DataFrame:
    """A published table as its printed strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _canonical(input, *names: str) -> list[pd.DataFrame]:
    return [pd.read_parquet(getattr(input, name)) for name in names]


# --- the analyses ------------------------------------------------------------------------


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


SEGMENT_COLUMNS = ["coding_id", "document_id", "coder", "theme", "label", "unit", "start", "end"]


def interview_segments(input, output, params) -> None:
    """Every mapped coding with its text (audit report only: the text never goes public)."""
    codings, themes = _canonical(input, "codings", "themes")
    themes = themes[["theme", "label", "order"]]
    mapped = codings[codings["theme"].notna()].merge(themes, on="theme", how="left")
    mapped = mapped.sort_values(["document_id", "start", "order", "coder", "coding_id"])
    write_csv(mapped[[*SEGMENT_COLUMNS, "text"]], output.segments)


# --- beside the analyses: replication rows, joint display, COREQ, figures ----------------


def pooled_kappa(agreement: pd.DataFrame) -> float | str:
    """The pooled document-level kappa of the agreement table, or a not-estimable note."""
    row = agreement[(agreement["level"] == "document") & (agreement["theme"] == "pooled")]
    if row.empty:
        return not_estimable("no double-coded interview")
    kappa = float(row["kappa"].iloc[0])
    return kappa if pd.notna(kappa) else not_estimable(str(row["kappa_note"].iloc[0]))


def partnership_replication(input, output, params) -> None:
    """The paper's figures (22 interviews, 9/9/4, four processes, kappa .90 on 12) beside
    this run's."""
    documents, presence, themes, agreement = _canonical(
        input, "documents", "presence", "themes", "agreement"
    )
    computed = partnership.partnership_computed(
        documents, presence, themes, pooled_kappa(agreement)
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
