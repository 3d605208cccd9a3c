"""Combining the sites' clean tables into the study tables.

Sites that share a mentor roster (one HR file, one slice per site) may both list a mentor who
works for both. Pseudonymized alike, the two rows are one mentor: kept once (under the first
site listing them) when the records agree. When they disagree (another hire date, end date or exit
reason) the run cannot know which is right, so it stops naming both sites, the file and the rows.
"""

from __future__ import annotations

import pandas as pd

from peermentor import contract
from peermentor.clean.validate import combine_sites
from peermentor.errors import PeermentorError
from peermentor.ingest.read import SOURCE_ROW

# The columns two listings of one mentor must agree on.
MENTOR_RECORD = [c for c in contract.columns("mentors") if c not in ("mentor_id", "site_id")]


def combine_tables(
    parts: list[pd.DataFrame], table: str, files: list[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The study table from the sites' tables (in site order); returns it and what was merged.

    ``files`` are the sites' export files of ``table`` (for the error message).
    """
    if table != "mentors":
        return combine_sites(parts, table), []
    deduplicated, merged = merge_shared_mentors(parts, files or [""] * len(parts))
    return combine_sites(deduplicated, table), merged


def merge_shared_mentors(
    parts: list[pd.DataFrame], files: list[str]
) -> tuple[list[pd.DataFrame], list[str]]:
    """Drop a later site's row of a mentor an earlier site lists with the same record."""
    stacked = pd.concat(
        [p.assign(_part=i, _file=f) for i, (p, f) in enumerate(zip(parts, files, strict=True))],
        ignore_index=True,
    )
    repeated = stacked[stacked["mentor_id"].duplicated(keep=False)]
    drop: set[int] = set()
    merged = []
    for mentor, rows in repeated.groupby("mentor_id", sort=True):
        if _differing(rows):
            raise PeermentorError(_disagreement(mentor, rows))
        drop.update(rows.index[1:])
        merged.append(
            f"mentor {mentor} is listed by sites {', '.join(rows['site_id'])} with the same "
            f"record; kept once under {rows['site_id'].iloc[0]}"
        )
    kept = stacked.drop(index=sorted(drop))
    out = [
        kept[kept["_part"] == i].drop(columns=["_part", "_file"]).reset_index(drop=True)
        for i in range(len(parts))
    ]
    return out, merged


def _differing(rows: pd.DataFrame) -> list[str]:
    """The record columns in which the rows differ (a missing date equals a missing date)."""
    text = rows[MENTOR_RECORD].apply(lambda c: c.map(lambda v: "" if pd.isna(v) else str(v)))
    return [c for c in MENTOR_RECORD if text[c].nunique() > 1]


def _disagreement(mentor: str, rows: pd.DataFrame) -> str:
    differs = _differing(rows)
    where = "; ".join(
        f"site {r['site_id']}: {r['_file']} row {r[SOURCE_ROW]} "
        f"({', '.join(f'{c}={r[c]}' for c in differs)})"
        for _, r in rows.iterrows()
    )
    return (
        f"mentor {mentor} is listed by sites {' and '.join(rows['site_id'])} in their shared "
        f"roster with different records ({', '.join(differs)} differ): {where}. Correct the "
        "roster so both rows agree (or list the mentor under one site only) and rerun."
    )
