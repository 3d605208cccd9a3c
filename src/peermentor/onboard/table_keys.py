"""The keys of one drafted table that read its values: codes, yes/no words, dates, units.

Each code seen in the export gets its canonical value when exactly one fits (a comment
marks every guess that is not the canonical value spelt otherwise), else ``TODO``;
formats and units are written only when the data decide them.
"""

from __future__ import annotations

import pandas as pd

from peermentor import contract
from peermentor.ingest.mapping import _as_text
from peermentor.onboard.drafted import TODO, Draft
from peermentor.onboard.files import Export
from peermentor.onboard.infer import (
    ColumnProfile,
    boolean_values,
    duration_unit,
    swap_day_month,
)
from peermentor.onboard.match import Profiles
from peermentor.onboard.vocabulary import (
    ACTIVITY_COLUMN_WORDS,
    CANONICAL,
    guess_value,
    has_word,
    name_tokens,
)

BOOLEAN_COLUMNS = ("with_parent", "with_children", "collateral")
# Words in an indicator column's name that say "activity" rather than which one.
_ACTIVITY_NOISE = frozenset({"act", "activity", "activities", "flag", "yn", "svc", "service"})


def value_map(draft: Draft, path: tuple, field_name: str, profile: ColumnProfile) -> None:
    """Export code -> canonical value, for every code seen; nothing if all are canonical."""
    guesses = {value: guess_value(value, field_name) for value in profile.counts}
    if set(guesses) <= set(CANONICAL[field_name]):
        return  # written exactly as the contract's values: nothing to map
    allowed = ", ".join(CANONICAL[field_name])
    for value, (canonical, how) in guesses.items():
        rows = profile.counts[value]
        if canonical is None:
            draft.put((*path, value), TODO, f"{rows} rows; one of {allowed}")
        else:
            draft.put(
                (*path, value), canonical, _abbreviation_note(draft, (*path, value), how, rows)
            )


def booleans_of(matched: dict[str, str]) -> list[str]:
    return [matched[c] for c in BOOLEAN_COLUMNS if c in matched]


def draft_booleans(draft: Draft, key: tuple, profiles: Profiles, columns: list[str]) -> None:
    """The words the yes/no columns use for true and false, as seen in them."""
    seen = {v for name in columns for v in profiles[name].counts}
    split = boolean_values(pd.Series(sorted(seen), dtype=object)) if seen else None
    if split is None:
        return
    true, false = split
    if true and false:
        draft.put((*key, "booleans"), {"true": true, "false": false})
    else:
        draft.comments[(*key, "columns")] = (
            f"yes/no columns only ever say {sorted(seen)}: the pipeline's default words apply"
        )


def draft_date_format(draft: Draft, key: tuple, table: str, profiles: Profiles, matched) -> None:
    """One format for all date columns of the table (the site config has one per table)."""
    dated = {
        c.name: profiles[matched[c.name]]
        for c in contract.TABLES[table]
        if c.kind == "date" and c.name in matched and profiles[matched[c.name]].kind == "date"
    }
    for name, profile in dated.items():
        if profile.not_dates:
            shown = ", ".join(repr(v) for v in profile.not_date_examples)
            n = profile.not_dates
            draft.comments[(*key, "columns", name)] = (
                f"{n} value{'s' if n != 1 else ''} will be quarantined, e.g. {shown} (not a date)"
            )
    dated = list(dated.values())
    formats = [p.date_formats for p in dated if p.date_formats != ["typed"]]
    if not formats:
        return  # typed date cells (Excel, Parquet) need no format
    common = [f for f in formats[0] if all(f in other for other in formats[1:])]
    if len(common) == 1:
        draft.put((*key, "date_format"), common[0])
    elif common:
        draft.put((*key, "date_format"), TODO, _ambiguity_note(common))
    else:
        seen = "; ".join(f"{p.name}: {', '.join(p.date_formats)}" for p in dated)
        draft.put((*key, "date_format"), TODO, f"no one format reads every date column ({seen})")


def _ambiguity_note(formats: list[str]) -> str:
    pairs = [(f, swap_day_month(f)) for f in formats if swap_day_month(f) in formats]
    if pairs:
        month_first, day_first = sorted(pairs[0], key=lambda f: f.index("%m"))
        return (
            "every day and month is 12 or less: day-first and month-first both read these "
            f"dates; {month_first} (month first) or {day_first} (day first)?"
        )
    return f"the dates fit several formats: {', '.join(formats)}"


def draft_duration(draft: Draft, key: tuple, export: Export, column: str | None) -> None:
    if column is None:
        return
    numbers = pd.to_numeric(_as_text(export.frame[column]), errors="coerce")
    unit, reason = duration_unit(numbers, column)
    draft.put((*key, "duration_unit"), unit or TODO, reason if unit is None else None)


def draft_activities(draft, key, export, profiles: Profiles, matched) -> list[str]:
    """Activity codes as one delimited column, or as one yes/no column per activity."""
    if key[-1] != "contacts":
        return []
    free = {n: p for n, p in profiles.items() if n not in matched.values()}
    lists = [
        p for p in free.values()
        if p.kind == "codes" or (p.kind == "category" and has_word(p.name, ACTIVITY_COLUMN_WORDS))
    ]  # fmt: skip
    if lists:
        best = max(lists, key=lambda p: (has_word(p.name, ACTIVITY_COLUMN_WORDS), len(p.counts)))
        _delimited(draft, (*key, "activities"), best)
        return [best.name]
    indicators = _indicator_columns(free)
    if indicators:
        draft.put((*key, "activities"), {"style": "indicators", "columns": indicators})
        return list(indicators.values())
    draft.comments[(*key, "columns")] = (
        "TODO: no activity codes found, so every act_* will be false; add activities: if the "
        "export has them"
    )
    return []


def _delimited(draft: Draft, path: tuple, profile: ColumnProfile) -> None:
    draft.put((*path, "style"), "delimited")
    draft.put((*path, "column"), profile.name)
    delimiter = profile.delimiter or ";"
    note = None if profile.delimiter else "no value holds two codes: set your system's separator"
    draft.put((*path, "delimiter"), delimiter, note)
    allowed = ", ".join(contract.ACTIVITY_CODES)
    for code, rows in profile.counts.items():
        canonical, how = guess_value(code, "activities")
        here = (*path, "codes", code)
        if canonical is None:
            draft.put(here, TODO, f"{rows} rows; one of {allowed}")
        else:
            draft.put(here, canonical, _abbreviation_note(draft, here, how, rows))


def _abbreviation_note(draft: Draft, path: tuple, how: str, rows: int) -> str | None:
    """A check comment on every guess that is not the canonical value itself."""
    notes = {
        "abbreviation": f"guessed from an abbreviation ({rows} rows): check",
        "word": f"guessed from a word in it ({rows} rows): check",
    }
    if how not in notes:
        return None
    draft.abbreviations.append(path)
    return notes[how]


def _indicator_columns(free: Profiles) -> dict[str, str]:
    """Yes/no columns named after one activity each (``RecoveryCoaching``, ``act_other``)."""
    found: dict[str, str] = {}
    for name, profile in free.items():
        words = [w for w in name_tokens(name) if w not in _ACTIVITY_NOISE]
        if profile.kind != "boolean" or not words:
            continue
        canonical, how = guess_value(" ".join(words), "activities")
        if canonical and how in ("canonical", "spelling", "word") and canonical not in found:
            found[canonical] = name
    return {code: found[code] for code in contract.ACTIVITY_CODES if code in found}


def draft_drop(draft: Draft, key: tuple, profiles: Profiles, *, used: set[str]) -> None:
    text = [n for n, p in profiles.items() if n not in used and p.kind == "text"]
    if text:
        draft.put((*key, "drop"), text, "free text or names: never read")
