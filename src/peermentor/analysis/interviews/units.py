"""Theme presence per unit (paragraph or utterance) and coder, for unit-level agreement.

A unit is coded with a theme by a coder when any of that coder's codings with the theme (or,
rolled up, for a process, with one of its subthemes) overlaps the unit's span: the coding
[start, end) and the unit [start, end) share at least one code point. A coding of zero length
(a point) counts for the unit that holds its position. The coders of an interview are those with at
least one coding in it, as for document presence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis.interviews.presence import check_themes, theme_ancestors

UNIT_PRESENCE_COLUMNS: list[str] = ["document_id", "unit", "coder", "theme", "present"]


def unit_coder_presence(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    roll_up: bool = True,
) -> pd.DataFrame:
    """One row per (unit, coder of its interview, theme) of ``documents``: present (bool);
    ``roll_up`` false: the themes as coded, a process not filled in from its subthemes."""
    check_themes(codings, themes)
    wanted = set(documents["document_id"].astype(str))
    units = units.assign(document_id=units["document_id"].astype(str))
    units = units[units["document_id"].isin(wanted)]
    codings = codings.assign(
        document_id=codings["document_id"].astype(str), coder=codings["coder"].astype(str)
    )
    codings = codings[codings["document_id"].isin(wanted)]
    coders = codings[["document_id", "coder"]].drop_duplicates()
    theme_ids = pd.DataFrame({"theme": themes["theme"].astype(str)})
    grid = (
        units[["document_id", "unit"]].merge(coders, on="document_id").merge(theme_ids, how="cross")
    )
    found = _coded_units(codings, units, theme_ancestors(themes, roll_up))
    out = grid.merge(found, on=["document_id", "unit", "coder", "theme"], how="left")
    out["present"] = out["present"].eq(True)
    order = dict(zip(documents["document_id"].astype(str), documents["order"], strict=True))
    theme_order = dict(zip(themes["theme"].astype(str), themes["order"], strict=True))
    out = out.assign(_doc=out["document_id"].map(order), _theme=out["theme"].map(theme_order))
    out = out.sort_values(["_doc", "document_id", "unit", "coder", "_theme"], kind="stable")
    return out[UNIT_PRESENCE_COLUMNS].reset_index(drop=True)


def _coded_units(
    codings: pd.DataFrame, units: pd.DataFrame, ancestors: pd.DataFrame
) -> pd.DataFrame:
    """(document_id, unit, coder, theme, present=True) for every overlap; ``ancestors``: the
    themes each coded theme counts for (``theme_ancestors``)."""
    mapped = codings.dropna(subset=["theme"])[["document_id", "coder", "theme", "start", "end"]]
    mapped = mapped.assign(theme=mapped["theme"].astype(str))
    mapped = mapped.merge(ancestors, on="theme")
    spans = units[["document_id", "unit", "start", "end"]].rename(
        columns={"start": "unit_start", "end": "unit_end"}
    )
    pairs = mapped.merge(spans, on="document_id")
    start = pairs["start"].to_numpy(dtype=np.int64)
    # A point coding (start == end) is widened to one code point so it lands in its unit.
    end = np.maximum(pairs["end"].to_numpy(dtype=np.int64), start + 1)
    overlaps = (start < pairs["unit_end"].to_numpy()) & (end > pairs["unit_start"].to_numpy())
    hits = pairs.loc[overlaps, ["document_id", "unit", "coder", "counts_for"]]
    hits = hits.rename(columns={"counts_for": "theme"}).drop_duplicates()
    return hits.assign(present=True)
