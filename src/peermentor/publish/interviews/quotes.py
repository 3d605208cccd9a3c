"""Quotes for the public report: only the config-approved codings, de-identified.

``interviews.quotes.approved`` lists codings by their ``coding_id`` (a string) or by
``{document_id: <pseudonymized id>, start: <code point>}`` (optionally ``coder``, when two
coders' codings start at the same position). Both are found in the audit report's coded
segments. An entry that matches no coding, or more than one, stops the run with the entry's
position in the list: a quote silently dropped or doubled would go unnoticed in a report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from peermentor.errors import ConfigError
from peermentor.publish.interviews.deidentify import deidentify

QUOTE_COLUMNS: list[str] = ["quote", "theme", "label", "role", "text"]
KEY = "interviews.quotes.approved"


def approved_codings(codings: pd.DataFrame, approved: Sequence[str | Mapping]) -> pd.DataFrame:
    """The codings of the approved list, in list order (one row per entry)."""
    rows = []
    ids = codings["coding_id"].astype(str)
    for i, entry in enumerate(approved):
        where = f"{KEY}[{i}]"
        if isinstance(entry, Mapping):
            missing = {"document_id", "start"} - set(entry)
            if missing:
                raise ConfigError(f"{where}: needs {sorted(missing)} (or give a coding id)")
            hit = (codings["document_id"].astype(str) == str(entry["document_id"])) & (
                codings["start"].astype(int) == int(entry["start"])
            )
            if "coder" in entry:
                hit &= codings["coder"].astype(str) == str(entry["coder"])
            what = f"document {entry['document_id']} at {entry['start']}"
        else:
            hit = ids == str(entry)
            what = f"coding id {entry!r}"
        found = codings[hit]
        if len(found) != 1:
            problem = "matches no coding" if found.empty else f"matches {len(found)} codings"
            hint = "" if found.empty else "; add coder: to choose one"
            raise ConfigError(f"{where}: {what} {problem}{hint}; fix config key {KEY}")
        rows.append(found.iloc[0])
    columns = list(codings.columns)
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)


def approved_quotes(
    codings: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    approved: Sequence[str | Mapping],
    *,
    names: Iterable[str] = (),
    places: Iterable[str] = (),
) -> pd.DataFrame:
    """The approved quotes, numbered in list order, with theme, its label, the speaker's
    role and the de-identified text (``QUOTE_COLUMNS``); no interview or coding id."""
    names, places = list(names), list(places)
    chosen = approved_codings(codings, approved)
    role = dict(
        zip(documents["document_id"].astype(str), documents["role"].astype(str), strict=True)
    )
    label = dict(zip(themes["theme"].astype(str), themes["label"].astype(str), strict=True))
    theme = chosen["theme"].astype("string").fillna("")
    return pd.DataFrame(
        {
            "quote": range(1, len(chosen) + 1),
            "theme": theme.astype(str),
            "label": [label.get(t, "") for t in theme],
            "role": chosen["document_id"].astype(str).map(role).fillna(""),
            "text": [deidentify(str(t), names=names, places=places) for t in chosen["text"]],
        },
        columns=QUOTE_COLUMNS,
    )
