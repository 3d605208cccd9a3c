"""The study config and its site configs, as the CLI and the workflow load them."""

from __future__ import annotations

from pathlib import Path

from peermentor.config.interviews import load_interview_mapping
from peermentor.config.read import load_yaml, yaml_lines
from peermentor.config.schema import SCHEMA_DIR, validate
from peermentor.config.site import check_exports, load_site
from peermentor.errors import ConfigError, InputError


def load_study(path: str | Path = "config/config.yaml", schema_dir: Path = SCHEMA_DIR) -> dict:
    return validate(
        load_yaml(path),
        Path(schema_dir) / "config.schema.yaml",
        source=str(path),
        kind="study config",
    )


def load_sites(study: dict, schema_dir: Path = SCHEMA_DIR) -> dict[str, dict]:
    return {
        site: load_site(Path(study["sites_dir"]) / f"{site}.yaml", schema_dir)
        for site in study["sites"]
    }


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


def load_interviews(config: dict, schema_dir: str | Path = SCHEMA_DIR) -> dict | None:
    """The interview mapping when ``interviews.enabled`` (validated, defaults filled), else None;
    its export and roster must exist unless the demo makes them."""
    if not config["interviews"]["enabled"]:
        return None
    path = config["interviews"]["mapping"]
    mapping = load_interview_mapping(path, schema_dir)
    if not config["demo"]["enabled"]:
        lines = yaml_lines(path)
        files = [("export", "path", mapping["export"]["path"])]
        if mapping["roster"]:
            files.append(("roster", "path", mapping["roster"]["path"]))
        for *key, file in files:
            if not Path(file).is_file():
                line = lines.get(tuple(key))
                raise InputError(
                    "file not found",
                    file=file,
                    config_key=f"{'.'.join(key)} in {path}" + (f" (line {line})" if line else ""),
                    hint="drop the file there, or correct the path in the interview mapping",
                )
    return mapping
