"""Errors a data manager can act on: what went wrong, where, and which config key fixes it."""

from __future__ import annotations

from collections.abc import Sequence


class PeermentorError(Exception):
    """Base class: the message is complete and meant for a person, not a traceback."""


class InputError(PeermentorError):
    """An export cannot be read or mapped at all."""

    def __init__(
        self,
        problem: str,
        *,
        site: str | None = None,
        table: str | None = None,
        file: str | None = None,
        column: str | None = None,
        values: Sequence[tuple[object, object]] = (),
        config_key: str | None = None,
        hint: str | None = None,
    ):
        self.problem = problem
        self.site, self.table, self.file, self.column = site, table, file, column
        self.values = list(values)
        self.config_key = config_key
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        where = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("site", self.site),
                ("table", self.table),
                ("file", self.file),
                ("column", repr(self.column) if self.column else None),
            )
            if value
        )
        lines = [f"{where}: {self.problem}" if where else self.problem]
        if self.values:
            shown = "; ".join(f"row {row}: {value!r}" for row, value in self.values[:5])
            more = f" (and {len(self.values) - 5} more)" if len(self.values) > 5 else ""
            lines.append(f"  offending values: {shown}{more}")
        if self.config_key:
            lines.append(f"  fix: config key {self.config_key}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class ConfigError(PeermentorError):
    """The study or site configuration is invalid."""


class SaltError(PeermentorError):
    """No pseudonymization salt is available for a real (non-demo) run."""
