"""Publishing the interview strand (Sears et al. 2017): what its public report may print.

Modules, their functions (signature -> output):

    tables      publish_prevalence(prevalence, *, report_as="words", words=None,
                    min_cell_size=11)
                    -> theme, label, kind, role, n_interviews, prevalence, suppressed
                publish_cooccurrence(cooccurrence, n_interviews, *, report_as, words,
                    min_cell_size, decimals)
                    -> words: theme_a, theme_b, both; counts: the co-occurrence columns,
                       small counts and the Jaccard index suppressed, plus suppressed
                publish_agreement(agreement, decimals=None) -> the agreement columns, rounded
                publish_saturation(saturation)
                    -> order, n_new_themes, new_themes, n_themes_cumulative
                agreement_sentence(agreement, decimals=None, level=0.95) -> str
                prevalence_word(n_present, n_interviews, words) -> str
                check_words(words) -> the thresholds, defaults filled in
    deidentify  deidentify(text, *, names=(), places=()) -> str
    quotes      approved_quotes(codings, documents, themes, approved, *, names=(), places=())
                    -> quote, theme, label, role, text
                approved_codings(codings, approved) -> the approved coding rows
    coded_segments(codings, themes) -> every mapped coding with its text (audit only)

Policies: prevalence as words or counts (``tables``), de-identification (``deidentify``),
approved quotes only (``quotes``); docs/interviews.md says why.
"""

from peermentor.publish.interviews.deidentify import PATTERNS, TAGS, deidentify
from peermentor.publish.interviews.quotes import QUOTE_COLUMNS, approved_codings, approved_quotes
from peermentor.publish.interviews.tables import (
    DEFAULT_WORDS,
    PUBLISHED_PREVALENCE_COLUMNS,
    PUBLISHED_SATURATION_COLUMNS,
    REPORT_AS,
    agreement_sentence,
    check_words,
    coded_segments,
    prevalence_word,
    publish_agreement,
    publish_cooccurrence,
    publish_prevalence,
    publish_saturation,
)

__all__ = [
    "DEFAULT_WORDS",
    "PATTERNS",
    "PUBLISHED_PREVALENCE_COLUMNS",
    "PUBLISHED_SATURATION_COLUMNS",
    "QUOTE_COLUMNS",
    "REPORT_AS",
    "TAGS",
    "agreement_sentence",
    "approved_codings",
    "approved_quotes",
    "check_words",
    "coded_segments",
    "deidentify",
    "prevalence_word",
    "publish_agreement",
    "publish_cooccurrence",
    "publish_prevalence",
    "publish_saturation",
]
