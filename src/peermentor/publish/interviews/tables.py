"""The interview tables as the public report prints them.

Role groups are small (the paper's 4 supervisors), so prevalence is published either as the
words qualitative reports use or as counts, by config (``interviews.prevalence.report_as``):

- ``words``: all (every interview of the role), none (no interview), and otherwise by the
  share of the role's interviews: ``most`` at or above ``words.most``, ``about half`` at or
  above ``words.about_half``, ``some`` at or above ``words.some``, ``few`` below;
- ``counts``: the number of interviews, with counts from 1 to ``disclosure.min_cell_size - 1``
  replaced by the small-cell marker ("<11") and their complements within a theme (the roles
  sum to the "all" row) by "[c]", as for every other published table.

The number of interviews per role is the study's sample description (the paper publishes
9/9/4) and is shown. Agreement statistics are printed at fixed precision: kappa and alpha,
their interval, at the ``effect`` decimals (2: the paper's .90), percentage agreement and
shares at the ``share`` decimals (``disclosure.decimals``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from peermentor.errors import ConfigError
from peermentor.publish.disclosure import DEFAULT_DECIMALS, round_value, suppress_small_cells

REPORT_AS: tuple[str, ...] = ("words", "counts")
#: Lower bounds (share of the role's interviews) of the words between "few" and "all".
DEFAULT_WORDS: dict[str, float] = {"most": 0.6, "about_half": 0.4, "some": 0.2}
PUBLISHED_PREVALENCE_COLUMNS: list[str] = [
    "theme",
    "label",
    "kind",
    "role",
    "n_interviews",
    "prevalence",
    "suppressed",
]
PUBLISHED_SATURATION_COLUMNS: list[str] = [
    "order",
    "n_new_themes",
    "new_themes",
    "n_themes_cumulative",
]


def check_words(words: Mapping[str, float] | None) -> dict[str, float]:
    """The word thresholds, defaults filled in; they must rise: 0 < some <= about_half <= most
    <= 1."""
    merged = {**DEFAULT_WORDS, **(words or {})}
    unknown = sorted(set(merged) - set(DEFAULT_WORDS))
    key = "interviews.prevalence.words"
    if unknown:
        raise ConfigError(f"{key}: unknown words {unknown}; known: {sorted(DEFAULT_WORDS)}")
    if not 0 < merged["some"] <= merged["about_half"] <= merged["most"] <= 1:
        raise ConfigError(
            f"{key}: thresholds must rise, 0 < some <= about_half <= most <= 1; got "
            f"some {merged['some']}, about_half {merged['about_half']}, most {merged['most']}"
        )
    return merged


def prevalence_word(n_present: int, n_interviews: int, words: Mapping[str, float]) -> str:
    """The word for ``n_present`` of ``n_interviews`` (module docstring); "" for no interview."""
    if n_interviews == 0:
        return ""
    if n_present == n_interviews:
        return "all"
    if n_present == 0:
        return "none"
    share = n_present / n_interviews
    for word in ("most", "about_half", "some"):
        if share >= words[word]:
            return word.replace("_", " ")
    return "few"


def publish_prevalence(
    prevalence: pd.DataFrame,
    *,
    report_as: str = "words",
    words: Mapping[str, float] | None = None,
    min_cell_size: int = 11,
) -> pd.DataFrame:
    """``prevalence_by_role``'s table for the public report (``PUBLISHED_PREVALENCE_COLUMNS``)."""
    if report_as not in REPORT_AS:
        raise ConfigError(
            f"interviews.prevalence.report_as: {report_as!r} is not one of {', '.join(REPORT_AS)}"
        )
    table = prevalence.reset_index(drop=True)
    if report_as == "words":
        thresholds = check_words(words)
        out = table.assign(
            prevalence=[
                prevalence_word(int(k), int(n), thresholds)
                for k, n in zip(table["n_present"], table["n_interviews"], strict=True)
            ],
            suppressed=False,
        )
        return out[PUBLISHED_PREVALENCE_COLUMNS]
    hidden = suppress_small_cells(
        table,
        count_columns=["n_present"],
        min_cell_size=min_cell_size,
        total_row_mask=(table["role"] == "all").to_numpy(),
        group_columns=["theme"],
    )
    return hidden.rename(columns={"n_present": "prevalence"})[PUBLISHED_PREVALENCE_COLUMNS]


def publish_cooccurrence(
    cooccurrence: pd.DataFrame,
    n_interviews: int,
    *,
    report_as: str = "words",
    words: Mapping[str, float] | None = None,
    min_cell_size: int = 11,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Theme pairs: interviews with both themes as a word (of all ``n_interviews``), or as
    counts with small counts suppressed and the Jaccard index following its counts.

    In words mode the Jaccard index is left out: with the counts hidden, a ratio of two small
    counts would give them back.
    """
    table = cooccurrence.reset_index(drop=True)
    if report_as == "words":
        thresholds = check_words(words)
        both = [prevalence_word(int(k), n_interviews, thresholds) for k in table["n_both"]]
        return table[["theme_a", "theme_b"]].assign(both=both)
    counts = ["n_a", "n_b", "n_both", "n_either"]
    shown = table.assign(
        jaccard=[round_value(float(v), "effect", decimals) for v in table["jaccard"]]
    )
    return suppress_small_cells(
        shown,
        count_columns=counts,
        min_cell_size=min_cell_size,
        dependent_columns={"n_both": ["jaccard"], "n_either": ["jaccard"]},
    )


def publish_agreement(
    agreement: pd.DataFrame, decimals: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """The agreement table at fixed precision (module docstring); notes kept as they are."""
    out = agreement.copy()
    kinds = {
        "percent_agreement": "share",
        "kappa": "effect",
        "alpha": "effect",
        "alpha_ci_low": "effect",
        "alpha_ci_high": "effect",
    }
    for column, kind in kinds.items():
        out[column] = [round_value(float(v), kind, decimals) for v in out[column]]
    return out


def publish_saturation(saturation: pd.DataFrame) -> pd.DataFrame:
    """The saturation curve without the interview ids (``PUBLISHED_SATURATION_COLUMNS``)."""
    return saturation[PUBLISHED_SATURATION_COLUMNS].reset_index(drop=True)


def agreement_sentence(
    agreement: pd.DataFrame, decimals: Mapping[str, int] | None = None, level: float = 0.95
) -> str:
    """One sentence on the pooled document-level agreement, as the COREQ item prints it."""
    places = {**DEFAULT_DECIMALS, **(decimals or {})}["effect"]
    rows = agreement[(agreement["theme"] == "pooled") & (agreement["level"] == "document")]
    if rows.empty:
        return "not estimable: no double-coded interview"
    row = rows.iloc[0]
    if not np.isfinite(row["kappa"]):
        return f"pooled Cohen's kappa not estimable: {row['kappa_note']}"
    text = (
        f"pooled Cohen's kappa {row['kappa']:.{places}f} over {int(row['n_items'])} "
        f"interview x theme decisions of {int(row['n_documents'])} double-coded interviews"
    )
    if np.isfinite(row["alpha"]):
        text += f"; Krippendorff's alpha {row['alpha']:.{places}f}"
        if np.isfinite(row["alpha_ci_low"]):
            low, high = row["alpha_ci_low"], row["alpha_ci_high"]
            text += f" ({level:.0%} CI {low:.{places}f} to {high:.{places}f})"
    return text


SEGMENT_COLUMNS = ["coding_id", "document_id", "coder", "theme", "label", "unit", "start", "end"]


def coded_segments(codings: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Every mapped coding with its theme's label and its text, in document order (the audit
    report's table: the text never goes public)."""
    themes = themes[["theme", "label", "order"]]
    mapped = codings[codings["theme"].notna()].merge(themes, on="theme", how="left")
    mapped = mapped.sort_values(["document_id", "start", "order", "coder", "coding_id"])
    return mapped[[*SEGMENT_COLUMNS, "text"]]
