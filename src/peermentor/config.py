"""Loading and validating the study config and the site configs outside Snakemake (CLI, tests).

The workflow validates the same files against the same JSON schemas with
``snakemake.utils.validate``; this module gives the CLI identical rules.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from peermentor.errors import ConfigError

SCHEMA_DIR = Path("workflow/schemas")


def load_yaml(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return data


def validate(data: dict, schema_path: str | Path, *, source: str) -> dict:
    """Validate against a JSON schema, filling defaults; errors name the offending key."""
    schema = load_yaml(schema_path)
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        lines = [f"{source}: invalid configuration"]
        for err in errors[:10]:
            key = ".".join(str(p) for p in err.path) or "(top level)"
            lines.append(f"  key {key}: {err.message}")
        raise ConfigError("\n".join(lines))
    _fill_defaults(data, schema)
    return data


def _fill_defaults(data: dict, schema: dict) -> None:
    for key, sub in schema.get("properties", {}).items():
        if key not in data and "default" in sub:
            data[key] = sub["default"]
        if isinstance(data.get(key), dict) and sub.get("type") == "object":
            _fill_defaults(data[key], sub)


def load_study(path: str | Path = "config/config.yaml", schema_dir: Path = SCHEMA_DIR) -> dict:
    return validate(load_yaml(path), schema_dir / "config.schema.yaml", source=str(path))


def load_site(path: str | Path, schema_dir: Path = SCHEMA_DIR) -> dict:
    site = validate(load_yaml(path), schema_dir / "site.schema.yaml", source=str(path))
    if Path(path).stem != site["site_id"]:
        raise ConfigError(f"{path}: site_id {site['site_id']!r} must equal the file name")
    return site


def load_sites(study: dict, schema_dir: Path = SCHEMA_DIR) -> dict[str, dict]:
    return {
        site: load_site(Path(study["sites_dir"]) / f"{site}.yaml", schema_dir)
        for site in study["sites"]
    }
