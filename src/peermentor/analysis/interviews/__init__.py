"""The partnership study's interview analyses (Sears et al. 2017), on the canonical tables.

Inputs are the interim tables of ``ingest_interviews`` (documents, units, codings, themes;
docs/design.md section 11). Every function is pure, on DataFrames; outputs are in interview order
(``documents.order``) and the themes' display order.

Modules, their functions (signature -> output columns):

    presence     theme_presence(codings, documents, themes, *, rule="any_coder",
                     primary_coder=None) -> document_id, theme, present
                 coder_presence(codings, documents, themes, *, roll_up=True)
                     -> document_id, coder, theme, present
    units        unit_coder_presence(codings, units, documents, themes, *, roll_up=True)
                     -> document_id, unit, coder, theme, present
    prevalence   prevalence_by_role(presence, documents, themes)
                     -> theme, label, kind, role (all|caseworker|family_mentor|supervisor),
                        n_interviews, n_present, share
                 theme_cooccurrence(presence, themes)
                     -> theme_a, theme_b, n_a, n_b, n_both, n_either, jaccard
                 theme_saturation(presence, documents, themes)
                     -> order, document_id, n_themes_present, n_new_themes, new_themes,
                        n_themes_cumulative
    agreement    document_agreement(codings, documents, themes, *, n_bootstrap=1000, seed=0,
                     level=0.95, resample="documents", roll_up=False)
                 unit_agreement(codings, units, documents, themes, *, same keywords)
                     -> level, theme (each theme, then "pooled"), n_documents, n_items,
                        n_coders, percent_agreement, kappa, kappa_note, alpha,
                        alpha_ci_low, alpha_ci_high, alpha_note
    reliability  percent_agreement(data), cohens_kappa(a, b), pairwise_kappa(data),
                 krippendorff_alpha(data) -> (value, note);
                 bootstrap_alpha(data, *, groups, n_bootstrap, seed, level) -> (low, high, note)
                 on coders x items arrays (NaN = not coded)

The definitions (process roll-up, presence rules, pooled kappa, unit overlap, bootstrap) are
in each module's docstring and in docs/interviews.md. Publishing (prevalence words, small
counts, precision, quotes) is ``peermentor.publish.interviews``.
"""

from peermentor.analysis.interviews.agreement import (
    AGREEMENT_COLUMNS,
    POOLED,
    agreement_table,
    document_agreement,
    double_coded,
    reliability_data,
    unit_agreement,
)
from peermentor.analysis.interviews.presence import (
    PRESENCE_RULES,
    coder_presence,
    theme_ancestors,
    theme_presence,
)
from peermentor.analysis.interviews.prevalence import (
    ALL_ROLES,
    COOCCURRENCE_COLUMNS,
    PREVALENCE_COLUMNS,
    ROLES,
    SATURATION_COLUMNS,
    prevalence_by_role,
    theme_cooccurrence,
    theme_saturation,
)
from peermentor.analysis.interviews.reliability import (
    bootstrap_alpha,
    cohens_kappa,
    krippendorff_alpha,
    pairwise_kappa,
    percent_agreement,
)
from peermentor.analysis.interviews.units import unit_coder_presence

__all__ = [
    "AGREEMENT_COLUMNS",
    "ALL_ROLES",
    "COOCCURRENCE_COLUMNS",
    "POOLED",
    "PRESENCE_RULES",
    "PREVALENCE_COLUMNS",
    "ROLES",
    "SATURATION_COLUMNS",
    "agreement_table",
    "bootstrap_alpha",
    "coder_presence",
    "cohens_kappa",
    "document_agreement",
    "double_coded",
    "krippendorff_alpha",
    "pairwise_kappa",
    "percent_agreement",
    "prevalence_by_role",
    "reliability_data",
    "theme_ancestors",
    "theme_cooccurrence",
    "theme_presence",
    "theme_saturation",
    "unit_agreement",
    "unit_coder_presence",
]
