"""Repeated ids: exact copies, and copies whose content differs (conflicting duplicates).

An exact copy (every column alike) is a double export: the first is kept, the rest quarantined
as ``duplicate``. Copies of an id whose content differs cannot be told apart by the run: which
contact date, which duration is right? The site config chooses (``tables.<table>.duplicates``):
``keep_none`` (the default, nothing lost silently) quarantines every copy as
``conflicting_duplicate``; ``keep_first`` keeps the first row in the file and quarantines the
later ones. Either way the quarantine's detail names the rows and the columns that differ.
"""

from __future__ import annotations

import pandas as pd

from peermentor.ingest.layout import SOURCE_ROW

DUPLICATE_RULES = ("keep_none", "keep_first")


def split_duplicates(rows: pd.DataFrame, id_col: str, rule: str = "keep_none"):
    """(kept, exact copies, conflicting copies, what the conflicting copies differ in).

    An exact copy repeats an earlier row in every column: the first is kept. Copies of an id
    whose content differs cannot be told apart by the run: with ``keep_none`` (the default)
    every copy is quarantined, with ``keep_first`` the first row in the file is kept.
    """
    repeated = rows[rows.duplicated(id_col, keep=False)]
    content = [c for c in rows.columns if c != SOURCE_ROW]
    text = repeated[content].astype("string").fillna("")
    varies = text.groupby(repeated[id_col].to_numpy()).nunique() > 1
    differ = varies.apply(lambda r: ", ".join(c for c in content if r[c]), axis=1)
    differ = differ[differ != ""]
    conflict = rows[id_col].isin(differ.index)
    later = rows.duplicated(id_col, keep="first")
    dropped = conflict & later if rule == "keep_first" else conflict
    copies = later & ~conflict
    lines = repeated.groupby(id_col)[SOURCE_ROW].apply(lambda r: ", ".join(map(str, r)))
    detail = rows.loc[dropped, id_col].map(
        lambda i: (
            f"copies at rows {lines[i]} differ in {differ[i]}"
            + ("; the first is kept" if rule == "keep_first" else "; none is kept")
        )
    )
    return rows[~(dropped | copies)], rows[copies], rows[dropped], detail
