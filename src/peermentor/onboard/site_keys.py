"""The keys of a drafted site that look across its tables: a shared file's filter, rurality.

A roster shared by several sites is filtered by its site column; the site's code is
taken from the data when every mentor the site's own families and contacts name has
the same one. Rurality comes from a column holding the RUCC when the families export has
one (``rurality: {rucc_column: ...}``), else from a county column, whose USDA codes are
for the data team to fill.
"""

from __future__ import annotations

import pandas as pd

from peermentor.ingest.mapping import _as_text
from peermentor.onboard.drafted import TODO, Draft
from peermentor.onboard.files import Export
from peermentor.onboard.infer import profile_column
from peermentor.onboard.vocabulary import COUNTY_WORDS, SITE_WORDS, has_word, name_tokens


def draft_filters(draft: Draft, chosen: dict, matched: dict) -> None:
    """A file shared by several sites (an HR roster) is filtered by its site column."""
    referenced = _referenced_mentors(chosen, matched)
    for table, export in chosen.items():
        if export is None or table not in matched:
            continue
        site_column = _site_column(export, matched[table])
        if site_column is None:
            continue
        path = ("tables", table, "filter")
        draft.put((*path, "column"), site_column)
        codes = _as_text(export.frame[site_column]).value_counts()
        value = None
        if table == "mentors" and "mentor_id" in matched[table]:
            value = _site_of_mentors(export, matched[table]["mentor_id"], site_column, referenced)
        seen = ", ".join(f"{code} ({rows} rows)" for code, rows in codes.items())
        if value is None:
            draft.put((*path, "value"), TODO, f"this site's code among: {seen}")
        else:
            draft.put(
                (*path, "value"),
                value,
                f"the mentors this site's families and contacts name all have {value}; "
                f"seen: {seen}",
            )


def _site_column(export: Export, matched: dict[str, str]) -> str | None:
    for name in export.columns:
        if name in matched.values() or not has_word(name, SITE_WORDS):
            continue
        profile = profile_column(export.frame[name], name)
        if profile.kind == "category" and profile.distinct > 1:
            return name
    return None


def _referenced_mentors(chosen: dict, matched: dict) -> set[str]:
    ids: set[str] = set()
    for table in ("families", "contacts"):
        column = matched.get(table, {}).get("mentor_id")
        if column and chosen.get(table) is not None:
            ids |= set(_as_text(chosen[table].frame[column]).dropna())
    return ids


def _site_of_mentors(export: Export, id_column: str, site_column: str, referenced: set[str]):
    """The roster's site code of the mentors this site's own exports name, if it is one code."""
    roster = pd.DataFrame(
        {"id": _as_text(export.frame[id_column]), "site": _as_text(export.frame[site_column])}
    )
    codes = set(roster.loc[roster["id"].isin(referenced), "site"].dropna())
    return codes.pop() if len(codes) == 1 else None


def draft_rurality(draft: Draft, families: Export | None, matched: dict[str, str]) -> None:
    """Per-family rurality from a column already holding the RUCC (preferred: nothing to look
    up), else from a county column, else a TODO for the site's label or RUCC."""
    candidates = []
    if families is not None:
        candidates = [
            c for c in families.columns if c not in matched.values() and has_word(c, COUNTY_WORDS)
        ]
    rucc = next((c for c in candidates if _holds_rucc(families, c)), None)
    if rucc is not None:
        codes = sorted(_as_text(families.frame[rucc]).dropna().unique())
        draft.put(
            ("rurality", "rucc_column"),
            rucc,
            f"holds USDA RUCC codes {', '.join(codes)}: no county lookup needed",
        )
        return
    county = candidates[0] if candidates else None
    if county is None:
        draft.put(
            ("rurality",),
            TODO,
            "the whole site: {label: rural} or {label: urban}, or {rucc: <USDA code 1-9>}; "
            "per family: {rucc_column: <column holding the RUCC>} or "
            "{county_column: <column>, county_rucc: {<county code>: <RUCC>}}",
        )
        return
    draft.put(("rurality", "county_column"), county)
    for code in sorted(_as_text(families.frame[county]).dropna().unique()):
        draft.put(
            ("rurality", "county_rucc", code),
            TODO,
            "USDA Rural-Urban Continuum Code (1-9) of this county",
        )


def _holds_rucc(families: Export, column: str) -> bool:
    """A column named for the RUCC whose every value is a code 1-9."""
    codes = set(_as_text(families.frame[column]).dropna())
    return "rucc" in name_tokens(column) and bool(codes) and codes <= {str(n) for n in range(1, 10)}
