"""Site configs: the schema, then what only the contract knows; the exports they name."""

from __future__ import annotations

import difflib
from pathlib import Path

from peermentor import contract
from peermentor.config.messages import Problems
from peermentor.config.read import load_yaml, yaml_lines
from peermentor.config.schema import SCHEMA_DIR, validate
from peermentor.errors import InputError


def _key_texts(site: dict, problems: Problems) -> None:
    """Map keys compared with cell text become text: an unquoted 1 is the cell "1".

    A YAML boolean key (unquoted yes, no, true, on ...) is rejected: its spelling is lost,
    so it cannot be compared with the cell. Under ``booleans:`` the keys are the words true
    and false themselves, so an unquoted ``true:`` is read as the key "true".
    """
    tables = site.get("tables")
    spots = []
    if isinstance(tables, dict):
        for table, cfg in tables.items():
            if not isinstance(cfg, dict):
                continue
            _boolean_keys(cfg.get("booleans"), ("tables", table, "booleans"), problems)
            for column, value_map in (cfg.get("values") or {}).items():
                spots.append((("tables", table, "values", column), value_map))
            acts = cfg.get("activities")
            if isinstance(acts, dict):
                spots.append((("tables", table, "activities", "codes"), acts.get("codes")))
    rurality = site.get("rurality")
    if isinstance(rurality, dict):
        spots.append((("rurality", "county_rucc"), rurality.get("county_rucc")))
    lines = None
    for path, mapping in spots:
        if not isinstance(mapping, dict):
            continue
        for key in list(mapping):
            if isinstance(key, bool):
                lines = yaml_lines(problems.line_file) if lines is None else lines
                problems.add(
                    (*path, _bool_spelling(lines, path, key)),
                    f"YAML read this key as the boolean {str(key).lower()}, not the export's "
                    'text: quote the key as the export writes it, e.g. "yes" or "Y"',
                )
            elif isinstance(key, int | float):
                mapping[str(key)] = mapping.pop(key)


def _boolean_keys(booleans, path: tuple[str, ...], problems: Problems) -> None:
    if not isinstance(booleans, dict):
        return
    for key in [k for k in booleans if isinstance(k, bool)]:
        text = str(key).lower()
        if text in booleans:
            problems.add((*path, text), f"key {text!r} is given twice (quoted and unquoted)")
        else:
            booleans[text] = booleans.pop(key)


_YAML_BOOLS = {
    True: {"y", "yes", "true", "on"},
    False: {"n", "no", "false", "off"},
}


def _bool_spelling(lines: dict, path: tuple[str, ...], value: bool) -> str:
    """How the file spells a key YAML read as a boolean (yes, On, TRUE ...), to find its line."""
    for key in lines:
        if key[:-1] == path and key[-1].lower() in _YAML_BOOLS[value]:
            return key[-1]
    return str(value).lower()


def _check_against_contract(site: dict, problems: Problems) -> None:
    """Mapped columns, value-map targets and ``drop:`` checked against the data contract."""
    for table, cfg in site["tables"].items():
        names = [c.name for c in contract.TABLES[table] if c.name not in _DERIVED]
        base = ("tables", table)
        mapping = cfg["columns"]
        for canonical in mapping:
            if canonical not in names:
                close = difflib.get_close_matches(canonical, names, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"columns: {', '.join(names)}"
                problems.add(
                    (*base, "columns", canonical),
                    f"{canonical!r} is not a contract column of {table}; {hint}",
                )
        categories = {c.name: c for c in contract.TABLES[table] if c.kind == "category"}
        for column, value_map in (cfg.get("values") or {}).items():
            if column not in categories:
                problems.add(
                    (*base, "values", column),
                    f"{column!r} is not a category column of {table}; value maps are for "
                    f"{', '.join(c for c in categories if c not in _DERIVED)}"
                    + (" (true/false values go under booleans)" if column in names else ""),
                )
                continue
            allowed = categories[column].allowed
            for code, target in value_map.items():
                if target not in allowed:
                    problems.add(
                        (*base, "values", column, code),
                        f"{target!r} is not a value of {column}; allowed values: "
                        f"{', '.join(allowed)}",
                    )
        acts = cfg.get("activities") or {}
        act_targets = (acts.get("codes") or {}).items()
        for code, target in act_targets:
            if target not in contract.ACTIVITY_CODES:
                problems.add(
                    (*base, "activities", "codes", code),
                    f"{target!r} is not an activity code; allowed values: "
                    f"{', '.join(contract.ACTIVITY_CODES)}",
                )
        for code in acts.get("columns") or {}:
            if code not in contract.ACTIVITY_CODES:
                problems.add(
                    (*base, "activities", "columns", code),
                    f"{code!r} is not an activity code; allowed values: "
                    f"{', '.join(contract.ACTIVITY_CODES)}",
                )
        read = _columns_read(cfg, site["rurality"] if table == "families" else {})
        for i, column in enumerate(cfg.get("drop") or []):
            if column in read:
                problems.add(
                    (*base, "drop", i),
                    f"{column!r} is listed under drop but is read as {read[column]}: "
                    "remove it from drop, or stop reading it",
                )


_DERIVED = {"site_id", "rucc", "rurality", *contract.ACTIVITY_COLUMNS}


def _columns_read(cfg: dict, rurality: dict) -> dict[str, str]:
    """Export column -> the config key that reads it."""
    read = {source: f"columns.{canonical}" for canonical, source in cfg["columns"].items()}
    acts = cfg.get("activities") or {}
    if acts.get("column"):
        read[acts["column"]] = "activities.column"
    for code, source in (acts.get("columns") or {}).items():
        read[source] = f"activities.columns.{code}"
    if cfg.get("filter"):
        read[cfg["filter"]["column"]] = "filter.column"
    for key in ("county_column", "rucc_column"):
        if rurality.get(key):
            read[rurality[key]] = f"rurality.{key}"
    return read


def load_site(path: str | Path, schema_dir: Path = SCHEMA_DIR) -> dict:
    """A site config, validated against the schema and the data contract, defaults filled."""
    site = load_yaml(path)
    problems = Problems(str(path), "site config", path)
    _key_texts(site, problems)
    problems.raise_if_any()
    validate(site, Path(schema_dir) / "site.schema.yaml", source=str(path), kind="site config")
    _check_against_contract(site, problems)
    if Path(path).stem != site["site_id"]:
        problems.add(
            ("site_id",), f"{site['site_id']!r} must equal the file name {Path(path).stem!r}"
        )
    problems.raise_if_any()
    return site


def check_exports(site: dict, config_file: str | Path, project_dir: str | Path = ".") -> None:
    """Every export (and REDCap dictionary) a site config names exists; else its key and line."""
    lines = yaml_lines(config_file)
    for table, cfg in site["tables"].items():
        if cfg["format"] == "sql":
            continue  # read from the database (or its snapshot) when the table is ingested
        named = [(("tables", table, "path"), cfg["path"])]
        if (cfg.get("redcap") or {}).get("dictionary"):
            named.append((("tables", table, "redcap", "dictionary"), cfg["redcap"]["dictionary"]))
        for key, file in named:
            if (Path(project_dir) / file).is_file():
                continue
            line = lines.get(key)
            raise InputError(
                "file not found",
                site=site["site_id"],
                table=table,
                file=file,
                config_key=f"{'.'.join(key)} in {config_file}"
                + (f" (line {line})" if line else ""),
                hint="drop the export there, or correct the path in the site config",
            )
