"""Drafting a site config from a site's exports: everything recognisable, TODO for the rest.

The draft maps what the exports say clearly (column names, code values, yes/no words,
the date format, the duration unit, activity codes, a county column) and writes
``TODO`` wherever a person must decide, with a comment listing what was seen.
``peermentor site check`` refuses a config that still holds a TODO.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from peermentor import contract
from peermentor.errors import ConfigError
from peermentor.ingest.mapping import _as_text
from peermentor.io import write_text
from peermentor.onboard.files import Export
from peermentor.onboard.infer import ColumnProfile, boolean_values, duration_unit, profile_column
from peermentor.onboard.match import (
    COMPATIBLE,
    Profiles,
    category_field,
    choose_tables,
    column_score,
    mapped_columns,
    match_columns,
)
from peermentor.onboard.vocabulary import (
    ACTIVITY_COLUMN_WORDS,
    CANONICAL,
    COUNTY_WORDS,
    SITE_WORDS,
    guess_value,
    has_word,
    name_tokens,
)
from peermentor.onboard.yamltext import render

TODO = "TODO"
CSV_DEFAULTS = {"sep": ",", "encoding": "utf-8", "quotechar": '"'}
BOOLEAN_COLUMNS = ("with_parent", "with_children", "collateral")
TABLE_KEYS = (
    "path", "format", "csv", "excel", "filter", "columns", "values", "booleans",
    "date_format", "duration_unit", "activities", "drop",
)  # fmt: skip
# Words in an indicator column's name that say "activity" rather than which one.
_ACTIVITY_NOISE = frozenset({"act", "activity", "activities", "flag", "yn", "svc", "service"})


@dataclass
class Draft:
    """A drafted site config, the comments written beside its keys, and where tables came from."""

    config: dict
    comments: dict[tuple, str] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)  # table -> export label
    abbreviations: list[tuple] = field(default_factory=list)  # codes guessed from initials

    @property
    def todos(self) -> list[str]:
        return [".".join(map(str, path)) for path in todo_paths(self.config)]

    def put(self, path: tuple, value, comment: str | None = None) -> None:
        node = self.config
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        if comment:
            self.comments[path] = comment


def todo_paths(node, path: tuple = ()) -> list[tuple]:
    """Key paths whose value is still the string TODO."""
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in todo_paths(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in todo_paths(value, (*path, i))]
    return [path] if node == TODO else []


def draft_site(site_id: str, exports: list[Export]) -> Draft:
    """Draft ``config/sites/<site_id>.yaml`` from the exports read by ``files.read_exports``."""
    profiles = {e.label: {c: profile_column(e.frame[c], c) for c in e.columns} for e in exports}
    chosen = choose_tables(exports, profiles)
    files = ", ".join(sorted({Path(e.path).name for e in exports}))
    draft = Draft({"site_id": site_id, "description": f"Drafted from {files}."})
    draft.comments[("description",)] = "say what the site is: county, rural or urban, system"
    matched = {}
    for table in contract.TABLE_NAMES:
        export = chosen[table]
        draft.sources[table] = export.label if export else None
        if export is None:
            draft.put(("tables", table), TODO, f"no export looks like the {table} table")
            continue
        matched[table] = _draft_table(draft, table, export, profiles[export.label])
    _draft_filters(draft, chosen, matched)
    _draft_rurality(draft, chosen.get("families"), matched.get("families", {}))
    draft.config = {
        "site_id": draft.config["site_id"],
        "description": draft.config["description"],
        "rurality": draft.config["rurality"],
        "tables": {t: _ordered(draft.config["tables"][t]) for t in contract.TABLE_NAMES},
    }
    return draft


def _ordered(table_cfg):
    if not isinstance(table_cfg, dict):
        return table_cfg
    return {k: table_cfg[k] for k in TABLE_KEYS if k in table_cfg}


def _draft_table(draft: Draft, table: str, export: Export, profiles: Profiles) -> dict[str, str]:
    key = ("tables", table)
    draft.put((*key, "path"), _relative(export.path))
    draft.put((*key, "format"), export.options["format"])
    if export.options["format"] == "csv":
        options = {k: v for k, v in export.options["csv"].items() if v != CSV_DEFAULTS[k]}
        if options:
            draft.put((*key, "csv"), options)
    if export.sheet:
        draft.put((*key, "excel"), {"sheet": export.sheet})
    if export.header_row != 1:
        draft.comments[(*key, "path")] = (
            f"TODO: the header looks like row {export.header_row}: delete the rows above it"
        )
    matched = {c: name for c, (name, _) in match_columns(table, profiles).items()}
    for col in mapped_columns(table):
        if col.name in matched:
            draft.put((*key, "columns", col.name), matched[col.name])
        else:
            draft.put((*key, "columns", col.name), TODO, _candidates(table, col, profiles, matched))
    for col in mapped_columns(table):
        if col.name in matched and category_field(table, col.name):
            _value_map(draft, (*key, "values", col.name), col.name, profiles[matched[col.name]])
    activity_columns = _draft_activities(draft, key, export, profiles, matched)
    flags = [n for n in activity_columns if profiles[n].kind == "boolean"]
    _draft_booleans(draft, key, profiles, [*_booleans_of(matched), *flags])
    _draft_date_format(draft, key, table, profiles, matched)
    if table == "contacts":
        _draft_duration(draft, key, export, matched.get("duration_minutes"))
    used = {*matched.values(), *activity_columns}
    _draft_drop(draft, key, profiles, used)
    return matched


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _candidates(table: str, col: contract.Column, profiles: Profiles, matched: dict) -> str:
    free = [n for n in profiles if n not in matched.values()]
    fitting = [
        n for n in free if column_score(table, col, profiles[n]) or _kind_fits(col, n, profiles)
    ]
    shown = fitting or free
    return f"not recognised ({col.kind}); unused export columns: {', '.join(shown) or 'none'}"


def _kind_fits(col: contract.Column, name: str, profiles: Profiles) -> bool:
    return profiles[name].kind in COMPATIBLE[col.kind]


def _value_map(draft: Draft, path: tuple, field_name: str, profile: ColumnProfile) -> None:
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


def _booleans_of(matched: dict[str, str]) -> list[str]:
    return [matched[c] for c in BOOLEAN_COLUMNS if c in matched]


def _draft_booleans(draft: Draft, key: tuple, profiles: Profiles, columns: list[str]) -> None:
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


def _draft_date_format(draft: Draft, key: tuple, table: str, profiles: Profiles, matched) -> None:
    dated = [
        profiles[matched[c.name]]
        for c in contract.TABLES[table]
        if c.kind == "date" and c.name in matched and profiles[matched[c.name]].kind == "date"
    ]
    formats = [p.date_formats for p in dated if p.date_formats != ["typed"]]
    if not formats:
        return  # typed date cells (Excel, Parquet) need no format
    common = [f for f in formats[0] if all(f in other for other in formats[1:])]
    if len(common) == 1:
        draft.put((*key, "date_format"), common[0])
    elif common:
        draft.put(
            (*key, "date_format"),
            TODO,
            f"the dates fit several formats: {', '.join(common)} (day or month first?)",
        )
    else:
        seen = "; ".join(f"{p.name}: {', '.join(p.date_formats)}" for p in dated)
        draft.put((*key, "date_format"), TODO, f"no one format reads every date column ({seen})")


def _draft_duration(draft: Draft, key: tuple, export: Export, column: str | None) -> None:
    if column is None:
        return
    numbers = pd.to_numeric(_as_text(export.frame[column]), errors="coerce")
    unit, reason = duration_unit(numbers, column)
    draft.put((*key, "duration_unit"), unit or TODO, reason if unit is None else None)


def _draft_activities(draft, key, export, profiles: Profiles, matched) -> list[str]:
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
    if how != "abbreviation":
        return None
    draft.abbreviations.append(path)
    return f"guessed from an abbreviation ({rows} rows): check"


def _indicator_columns(free: Profiles) -> dict[str, str]:
    """Yes/no columns named after one activity each (``RecoveryCoaching``, ``act_other``)."""
    found: dict[str, str] = {}
    for name, profile in free.items():
        words = [w for w in name_tokens(name) if w not in _ACTIVITY_NOISE]
        if profile.kind != "boolean" or not words:
            continue
        canonical, how = guess_value(" ".join(words), "activities")
        if canonical and how != "abbreviation" and canonical not in found:
            found[canonical] = name
    return {code: found[code] for code in contract.ACTIVITY_CODES if code in found}


def _draft_drop(draft: Draft, key: tuple, profiles: Profiles, used: set[str]) -> None:
    text = [n for n, p in profiles.items() if n not in used and p.kind == "text"]
    if text:
        draft.put((*key, "drop"), text, "free text or names: never read")


def _draft_filters(draft: Draft, chosen: dict, matched: dict) -> None:
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


def _draft_rurality(draft: Draft, families: Export | None, matched: dict[str, str]) -> None:
    """Per-family rurality from a county column, else a TODO for the site's label or RUCC."""
    county = None
    if families is not None:
        county = next(
            (
                c
                for c in families.columns
                if c not in matched.values() and has_word(c, COUNTY_WORDS)
            ),
            None,
        )
    if county is None:
        draft.put(
            ("rurality",),
            TODO,
            "the whole site: {label: rural} or {label: urban}, or {rucc: <USDA code 1-9>}; "
            "per family: {county_column: <column>, county_rucc: {<county code>: <RUCC>}}",
        )
        return
    draft.put(("rurality", "county_column"), county)
    codes = sorted(_as_text(families.frame[county]).dropna().unique())
    is_rucc = "rucc" in name_tokens(county) and set(codes) <= {str(n) for n in range(1, 10)}
    for code in codes:
        draft.put(
            ("rurality", "county_rucc", code),
            int(code) if is_rucc else TODO,
            None if is_rucc else "USDA Rural-Urban Continuum Code (1-9) of this county",
        )


def refuse_overwrite(out: str | Path, *, force: bool) -> None:
    """A site config may hold a team's edits: replacing it must be asked for."""
    if Path(out).exists() and not force:
        raise ConfigError(f"{out} already exists: not overwritten (use --force to replace it)")


def write_draft(draft: Draft, out: str | Path, *, paths: list[str], force: bool) -> dict:
    """Write the drafted config (never over an existing file unless ``force``); a summary."""
    out = Path(out)
    refuse_overwrite(out, force=force)
    todos = draft.todos
    header = [
        f"Site config for {draft.config['site_id']}, drafted by `peermentor site draft` from",
        *(f"  {p}" for p in paths),
        "Review every mapping against the export. Replace each TODO "
        f"({len(todos)} left) with the right value:",
        "the comment beside it says what was seen. Every key is explained in",
        "workflow/schemas/site.schema.yaml. Then run:  peermentor site check " + str(out),
    ]
    write_text(render(draft.config, draft.comments, header), out)
    return {
        "out": str(out),
        "site": draft.config["site_id"],
        "sources": draft.sources,
        "todos": todos,
        "abbreviations": [".".join(map(str, p)) for p in draft.abbreviations],
        "config": draft.config,
    }
