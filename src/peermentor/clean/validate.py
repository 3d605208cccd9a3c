"""pandera schemas generated from the one definition of the contract (contract.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from peermentor import contract
from peermentor.errors import PeermentorError
from peermentor.ingest.read import SOURCE_ROW

if TYPE_CHECKING:
    import pandera.pandas as pa

_DTYPES = {
    "string": object,
    "date": "datetime64[ns]",
    "category": object,
    "int": "Int64",
    "float": "float64",
    "bool": "bool",
}


def _checks(col: contract.Column) -> list[pa.Check]:
    import pandera.pandas as pa  # on use: combining the sites does not need pandera (~0.6 s)

    checks = []
    if col.allowed is not None:
        checks.append(pa.Check.isin(list(col.allowed)))
    if col.minimum is not None:
        checks.append(pa.Check.ge(col.minimum))
    if col.maximum is not None:
        checks.append(pa.Check.le(col.maximum))
    return checks


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a canonical table; extra columns (source_row) are allowed."""
    import pandera.pandas as pa

    columns = {
        col.name: pa.Column(
            _DTYPES[col.kind],
            checks=_checks(col),
            nullable=col.nullable,
            unique=col.unique,
            coerce=True,
        )
        for col in contract.TABLES[table]
    }
    return pa.DataFrameSchema(columns, strict=False, name=table)


def validate_table(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Coerce to canonical dtypes and column order and check every contract rule."""
    import pandera.pandas as pa

    ordered = [c for c in contract.columns(table)] + [c for c in (SOURCE_ROW,) if c in frame]
    try:
        return schema(table).validate(frame[ordered].reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as err:
        summary = err.failure_cases.head(10).to_string(index=False)
        raise PeermentorError(
            f"table {table} breaks the data contract after cleaning "
            f"(a bug, please report):\n{summary}"
        ) from None


def combine_sites(parts: list[pd.DataFrame], table: str) -> pd.DataFrame:
    """Stack the sites' clean tables; ids must stay unique across sites."""
    combined = pd.concat(parts, ignore_index=True)
    return validate_table(combined, table)
