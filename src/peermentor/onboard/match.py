"""Which export holds which contract table, and which export column is which contract column.

A column matches a contract column when its inferred kind fits (a date for a date, a
yes/no column for a boolean) and its name (or, for codes, its values) says so. Each
export column is used once; ties and unrecognised names are left for the data team.
"""

from __future__ import annotations

from itertools import permutations

from peermentor import contract
from peermentor.ingest.mapping import DERIVED
from peermentor.onboard.files import Export
from peermentor.onboard.infer import ColumnProfile
from peermentor.onboard.vocabulary import (
    CANONICAL,
    TABLE_WORDS,
    guess_value,
    name_score,
    name_tokens,
)

# Contract column kind -> inferred kinds that can hold it.
COMPATIBLE = {
    "string": {"id", "integer"},
    "date": {"date"},
    "category": {"category"},
    "int": {"integer"},
    "float": {"integer", "number"},
    "bool": {"boolean"},
}
Profiles = dict[str, ColumnProfile]


def mapped_columns(table: str) -> list[contract.Column]:
    """Contract columns a site config maps from its export (the rest are derived)."""
    return [col for col in contract.TABLES[table] if col.name not in DERIVED]


def column_score(table: str, col: contract.Column, profile: ColumnProfile) -> float:
    """Evidence that an export column is ``table.col``: 0 when its kind cannot hold it."""
    if profile.kind not in COMPATIBLE[col.kind]:
        return 0.0
    score = name_score(table, col.name, profile.name)
    if col.kind == "category" and profile.counts:
        # Codes that read as this column's canonical values are evidence too.
        known = [guess_value(v, col.name)[0] is not None for v in profile.counts]
        score += 3.0 * sum(known) / len(known) if score or all(known) else 0.0
    return score


def match_columns(table: str, profiles: Profiles) -> dict[str, tuple[str, float]]:
    """Contract column -> (export column, score), each export column used at most once."""
    candidates = sorted(
        (
            (column_score(table, col, profile), col.name, name)
            for col in mapped_columns(table)
            for name, profile in profiles.items()
        ),
        reverse=True,
    )
    matched: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for score, canonical, name in candidates:
        if score > 0 and canonical not in matched and name not in used:
            matched[canonical] = (name, score)
            used.add(name)
    if table == "contacts" and "contact_date" not in matched:
        # A contact log with a single date column: that is the contact's date.
        dates = [n for n, p in profiles.items() if p.kind == "date" and n not in used]
        if len(dates) == 1:
            matched["contact_date"] = (dates[0], 0.5)
    return matched


def choose_tables(exports: list[Export], profiles: dict[str, Profiles]) -> dict[str, Export | None]:
    """The export for each contract table: the assignment with the most evidence overall."""
    tables = contract.TABLE_NAMES
    score = {
        (table, i): _table_score(table, export, profiles[export.label])
        for table in tables
        for i, export in enumerate(exports)
    }
    slots = list(range(len(exports))) + [None] * len(tables)
    best, best_total = None, -1.0
    for pick in permutations(slots, len(tables)):
        total = sum(score[(t, i)] for t, i in zip(tables, pick, strict=True) if i is not None)
        if total > best_total:
            best, best_total = pick, total
    return {
        t: (exports[i] if i is not None and score[(t, i)] > 0 else None)
        for t, i in zip(tables, best, strict=True)
    }


def _table_score(table: str, export: Export, profiles: Profiles) -> float:
    columns = sum(score for _, score in match_columns(table, profiles).values())
    title = export.title
    named = 3.0 * len(set(name_tokens(title)) & TABLE_WORDS[table])
    return columns + named if columns else 0.0


def category_field(table: str, canonical: str) -> str | None:
    """The vocabulary of a contract category column (its canonical values), if it has one."""
    col = contract.column(table, canonical)
    return canonical if col.kind == "category" and canonical in CANONICAL else None
