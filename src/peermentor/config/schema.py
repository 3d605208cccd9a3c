"""JSON schema validation with Snakemake's default filling, and the schemas' folder."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path

import jsonschema

from peermentor.config.messages import Problems, describe_error
from peermentor.config.read import load_yaml

SCHEMA_DIR = Path("workflow/schemas")


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
    problems = Problems(source, kind, line_file if line_file is not None else source)
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
        problems.add(path, describe_error(err))
    problems.raise_if_any()
    return data


def _unknown_keys(err, problems: Problems) -> set[tuple[str, ...]]:
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
