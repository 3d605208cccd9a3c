"""Reading a config file: the YAML mapping, and the line of every key for the messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from peermentor.errors import ConfigError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
