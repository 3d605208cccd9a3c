"""A site read from a SQL database (SQLite, embedded): snapshots, records and clear stops."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from ingest_helpers import pipeline_error, run_site
from sql_helpers import URL_ENV, sql_site

from peermentor.cli import main
from peermentor.config import load_site
from peermentor.errors import ConfigError
from peermentor.ingest.files import site_files, source_files
from peermentor.ingest.sql import _scrub, query_text
from peermentor.publish.manifest import sha256, snapshot_records


@pytest.fixture
def sqlite_site(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    monkeypatch.setenv(URL_ENV, url)
    return sql_site(tmp_path, url)


def test_database_site_ingests_as_the_csv_export(sqlite_site):
    cfg, csv_cfg = sqlite_site
    ours, theirs = run_site(cfg), run_site(csv_cfg)
    for table in ("families", "contacts", "mentors"):
        pd.testing.assert_frame_equal(ours.kept[table], theirs.kept[table])
        pd.testing.assert_frame_equal(ours.quarantine[table], theirs.quarantine[table])


def test_snapshot_and_its_record_then_the_database_is_not_read_again(sqlite_site, tmp_path):
    cfg, _ = sqlite_site
    first = run_site(cfg)
    snapshot = tmp_path / "snapshot" / "contacts.parquet"
    record = json.loads((tmp_path / "snapshot" / "contacts.json").read_text())
    assert record["query"] == "SELECT * FROM contacts ORDER BY csv_row"
    assert record["rows"] == 6 and record["url_env"] == URL_ENV
    assert "sqlite" not in json.dumps(record) and str(tmp_path / "agency.db") not in json.dumps(
        record
    )
    assert str(snapshot) in source_files(cfg) and str(
        snapshot.with_suffix(".json")
    ) in source_files(cfg)
    (tmp_path / "agency.db").unlink()  # a rerun reads the snapshot, not the database
    again = run_site(cfg)
    pd.testing.assert_frame_equal(first.kept["contacts"], again.kept["contacts"])
    cfg["tables"]["contacts"]["sql"]["order_by"] = "LogId"  # a new query: read again
    assert "no such table: contacts" in pipeline_error(cfg)


def test_a_query_may_rename_and_filter(sqlite_site, tmp_path):
    cfg, _ = sqlite_site
    mentors = cfg["tables"]["mentors"]
    mentors["sql"] = {
        "url_env": URL_ENV,
        "query": "SELECT Id AS emp, Hired, Left, Why, Name FROM mentors WHERE Id = 'm2'",
    }
    mentors["columns"]["mentor_id"] = "emp"
    assert query_text(mentors["sql"]).startswith("SELECT Id AS emp")
    result = run_site(cfg)
    assert len(result.kept["mentors"]) == 1


def test_environment_variable_not_set(sqlite_site, monkeypatch):
    cfg, _ = sqlite_site
    monkeypatch.delenv(URL_ENV)
    msg = pipeline_error(cfg)
    assert f"the environment variable {URL_ENV} is not set" in msg
    assert "fix: config key tables.mentors.sql.url_env" in msg


def test_missing_table_and_failing_query_name_the_object_and_key(sqlite_site):
    cfg, _ = sqlite_site
    cfg["tables"]["mentors"]["sql"]["table"] = "staff"
    msg = pipeline_error(cfg)
    assert "reading table 'staff' from the database sqlite" in msg and "no such table: staff" in msg
    assert "fix: config key tables.mentors.sql.table" in msg
    cfg["tables"]["mentors"]["sql"] = {"url_env": URL_ENV, "query": "SELECT nope FROM mentors"}
    msg = pipeline_error(cfg)
    assert "reading the query" in msg and "no such column: nope" in msg
    assert "fix: config key tables.mentors.sql.query" in msg


def test_an_unreachable_database_never_prints_its_url(sqlite_site, monkeypatch, tmp_path):
    cfg, _ = sqlite_site
    url = f"sqlite:///{tmp_path}/no/such/dir/secret-name.db"
    monkeypatch.setenv(URL_ENV, url)
    msg = pipeline_error(cfg)
    assert "cannot connect to the database sqlite secret-name.db on local file" in msg
    assert url not in msg and "sqlite:///" not in msg
    assert "fix: config key tables.mentors.sql.url_env" in msg
    monkeypatch.setenv(URL_ENV, "nosuchdialect://user:hunter2@host/db")
    msg = pipeline_error(cfg)
    assert "does not hold a usable SQLAlchemy URL" in msg and "hunter2" not in msg


def test_scrub_removes_url_and_password():
    url = "postgresql+psycopg://ana:s3cr%40t@db.example/agency"
    text = f'connection to "{url}" failed: password "s3cr@t" is wrong'
    scrubbed = _scrub(text, url)
    assert "s3cr" not in scrubbed and url not in scrubbed and "***" in scrubbed


def test_the_manifest_lists_each_snapshot_query_without_the_url(sqlite_site, tmp_path):
    cfg, _ = sqlite_site
    run_site(cfg)
    records = snapshot_records(source_files(cfg))
    assert [r["path"] for r in records] == [
        str(tmp_path / "snapshot" / f"{t}.parquet") for t in ("contacts", "families", "mentors")
    ]
    contacts = records[0]
    assert contacts["query"] == "SELECT * FROM contacts ORDER BY csv_row" and contacts["rows"] == 6
    assert contacts["sha256"] == sha256(tmp_path / "snapshot" / "contacts.parquet")
    assert "agency.db" not in json.dumps(records)


def test_inspect_and_draft_read_database_tables(sqlite_site, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["site", "inspect", "--database", URL_ENV, "contacts", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["file"] == "contacts" and report[0]["rows"] == 6
    out = tmp_path / "tiny.yaml"
    args = ["site", "draft", "--site", "tiny", "--database", URL_ENV, "--out", str(out)]
    assert main([*args, "families", "contacts", "mentors"]) == 0
    drafted = yaml.safe_load(out.read_text())["tables"]
    assert drafted["contacts"]["format"] == "sql" and "path" not in drafted["contacts"]
    assert drafted["contacts"]["sql"] == {"url_env": URL_ENV, "table": "contacts"}
    assert drafted["contacts"]["columns"]["contact_id"] == "LogId"
    assert URL_ENV in out.read_text() and "agency.db" not in out.read_text()


def test_site_schema_sql_needs_its_block_and_no_path(sqlite_site, tmp_path):
    cfg, _ = sqlite_site
    path = tmp_path / "tiny.yaml"
    for table in cfg["tables"].values():
        del table["path"]  # the workflow's default: results/interim/<site>/snapshot/<table>
    path.write_text(yaml.safe_dump(cfg))
    loaded = load_site(path)
    assert site_files(loaded)["contacts"] == "results/interim/tiny/snapshot/contacts.parquet"
    del cfg["tables"]["contacts"]["sql"]
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(ConfigError, match="sql"):
        load_site(path)
    cfg["tables"]["contacts"]["format"] = "csv"  # any other format needs its path
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(ConfigError, match="path"):
        load_site(path)
