"""Writing a drafted site config as YAML with comments beside the keys they explain.

PyYAML cannot write comments, so the draft is written here; the text is read back
with ``yaml.safe_load`` and must give the same mapping, so quoting can never change
what the pipeline reads.
"""

from __future__ import annotations

import json
import re

import yaml

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ ./()-]*")
# Words some YAML readers take for booleans or null: always quoted.
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def render(config: dict, comments: dict[tuple, str], header: list[str]) -> str:
    """YAML text of ``config``; ``comments`` maps a key path to the note written beside it."""
    lines = [f"# {line}".rstrip() for line in header]
    _emit(config, (), lines, comments)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != config:
        raise ValueError("drafted YAML does not read back as drafted (a bug, please report)")
    return text


def _emit(node: dict, path: tuple, lines: list[str], comments: dict[tuple, str]) -> None:
    pad = "  " * len(path)
    for key, value in node.items():
        here = (*path, key)
        note = comments.get(here)
        tail = "  # " + " ".join(note.split()) if note else ""
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{scalar(key)}:{tail}")
            _emit(value, here, lines, comments)
        else:
            lines.append(f"{pad}{scalar(key)}: {_flow(value)}{tail}")


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}"
    return scalar(value)


def scalar(value) -> str:
    """A YAML scalar: plain when it reads back as the same string, else double-quoted."""
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)  # None: null (a REDCap table's base rows)
    text = str(value)
    plain = (
        _PLAIN.fullmatch(text)
        and not text.endswith(" ")
        and text.lower() not in _RESERVED
        and yaml.safe_load(text) == text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)
