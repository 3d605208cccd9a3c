"""A site read from a real PostgreSQL server (psycopg): the same tables as its CSV export.

The server is Debian's ``postgresql`` package (``.ci/run`` installs it): ``initdb`` and
``pg_ctl`` start a throwaway cluster in a temp directory on a free port, with a password, as
a non-root user. Where the binaries are absent (a developer machine) the tests skip with
the reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from demo_helpers import build
from ingest_helpers import pipeline_error, run_site
from sql_helpers import URL_ENV, as_sql, load_site, sql_site

from peermentor.clean.site import clean_site
from peermentor.ingest.files import site_files
from peermentor.ingest.pseudonymize import DEMO_SALT
from peermentor.ingest.site import ingest_site


def _pg_bin() -> Path:
    """Debian's server binaries (the newest major version installed), or PEERMENTOR_PG_BIN."""
    if os.environ.get("PEERMENTOR_PG_BIN"):
        return Path(os.environ["PEERMENTOR_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
PASSWORD = "pm-Secret-7781"  # the test asserts no message ever shows it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as(user: str | None, *args: str) -> None:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, user=user
    )
    if result.returncode != 0:
        pytest.fail(f"{args[0]} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")


@pytest.fixture(scope="module")
def postgres():
    """(URL, port) of a fresh PostgreSQL cluster, stopped after the module's tests."""
    if not (PG_BIN / "initdb").is_file():
        pytest.skip(
            f"PostgreSQL not installed ({PG_BIN}/initdb missing): apt-get install postgresql"
        )
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a 'postgres' user to run the server as")
        user = "postgres"
    # Not under pytest's tmp dir: its parents are private to the user running the tests.
    root = Path(tempfile.mkdtemp(prefix="peermentor-pg-"))
    data, sockets, pwfile = root / "data", root / "sockets", root / "pw"
    sockets.mkdir()
    pwfile.write_text(PASSWORD + "\n")
    if user:
        for path in (root, sockets, pwfile):
            shutil.chown(path, user)
    try:
        _run_as(
            user, PG_BIN / "initdb", "-D", data, "-U", "peermentor", "--auth=scram-sha-256",
            f"--pwfile={pwfile}", "--no-sync",
        )  # fmt: skip
        port = _free_port()
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run_as(
            user, PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", root / "log", "-w", "start"
        )
        try:
            yield f"postgresql+psycopg://peermentor:{PASSWORD}@127.0.0.1:{port}/postgres", port
        finally:
            _run_as(user, PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_site(postgres, tmp_path, monkeypatch):
    url, _ = postgres
    monkeypatch.setenv(URL_ENV, url)
    return sql_site(tmp_path, url)


def test_postgres_site_ingests_as_the_csv_export(pg_site):
    cfg, csv_cfg = pg_site
    ours, theirs = run_site(cfg), run_site(csv_cfg)
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])
        pd.testing.assert_frame_equal(ours.quarantine[table], theirs.quarantine[table])


def test_wrong_password_is_never_printed(pg_site, postgres, monkeypatch):
    cfg, _ = pg_site
    _, port = postgres
    wrong = "Wrong-Pass-4410"
    monkeypatch.setenv(
        URL_ENV, f"postgresql+psycopg://peermentor:{wrong}@127.0.0.1:{port}/postgres"
    )
    msg = pipeline_error(cfg)
    assert "cannot connect to the database postgresql postgres on 127.0.0.1" in msg
    assert "password authentication failed" in msg
    assert wrong not in msg and PASSWORD not in msg
    assert "fix: config key tables.mentors.sql.url_env" in msg


def test_missing_table_and_failing_query(pg_site):
    cfg, _ = pg_site
    cfg["tables"]["mentors"]["sql"]["table"] = "staff"
    msg = pipeline_error(cfg)
    assert 'relation "staff" does not exist' in msg and "tables.mentors.sql.table" in msg
    assert PASSWORD not in msg
    cfg["tables"]["mentors"]["sql"] = {
        "url_env": URL_ENV, "query": 'SELECT "Id", 1/0 AS boom FROM mentors',
    }  # fmt: skip
    msg = pipeline_error(cfg)
    assert "division by zero" in msg and "tables.mentors.sql.query" in msg
    assert PASSWORD not in msg


def _ingest_and_clean(site_cfg: dict, project: Path):
    mapped = ingest_site(site_cfg, salt=DEMO_SALT.encode(), rucc_threshold=4, project_dir=project)
    files = site_files(site_cfg, project)
    return clean_site(
        mapped, site="jefferson", files=files, grace_days=14, data_cutoff="2017-12-31"
    )


def test_a_demo_site_from_postgres_gives_the_tables_of_its_files(postgres, tmp_path, monkeypatch):
    """jefferson's demo exports (defects and all) loaded into PostgreSQL, read back by config."""
    url, _ = postgres
    monkeypatch.setenv(URL_ENV, url)
    _, site_cfgs, project = build(tmp_path, ["jefferson"])
    files_cfg = site_cfgs["jefferson"]
    load_site(files_cfg, url, project)
    from_db = _ingest_and_clean(as_sql(files_cfg, tmp_path / "snapshot"), project)
    from_files = _ingest_and_clean(files_cfg, project)
    assert len(from_files.kept["contacts"]) > 1000
    # The injected defects are quarantined alike; the shared roster is filtered alike.
    # Where a row came from differs by nature: source_file is the snapshot or the CSV, and
    # source_row a database record's number + 1 or the CSV's physical line (jefferson's
    # notes hold newlines, so a record can span several lines).
    where = ["source_file", "source_row"]
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(
            from_db.kept[table].drop(columns=where, errors="ignore"),
            from_files.kept[table].drop(columns=where, errors="ignore"),
        )
        pd.testing.assert_frame_equal(
            from_db.quarantine[table].drop(columns=where),
            from_files.quarantine[table].drop(columns=where),
        )
    assert len(from_files.quarantine["contacts"]) > 0
