"""Reading a contract table from a SQL database (SQLAlchemy), through a Parquet snapshot.

The connection URL, with its password, lives only in the environment variable the site
config names (``sql.url_env``): it never reaches a config, log, manifest, message or
traceback (docs/design.md section 12). What was read is kept as a snapshot
(``results/interim/<site>/snapshot/<table>.parquet``) beside a record of the query, the
row count and the snapshot's SHA-256 (``<table>.json``, listed in the run manifest), so a
rerun and a review use exactly the same rows; the database is read again only when there
is no snapshot yet, when the query changed, or when ``sql.refresh`` asks for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest.files import record_path
from peermentor.io import write_json, write_parquet

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def query_text(spec: dict) -> str:
    """The site's own query, or every row of its table (in ``order_by`` order, if given)."""
    if spec.get("query"):
        return spec["query"].strip()
    query = f"SELECT * FROM {spec['table']}"
    return query + (f" ORDER BY {spec['order_by']}" if spec.get("order_by") else "")


def read_sql_table(table_cfg: dict, snapshot: str | Path, where: dict, table: str) -> pd.DataFrame:
    """The rows of the snapshot: taken from the database first when it is missing or stale."""
    spec, key = table_cfg["sql"], f"tables.{table}.sql"
    record = record_path(snapshot)
    fresh = Path(snapshot).is_file() and record.is_file()
    if fresh:
        fresh = json.loads(record.read_text()).get("query") == query_text(spec)
    if not fresh:
        take_snapshot(spec, snapshot, where=where, key=key)
    frame = pd.read_parquet(snapshot)
    if frame.empty:
        raise InputError(
            f"the database returned no rows for: {query_text(spec)}",
            **where,
            config_key=f"{key}.{'query' if spec.get('query') else 'table'}",
        )
    return frame.reset_index(drop=True)


def take_snapshot(spec: dict, snapshot: str | Path, *, where: dict, key: str) -> dict:
    """Read the database, write the snapshot and its record; the record is returned."""
    frame = read_database(spec, where=where, key=key)
    write_parquet(frame, snapshot)
    record = {
        "query": query_text(spec),
        "rows": len(frame),
        "columns": [str(c) for c in frame.columns],
        "sha256": hashlib.sha256(Path(snapshot).read_bytes()).hexdigest(),
        "url_env": spec["url_env"],  # the variable's name; its value is never written
    }
    write_json(record, record_path(snapshot))
    return record


def read_database(spec: dict, *, where: dict, key: str) -> pd.DataFrame:
    """Every row the query returns; each failure a message without the URL or its password."""
    env = spec["url_env"]
    url = os.environ.get(env, "")
    if not url:
        raise InputError(
            f"the environment variable {env} is not set: it must hold the database URL",
            **where,
            config_key=f"{key}.url_env",
            hint=f"export {env}='postgresql+psycopg://USER:PASSWORD@HOST/DB' before the run "
            "(never in a config file)",
        )
    if spec.get("table") and not _NAME.match(spec["table"]):
        raise InputError(
            f"{spec['table']!r} is not a table name (schema.table); write a query instead",
            **where,
            config_key=f"{key}.table",
        )
    import sqlalchemy  # here, not at the top: only a SQL site pays its import (about 0.4 s)

    try:
        engine = sqlalchemy.create_engine(url)
    except Exception as err:  # ArgumentError, NoSuchModuleError, ImportError of a driver
        raise InputError(
            f"the environment variable {env} does not hold a usable SQLAlchemy URL "
            f"({type(err).__name__}: {_scrub(str(err), url)})",
            **where,
            config_key=f"{key}.url_env",
        ) from None
    try:
        return _query(engine, spec, url, where, key)
    finally:
        engine.dispose()


def _query(engine, spec: dict, url: str, where: dict, key: str) -> pd.DataFrame:
    import sqlalchemy  # loaded already by read_database, which made the engine

    database = _database(url)
    try:
        connection = engine.connect()
    except Exception as err:  # OperationalError: refused, wrong password, unknown database
        raise InputError(
            f"cannot connect to the database {database}: {_reason(err, url)}",
            **where,
            config_key=f"{key}.url_env",
            hint="check the user, password, host and database in the environment variable",
        ) from None
    with connection:
        try:
            return pd.read_sql_query(sqlalchemy.text(query_text(spec)), connection)
        except Exception as err:  # ProgrammingError (missing table), DataError, ...
            obj = f"table {spec['table']!r}" if spec.get("table") else "the query"
            raise InputError(
                f"reading {obj} from the database {database} failed: {_reason(err, url)}",
                **where,
                config_key=f"{key}.{'table' if spec.get('table') else 'query'}",
            ) from None


def make_url(url: str):
    """SQLAlchemy's URL parser, imported when a SQL site needs it."""
    from sqlalchemy.engine import make_url as parse

    return parse(url)


def _database(url: str) -> str:
    """The database a person recognises: its dialect, host and name, never user or password."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparseable URL: say nothing of it
        return "(unreadable URL)"
    name = Path(parsed.database).name if parsed.database else "(default)"
    return f"{parsed.get_backend_name()} {name} on {parsed.host or 'local file'}"


def _reason(err: Exception, url: str) -> str:
    """The driver's own first line (SQLAlchemy adds the statement and a link), scrubbed."""
    original = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return _scrub(lines[0] if lines else type(original).__name__, url)


def _scrub(text: str, url: str) -> str:
    """Remove the URL and its password, whatever a driver chose to print."""
    secrets = [url]
    try:
        parsed = make_url(url)
        secrets += [parsed.password or "", parsed.render_as_string(hide_password=False)]
    except Exception:  # nothing more to find in an unparseable URL
        pass
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(str(secret), "***")
    return text
