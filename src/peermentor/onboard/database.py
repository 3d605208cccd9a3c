"""Database tables for ``site inspect`` and ``site draft``: read as ingestion reads them.

``peermentor site inspect --database ENV_VAR contacts families`` reads each named table
(or a ``SELECT ...`` query) through ``peermentor.ingest.sql.read_database``, with the URL
taken from the environment variable, so what the draft maps is what a run will read.
"""

from __future__ import annotations

from dataclasses import dataclass

from peermentor.errors import InputError
from peermentor.ingest.read import SOURCE_ROW
from peermentor.ingest.sql import read_database
from peermentor.onboard.files import Export


@dataclass
class DatabaseTable(Export):
    """One table or query of a database (``path`` holds its name or the query text)."""

    @property
    def label(self) -> str:
        spec = self.options["sql"]
        return f"table {spec['table']}" if "table" in spec else f"query {spec['query']!r}"

    @property
    def title(self) -> str:
        return self.options["sql"].get("table", "")


def read_tables(url_env: str, names: list[str]) -> list[DatabaseTable]:
    """Each named table (``schema.table``) or ``SELECT`` query, with its rows numbered."""
    tables = []
    for name in names:
        is_query = name.lstrip().lower().startswith(("select", "with"))
        spec = {"url_env": url_env, ("query" if is_query else "table"): name}
        try:
            frame = read_database(spec, where={}, key="sql")
        except InputError as err:  # no site config yet: no config key to name
            raise InputError(err.problem, hint=err.hint) from None
        frame[SOURCE_ROW] = range(2, len(frame) + 2)
        tables.append(DatabaseTable(name, {"format": "sql", "sql": spec}, frame))
    return tables
