"""Errors a data manager can act on: what went wrong, where, and which config key fixes it."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


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
        contract_column: str | None = None,
        values: Sequence[tuple[object, object]] = (),
        rows_only: bool = False,
        row_label: str = "row",
        config_key: str | None = None,
        hint: str | None = None,
    ):
        self.problem = problem
        self.site, self.table, self.file, self.column = site, table, file, column
        self.contract_column = contract_column
        self.values = list(values)
        self.rows_only = rows_only  # identifiers: the row locates them, the value is never shown
        self.row_label = row_label  # "line" for a CSV file: its physical line, as an editor shows
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
                ("column", self._column()),
            )
            if value
        )
        lines = [f"{where}: {self.problem}" if where else self.problem]
        if self.values:
            more = f" (and {len(self.values) - 5} more)" if len(self.values) > 5 else ""
            if self.rows_only:
                rows = ", ".join(str(row) for row, _ in self.values[:5])
                lines.append(f"  {self.row_label}s: {rows}{more}")
            else:
                shown = "; ".join(
                    f"{self.row_label} {row}: {_shown(value)}" for row, value in self.values[:5]
                )
                lines.append(f"  offending values: {shown}{more}")
        if self.config_key:
            lines.append(f"  fix: config key {self.config_key}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def _column(self) -> str | None:
        """The export's own header first (what the data manager sees), then the contract name."""
        if self.column and self.contract_column and self.column != self.contract_column:
            return f"{self.column!r} ({self.contract_column})"
        if self.column or self.contract_column:
            return repr(self.column or self.contract_column)
        return None


def _shown(value: object) -> str:
    """A cell as a person reads it: numbers as numbers, text quoted, an empty cell as such."""
    text = "" if value is None else str(value)
    if text == "":
        return "(empty)"
    return text if _NUMBER.match(text) else repr(text)


class ConfigError(PeermentorError):
    """The study or site configuration is invalid."""


class SaltError(PeermentorError):
    """No pseudonymization salt is available for a real (non-demo) run."""
