"""Loading and validating the study config and the site configs: the one validation path.

The workflow (``workflow/rules/common.smk``), ``peermentor site check`` and the other
CLI commands all load configs through this module, so a mistake gets the same message
wherever it is found: the file, the YAML line, the key path and what would fix it
(did-you-mean for an unknown key, the allowed values), never a traceback or a schema dump.

Defaults from the JSON schemas are filled in while validating, exactly where
``snakemake.utils.validate`` filled them before (every ``properties`` the validator
visits, nested and through ``$ref``): the rules read them.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable
from pathlib import Path

import jsonschema
import yaml

from peermentor import contract
from peermentor.errors import ConfigError, InputError

SCHEMA_DIR = Path("workflow/schemas")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_PROBLEMS = 10
_QUOTE_HINT = (
    "quote it: YAML reads unquoted yes/no/true/false/on/off as booleans and digits as numbers"
)


def load_yaml(path: str | Path) -> dict:
    """A YAML mapping; invalid YAML names the file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        raise ConfigError(f"{path}: {_yaml_problem(err)}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return data


def _yaml_problem(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    context = f" ({err.context})" if err.context else ""
    if err.context and err.context_mark and err.context_mark is not mark:
        start = err.context_mark
        context = (
            f" ({err.context} that starts at line {start.line + 1}, column {start.column + 1})"
        )
    return f"{where}not valid YAML: {err.problem}{context}"


# --- Where a key is: YAML lines, computed only when there is something to report ---------


def yaml_lines(path: str | Path | None) -> dict[tuple[str, ...], int]:
    """Key path (as text) -> 1-based line of every mapping key and list item of a YAML file."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str, ...], int] = {}

    def walk(node, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*prefix, str(key.value))
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                here = (*prefix, str(i))
                lines[here] = item.start_mark.line + 1
                walk(item, here)

    walk(root, ())
    return lines


class _Problems:
    """Problems of one config file, each at a key path; raised together as one ConfigError."""

    def __init__(self, source: str, kind: str, line_file: str | Path | None):
        self.source, self.kind, self.line_file = source, kind, line_file
        self.items: list[tuple[tuple[str, ...], str]] = []

    def add(self, path: Iterable[object], problem: str) -> None:
        self.items.append((tuple(str(p) for p in path), problem))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = yaml_lines(self.line_file)

        def line_of(path: tuple[str, ...]) -> int | None:
            while path and path not in lines:
                path = path[:-1]  # a missing key: the line of the mapping it belongs in
            return lines.get(path)

        shown = sorted(self.items, key=lambda item: (line_of(item[0]) or 0, item[0]))
        count = len(shown)
        head = f"{self.source}: invalid {self.kind} ({count} problem{'s' if count > 1 else ''})"
        out = [head]
        for path, problem in shown[:_MAX_PROBLEMS]:
            line = line_of(path)
            where = ", ".join(
                part
                for part in (
                    f"line {line}" if line else "",
                    f"key {'.'.join(path)}" if path else "",
                )
                if part
            )
            out.append(f"  {where}: {problem}" if where else f"  {problem}")
        if count > _MAX_PROBLEMS:
            out.append(f"  (and {count - _MAX_PROBLEMS} more)")
        raise ConfigError("\n".join(out))


# --- JSON schema validation, with Snakemake's default filling ----------------------------


def _default_filling(validator_cls):
    """The validator of ``snakemake.utils.validate``: defaults set where properties are checked."""
    check_properties = validator_cls.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for key, sub in properties.items():
                if "default" in sub:
                    instance.setdefault(key, copy.deepcopy(sub["default"]))
        yield from check_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_cls, {"properties": set_defaults})


_SCHEMAS: dict[Path, dict] = {}


def _schema(path: str | Path) -> dict:
    path = Path(path).resolve()
    if path not in _SCHEMAS:
        _SCHEMAS[path] = load_yaml(path)
    return _SCHEMAS[path]


def validate(
    data: dict,
    schema_path: str | Path,
    *,
    source: str,
    kind: str = "configuration",
    line_file: str | Path | None = None,
) -> dict:
    """Validate ``data`` in place against a JSON schema, filling defaults; concise errors."""
    schema = _schema(schema_path)
    validator = _default_filling(jsonschema.validators.validator_for(schema))(schema)
    problems = _Problems(source, kind, line_file if line_file is not None else source)
    # Defaults are written as the validator walks the config; a first walk fills them all, so
    # a required key that has a default is never reported missing (the order of the checks
    # would otherwise decide).
    for _ in validator.iter_errors(data):
        pass
    errors = list(validator.iter_errors(data))
    suggested: set[tuple[str, ...]] = set()
    for err in errors:
        if err.validator == "additionalProperties":
            suggested |= _unknown_keys(err, problems)
    for err in errors:
        if err.validator == "additionalProperties":
            continue
        path = tuple(str(p) for p in err.absolute_path)
        if err.validator == "required":
            missing = _missing_key(err)
            if (*path, missing) in suggested:
                continue  # the misspelt key already says "did you mean"
            problems.add(path, f"missing required key {missing!r}")
            continue
        problems.add(path, _describe(err))
    problems.raise_if_any()
    return data


def _unknown_keys(err, problems: _Problems) -> set[tuple[str, ...]]:
    """One problem per unexpected key, with the closest allowed key; the keys it suggests."""
    allowed = list(err.schema.get("properties", {}))
    path = tuple(str(p) for p in err.absolute_path)
    suggested = set()
    for key in err.instance:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        if close:
            suggested.add((*path, close[0]))
            hint = f"did you mean {close[0]!r}?"
        else:
            hint = f"allowed keys: {', '.join(allowed)}"
        problems.add((*path, key), f"unknown key {str(key)!r}; {hint}")
    return suggested


def _missing_key(err) -> str:
    for key in err.validator_value:
        if isinstance(err.instance, dict) and key not in err.instance:
            return str(key)
    return str(err.validator_value[0])


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys",
    "array": "a list",
}


def _describe(err) -> str:
    """One line for a schema error: what is wrong and what is allowed, never the schema."""
    value = _short(err.instance)
    if err.validator == "enum":
        return f"{value} is not allowed; allowed values: {', '.join(map(str, err.validator_value))}"
    if err.validator == "type":
        wanted = err.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        message = f"expected {' or '.join(_TYPE_NAMES.get(n, n) for n in names)}, got {value}"
        if "string" in names and isinstance(err.instance, bool | int | float):
            message += f" ({_QUOTE_HINT})"
        return message
    if err.validator in ("oneOf", "anyOf"):
        forms = [" with ".join(branch.get("required", [])) for branch in err.validator_value]
        return f"give exactly one of: {'; '.join(f for f in forms if f)}"
    if err.validator == "pattern":
        return f"{value} does not match the required form {err.validator_value}"
    if err.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return f"{value} must be {bound[err.validator]} {err.validator_value}"
    if err.validator in ("minItems", "uniqueItems"):
        return "list must not be empty" if err.validator == "minItems" else "list repeats an item"
    return err.message if len(err.message) < 200 else err.message[:200] + " ..."


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- Site configs: the schema, then what only the contract knows --------------------------


def _key_texts(site: dict, problems: _Problems) -> None:
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


def _boolean_keys(booleans, path: tuple[str, ...], problems: _Problems) -> None:
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


def _check_against_contract(site: dict, problems: _Problems) -> None:
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


def load_study(path: str | Path = "config/config.yaml", schema_dir: Path = SCHEMA_DIR) -> dict:
    return validate(
        load_yaml(path),
        Path(schema_dir) / "config.schema.yaml",
        source=str(path),
        kind="study config",
    )


def load_site(path: str | Path, schema_dir: Path = SCHEMA_DIR) -> dict:
    """A site config, validated against the schema and the data contract, defaults filled."""
    site = load_yaml(path)
    problems = _Problems(str(path), "site config", path)
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


def load_sites(study: dict, schema_dir: Path = SCHEMA_DIR) -> dict[str, dict]:
    return {
        site: load_site(Path(study["sites_dir"]) / f"{site}.yaml", schema_dir)
        for site in study["sites"]
    }


def check_exports(site: dict, config_file: str | Path, project_dir: str | Path = ".") -> None:
    """Every export a site config names exists; a missing one names its config key and line."""
    lines = yaml_lines(config_file)
    for table, cfg in site["tables"].items():
        path = Path(project_dir) / cfg["path"]
        if not path.is_file():
            line = lines.get(("tables", table, "path"))
            raise InputError(
                "file not found",
                site=site["site_id"],
                table=table,
                file=cfg["path"],
                config_key=f"tables.{table}.path in {config_file}"
                + (f" (line {line})" if line else ""),
                hint="drop the export there, or correct the path in the site config",
            )


def load_workflow_configs(
    config: dict, *, config_file: str = "config/config.yaml", schema_dir: str | Path = SCHEMA_DIR
) -> dict[str, dict]:
    """What the workflow loads at parse time: the study config (validated in place, with its
    defaults) and every listed site config; missing exports when the demo cannot make them."""
    schema_dir = Path(schema_dir)
    validate(config, schema_dir / "config.schema.yaml", source=config_file, kind="study config")
    sites, messages = {}, []
    for site in config["sites"]:
        path = Path(config["sites_dir"]) / f"{site}.yaml"
        if not path.is_file():
            messages.append(
                f"{config_file}: sites lists {site!r} but {path} does not exist: "
                "write the site config (peermentor site draft) or remove the site from sites"
            )
            continue
        try:
            sites[site] = load_site(path, schema_dir)
        except ConfigError as err:
            messages.append(str(err))
    if messages:
        raise ConfigError("\n".join(messages))
    if not config["demo"]["enabled"]:  # the demo generates its sites' exports
        for site, cfg in sites.items():
            check_exports(cfg, Path(config["sites_dir"]) / f"{site}.yaml")
    return sites
