"""The interview mapping file (config/interviews/*.yaml): the schema, then what it alone can check.

Same messages as the site configs: the file, the YAML line, the key path and what would fix it
(did-you-mean for a theme id that does not exist, the allowed values).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from peermentor.config.messages import Problems
from peermentor.config.read import load_yaml
from peermentor.config.schema import SCHEMA_DIR, validate

KIND = "interview mapping"


def load_interview_mapping(path: str | Path, schema_dir: str | Path = SCHEMA_DIR) -> dict:
    """The mapping, validated, defaults filled; themes checked against each other and the codes."""
    mapping = load_yaml(path)
    problems = Problems(str(path), KIND, path)
    _key_texts(mapping)
    _todos(mapping, (), problems)
    problems.raise_if_any()  # a draft's TODOs first: they would fail the schema anyway
    validate(mapping, Path(schema_dir) / "interviews.schema.yaml", source=str(path), kind=KIND)
    _check_themes(mapping["themes"], problems)
    ids = [t["id"] for t in mapping["themes"]]
    for code, theme in mapping["codes"].items():
        if theme is not None and theme not in ids:
            close = difflib.get_close_matches(theme, ids, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"themes: {', '.join(ids)}"
            problems.add(("codes", code), f"{theme!r} is not a theme id of themes; {hint}")
    export = mapping["export"]
    if export["format"] == "segments" and "columns" not in export:
        problems.add(("export",), "format segments needs export.columns (document, coder, code)")
    if export["format"] == "segments":
        columns = export.get("columns", {})
        if "text" not in columns and not ({"start", "end"} <= set(columns)):
            problems.add(("export", "columns"), "give text, or start and end (offsets)")
    if mapping["roster"] is None and not export.get("role_variable"):
        problems.add(
            ("roster",),
            "no source of roles: give a roster (path, columns), or export.role_variable",
        )
    problems.raise_if_any()
    mapping["roles"] = {str(word).strip().lower(): role for word, role in mapping["roles"].items()}
    return mapping


def _todos(node, path: tuple, problems: Problems) -> None:
    """Values a draft left as TODO (``peermentor interviews draft``): a person must decide."""
    if isinstance(node, dict):
        for key, value in node.items():
            _todos(value, (*path, key), problems)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _todos(value, (*path, i), problems)
    elif node == "TODO":
        problems.add(path, "still TODO: replace it with the right value (docs/interviews.md)")


def _key_texts(mapping: dict) -> None:
    """Keys compared with the export's text become text (a code named 2019 is the text "2019")."""
    for key in ("codes", "coders", "roles"):
        value = mapping.get(key)
        if isinstance(value, dict):
            for k in [k for k in value if not isinstance(k, str)]:
                value[str(k)] = value.pop(k)


def _check_themes(themes: list[dict], problems: Problems) -> None:
    ids = [t["id"] for t in themes]
    processes = [t["id"] for t in themes if t["kind"] == "process"]
    for i, theme in enumerate(themes):
        if ids.index(theme["id"]) != i:
            problems.add(("themes", i, "id"), f"theme id {theme['id']!r} is given twice")
        parent = theme.get("process")
        if theme["kind"] == "subtheme":
            if parent is None:
                problems.add(("themes", i), "a subtheme needs process: the id of its process")
            elif parent not in processes:
                close = difflib.get_close_matches(parent, processes, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"processes: {processes}"
                problems.add(("themes", i, "process"), f"{parent!r} is not a process; {hint}")
        elif parent not in (None, theme["id"]):
            problems.add(
                ("themes", i, "process"),
                f"a {theme['kind']} is its own process: remove process or set it to "
                f"{theme['id']!r}",
            )
