"""The participant roster: one row per interview (document, participant, role, optional order).

Most QDA tools export no cases or variables, so the study keeps a roster beside the export. A
roster that lists a document twice, or one participant for two interviews, stops the run: the
counts by role would silently count someone twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peermentor.errors import InputError

ROSTER_FIELDS = ("document", "participant", "role", "order")


def read_table(path: str | Path, *, sheet: str | None, config_key: str) -> pd.DataFrame:
    """A CSV or Excel table as text cells, with ``source_row`` (the spreadsheet's row number)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path), config_key=config_key)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, engine="calamine")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise InputError(f"cannot be read as a table ({err})", file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.dropna(how="all")
    return frame.assign(source_row=frame.index + 2).reset_index(drop=True)


def read_roster(cfg: dict) -> pd.DataFrame:
    """document, participant, role (the roster's word), order (Int64 or <NA>), source_row."""
    frame = read_table(cfg["path"], sheet=cfg.get("sheet"), config_key="roster.path")
    columns = {
        "document": "document",
        "participant": "participant",
        "role": "role",
        "order": None,
        **cfg.get("columns", {}),
    }
    wanted = {field: columns[field] for field in ROSTER_FIELDS if columns[field]}
    for field, column in wanted.items():
        if column not in frame.columns:
            raise InputError(
                f"the roster has no column {column!r}; its columns: {', '.join(frame.columns)}",
                file=cfg["path"],
                config_key=f"roster.columns.{field}",
            )
    roster = pd.DataFrame({field: frame[column].str.strip() for field, column in wanted.items()})
    roster["source_row"] = frame["source_row"]
    _check_complete(roster, cfg["path"])
    roster["order"] = _orders(roster, cfg["path"], wanted.get("order"))
    _check_unique(roster, cfg["path"], wanted)
    return roster


def _check_complete(roster: pd.DataFrame, path: str) -> None:
    for field in ("document", "participant", "role"):
        empty = roster.loc[roster[field].isna(), "source_row"].tolist()
        if empty:
            raise InputError(
                f"{field} is empty on {len(empty)} roster row(s)",
                file=path,
                column=field,
                values=[(row, None) for row in empty],
                rows_only=True,
            )


def _orders(roster: pd.DataFrame, path: str, name: str | None) -> pd.Series:
    if "order" not in roster:
        return pd.Series(pd.NA, index=roster.index, dtype="Int64")
    column = roster["order"]
    numbers = pd.to_numeric(column, errors="coerce")
    bad = column[numbers.isna() | (numbers < 1) | (numbers % 1 != 0)]
    if len(bad):
        raise InputError(
            "order must be a whole number from 1",
            file=path,
            column=name,
            values=list(zip(roster.loc[bad.index, "source_row"], bad, strict=True)),
            config_key="roster.columns.order",
        )
    return numbers.astype("Int64")


def _check_unique(roster: pd.DataFrame, path: str, columns: dict) -> None:
    for field in ("document", "participant", "order"):
        if field not in columns:
            continue
        repeated = roster[roster[field].duplicated(keep=False)]
        if len(repeated):
            raise InputError(
                f"the roster lists the same {field} on {len(repeated)} rows: one row per "
                "interview, one interview per participant",
                file=path,
                column=columns[field],
                values=list(zip(repeated["source_row"], repeated[field], strict=True)),
                rows_only=field == "participant",  # a raw participant id is never shown
                hint="remove the repeated rows, or correct the document or participant",
            )
