"""A drafted site config: the mapping so far, comments beside its keys, and its TODOs.

``TODO`` marks a value a person must decide; ``peermentor site check`` refuses a
config that still holds one, so a draft can never run half-decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TODO = "TODO"


@dataclass
class Draft:
    """A drafted site config, the comments written beside its keys, and where tables came from."""

    config: dict
    comments: dict[tuple, str] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)  # table -> export label
    abbreviations: list[tuple] = field(default_factory=list)  # codes guessed: check them

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
