"""Rule outcome_models (workflow/rules/outcome.smk): what predicts unification at case closure
(P5), and the predicted curve the figure draws (the figures never refit)."""

import pandas as pd

from peermentor.analysis.outcome import (
    fit_models,
    model_frame,
    model_summary_text,
    prediction_curve,
    rank_predictors,
    replication_values,
    tidy_coefficients,
    visit_gap,
)
from peermentor.io import write_csv, write_json, write_text
from peermentor.publish.disclosure import format_published
from peermentor.publish.outcome import (
    MODEL_KINDS,
    publish_diagnostics,
    publish_model_table,
    readable_summary,
)
from peermentor.runner import log, run_step


def outcome_models(input, output, params) -> None:
    """Coefficients, predictor ranking, diagnostics, visit gap, the public summary, the raw
    statsmodels summaries (audit only) and the P5 values."""
    p = params
    profile = pd.read_parquet(input.profile)
    fits = fit_models(
        profile, primary=p.primary, cluster=p.cluster, sensitivity=dict(p.sensitivity)
    )
    for fit in fits:
        for warning in fit.warnings:
            log.warning("model %s: %s", fit.name, warning)
        for term, reason in fit.dropped.items():
            log.warning("model %s: term %s not estimable: %s", fit.name, term, reason)
    coefficients = tidy_coefficients(fits)
    frame = model_frame(profile, p.primary, p.cluster)
    ranking = rank_predictors(frame, p.primary, p.cluster)
    diagnostics = publish_diagnostics(fits, frame, p.primary, min_cell_size=p.min_cell_size)
    gap = visit_gap(profile)
    gap_table = pd.DataFrame([{k: v for k, v in gap.items() if k != "excluded"}])

    published = {
        "coefficients": _publish(coefficients, ["n", "events", "clusters"], p),
        "ranking": _publish(ranking, [], p),
        "visit_gap": _publish(gap_table, ["n_unified", "n_separated"], p),
    }
    for name, table in published.items():
        write_csv(table, getattr(output, name))
    write_csv(diagnostics, output.diagnostics)
    write_text(readable_summary(published["coefficients"]), output.summary)
    # statsmodels' full-precision text, with exact counts: the audit report only.
    write_text("\n\n".join(model_summary_text(f) for f in fits), output.summaries)
    write_json(replication_values(coefficients, gap), output.computed)
    # The figure draws this curve: the primary fit's prediction, so the figures never refit.
    curve = prediction_curve(fits[0], frame, predictor=p.predictor)
    write_json(curve.to_dict(), output.curve)


def _publish(table: pd.DataFrame, counts: list[str], p) -> pd.DataFrame:
    """Small ``counts`` suppressed, every statistic rounded and printed at its precision."""
    rounded = publish_model_table(
        table, counts=counts, min_cell_size=p.min_cell_size, decimals=p.decimals
    )
    return format_published(rounded, p.decimals, MODEL_KINDS)


run_step(snakemake, outcome_models)
