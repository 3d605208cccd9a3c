"""Inter-coder agreement on the double-coded interviews, per theme and pooled.

Two levels, one table shape (``AGREEMENT_COLUMNS``):

- ``document``: the items are the double-coded interviews; a coder's value is whether the coder
  applied the theme in the interview (``coder_presence``);
- ``unit``: the items are the units (paragraphs) of those interviews; a coder's value is
  whether any of the coder's codings with the theme overlaps the unit (``unit_coder_presence``).

The themes are taken as coded by default (``roll_up=False``): a coder's decision on a process
is whether the coder applied the process code itself, so each of the mapping's codes is one
decision, as a coding comparison in a QDA tool counts them and as the demo's truth computes
its kappa. ``roll_up=True`` (config ``interviews.agreement.roll_up``) compares the presence
used for prevalence instead, a process being present when it or a subtheme is coded; the
process rows then repeat their subthemes' decisions.

Per theme, the items are that theme's decisions. The ``pooled`` row stacks every theme's
decisions (interview x theme, or unit x theme) into one 2 x 2 table: pooled Cohen's kappa is
kappa over all of them, the usual meaning of a study's single "pooled kappa .90", and pooled
alpha is alpha over the same stacked items. Every theme of the themes table takes part.

Percentage agreement is the share of items on which the coders agree; Cohen's kappa is for two
coders (for more, the mean pairwise kappa); Krippendorff's alpha is nominal, with a percentile
bootstrap interval (``n_bootstrap`` resamples, ``seed``) that resamples whole interviews
(``resample="documents"``, default: an interview's decisions are not independent) or single
items (``resample="items"``). Undefined values are NaN with the reason in ``kappa_note`` /
``alpha_note`` (e.g. a theme every coder found in every interview has no variation).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from peermentor.analysis.interviews.presence import coder_presence
from peermentor.analysis.interviews.reliability import (
    bootstrap_alpha,
    krippendorff_alpha,
    pairwise_kappa,
    percent_agreement,
)
from peermentor.analysis.interviews.units import unit_coder_presence
from peermentor.errors import InputError

POOLED = "pooled"
RESAMPLE = ("documents", "items")
AGREEMENT_COLUMNS: list[str] = [
    "level",
    "theme",
    "n_documents",
    "n_items",
    "n_coders",
    "percent_agreement",
    "kappa",
    "kappa_note",
    "alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "alpha_note",
]


def double_coded(documents: pd.DataFrame) -> pd.DataFrame:
    """The interviews coded by two or more coders (the documents table's ``double_coded``)."""
    return documents[documents["double_coded"].astype(bool)]


def document_agreement(
    codings: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    resample: str = "documents",
    roll_up: bool = False,
) -> pd.DataFrame:
    """Agreement on the themes of each double-coded interview (``AGREEMENT_COLUMNS``)."""
    decisions = coder_presence(codings, double_coded(documents), themes, roll_up=roll_up)
    return agreement_table(
        decisions,
        ["document_id"],
        themes,
        level_name="document",
        n_bootstrap=n_bootstrap,
        seed=seed,
        level=level,
        resample=resample,
    )


def unit_agreement(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    resample: str = "documents",
    roll_up: bool = False,
) -> pd.DataFrame:
    """Agreement on the units of the double-coded interviews (``AGREEMENT_COLUMNS``)."""
    decisions = unit_coder_presence(
        codings, units, double_coded(documents), themes, roll_up=roll_up
    )
    return agreement_table(
        decisions,
        ["document_id", "unit"],
        themes,
        level_name="unit",
        n_bootstrap=n_bootstrap,
        seed=seed,
        level=level,
        resample=resample,
    )


def agreement_table(
    decisions: pd.DataFrame,
    item_columns: Sequence[str],
    themes: pd.DataFrame,
    *,
    level_name: str,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    resample: str = "documents",
) -> pd.DataFrame:
    """One row per theme (display order) and a pooled row, from coder decisions.

    ``decisions``: item columns, coder, theme, present (bool); an item a coder did not code
    is simply absent (missing in alpha, left out of kappa).
    """
    if resample not in RESAMPLE:
        raise InputError(
            f"unknown bootstrap resampling {resample!r}; use one of {', '.join(RESAMPLE)}",
            config_key="interviews.agreement.resample",
        )
    coders = sorted(decisions["coder"].astype(str).unique())
    data, documents, item_themes = _stack(decisions, [*item_columns, "theme"], coders)
    rows = []
    ordered = themes.sort_values("order", kind="stable")["theme"].astype(str)
    for theme in [*ordered, POOLED]:
        chosen = np.ones(len(item_themes), dtype=bool) if theme == POOLED else item_themes == theme
        # Each theme's stream follows from its id, so adding a theme moves no other interval.
        stream = np.random.SeedSequence([seed, zlib.crc32(theme.encode())]).generate_state(1)[0]
        rows.append(
            _agreement_row(
                data[:, chosen],
                documents[chosen],
                cluster=resample == "documents",
                n_bootstrap=n_bootstrap,
                seed=int(stream),
                level=level,
            )
            | {"level": level_name, "theme": theme, "n_coders": len(coders)}
        )
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def reliability_data(
    decisions: pd.DataFrame, items: Sequence[str], coders: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Coders x items array (1.0 present, 0.0 absent, NaN not coded) and each item's document.

    Items are the distinct values of the ``items`` columns, in sorted order."""
    data, documents, _ = _stack(decisions, items, coders)
    return data, documents


def _stack(
    decisions: pd.DataFrame, items: Sequence[str], coders: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``reliability_data`` and each item's theme (numpy indexing: pivot_table is slow)."""
    if decisions.empty:
        empty = np.array([], dtype=object)
        return np.full((len(coders), 0), np.nan), empty, empty
    item = decisions.groupby(list(items), sort=True, observed=True).ngroup().to_numpy()
    coder = pd.Categorical(decisions["coder"].astype(str), categories=list(coders)).codes
    data = np.full((len(coders), int(item.max()) + 1), np.nan)
    data[coder, item] = decisions["present"].to_numpy(dtype=float)
    documents = np.empty(data.shape[1], dtype=object)
    documents[item] = decisions["document_id"].astype(str).to_numpy()
    item_themes = np.empty(data.shape[1], dtype=object)
    item_themes[item] = decisions["theme"].astype(str).to_numpy()
    return data, documents, item_themes


def _agreement_row(
    data: np.ndarray,
    groups: np.ndarray,
    *,
    cluster: bool,
    n_bootstrap: int,
    seed: int,
    level: float,
) -> dict:
    agree, _ = percent_agreement(data)
    kappa, kappa_note = pairwise_kappa(data)
    alpha, alpha_note = krippendorff_alpha(data)
    low = high = np.nan
    if np.isfinite(alpha):
        low, high, boot_note = bootstrap_alpha(
            data,
            groups=groups if cluster else None,
            n_bootstrap=n_bootstrap,
            seed=seed,
            level=level,
        )
        alpha_note = boot_note
    pairable = (~np.isnan(data)).sum(axis=0) >= 2 if data.size else np.array([], dtype=bool)
    n_documents = len(set(groups[pairable])) if len(groups) else 0
    return {
        "n_documents": n_documents,
        "n_items": int(pairable.sum()),
        "percent_agreement": agree,
        "kappa": kappa,
        "kappa_note": kappa_note,
        "alpha": alpha,
        "alpha_ci_low": low,
        "alpha_ci_high": high,
        "alpha_note": alpha_note,
    }
