"""Drafting a site config from a site's exports: everything recognisable, TODO for the rest.

The draft maps what the exports say clearly (column names, code values, yes/no words,
the date format, the duration unit, activity codes, a county column) and writes
``TODO`` wherever a person must decide, with a comment listing what was seen.
``peermentor site check`` refuses a config that still holds a TODO.
"""

from __future__ import annotations

from pathlib import Path

from peermentor import contract
from peermentor.errors import ConfigError
from peermentor.io import write_text
from peermentor.onboard.drafted import TODO, Draft
from peermentor.onboard.files import Export
from peermentor.onboard.infer import profile_column
from peermentor.onboard.match import (
    COMPATIBLE,
    Profiles,
    category_field,
    choose_tables,
    column_score,
    mapped_columns,
    match_columns,
)
from peermentor.onboard.redcap import make_redcap_draft
from peermentor.onboard.site_keys import draft_filters, draft_rurality
from peermentor.onboard.table_keys import (
    booleans_of,
    draft_activities,
    draft_booleans,
    draft_date_format,
    draft_drop,
    draft_duration,
    value_map,
)
from peermentor.onboard.yamltext import render

CSV_DEFAULTS = {"sep": ",", "encoding": "utf-8", "quotechar": '"'}
TABLE_KEYS = (
    "path", "format", "header_row", "csv", "excel", "redcap", "sql", "value_labels", "filter",
    "columns", "values", "booleans", "date_format", "duration_unit", "activities", "drop",
)  # fmt: skip


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
    draft_filters(draft, chosen, matched)
    draft_rurality(draft, chosen.get("families"), matched.get("families", {}))
    make_redcap_draft(draft, chosen)
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
    """Every key of one table; returns contract column -> export column."""
    key = ("tables", table)
    _reader_keys(draft, key, export)
    matched = _column_keys(draft, key, table, profiles)
    activity_columns = draft_activities(draft, key, export, profiles, matched)
    flags = [n for n in activity_columns if profiles[n].kind == "boolean"]
    draft_booleans(draft, key, profiles, [*booleans_of(matched), *flags])
    draft_date_format(draft, key, table, profiles, matched)
    if table == "contacts":
        draft_duration(draft, key, export, matched.get("duration_minutes"))
    draft_drop(draft, key, profiles, used={*matched.values(), *activity_columns})
    return matched


def _reader_keys(draft: Draft, key: tuple, export: Export) -> None:
    """path, format, and the CSV options or sheet that read it (defaults left out)."""
    if export.options["format"] == "sql":  # no file: the table or query, the URL's variable
        draft.put((*key, "format"), "sql")
        draft.put((*key, "sql"), export.options["sql"])
        return
    draft.put((*key, "path"), _relative(export.path))
    draft.put((*key, "format"), export.options["format"])
    if export.options["format"] == "csv":
        options = {k: v for k, v in export.options["csv"].items() if v != CSV_DEFAULTS[k]}
        if options:
            draft.put((*key, "csv"), options)
    if export.sheet:
        draft.put((*key, "excel"), {"sheet": export.sheet})
    if "redcap" in export.options:
        draft.put((*key, "redcap"), export.options["redcap"])
    if export.header_row != 1:
        draft.put((*key, "header_row"), export.header_row)
        draft.comments[(*key, "header_row")] = (
            f"a title block sits above the header: rows 1-{export.header_row - 1} are skipped "
            "(or write auto to find the header by its column names)"
        )


def _column_keys(draft: Draft, key: tuple, table: str, profiles: Profiles) -> dict[str, str]:
    """columns (a TODO for each contract column not recognised) and values per category."""
    matched = {c: name for c, (name, _) in match_columns(table, profiles).items()}
    for col in mapped_columns(table):
        if col.name in matched:
            draft.put((*key, "columns", col.name), matched[col.name])
        else:
            draft.put((*key, "columns", col.name), TODO, _candidates(table, col, profiles, matched))
    for col in mapped_columns(table):
        if col.name in matched and category_field(table, col.name):
            value_map(draft, (*key, "values", col.name), col.name, profiles[matched[col.name]])
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
