"""The wording of config problems: one message per file, each problem at its line and key.

A problem says what is wrong and what would fix it (the allowed values, what YAML did to
an unquoted value), never the schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from peermentor.config.read import yaml_lines
from peermentor.errors import ConfigError

_MAX_PROBLEMS = 10
_QUOTE_HINT = (
    "quote it: YAML reads unquoted yes/no/true/false/on/off as booleans and digits as numbers"
)


class Problems:
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


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys",
    "array": "a list",
}


def describe_error(err) -> str:
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
