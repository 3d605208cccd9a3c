"""The demo's REDCap (kenton) and SPSS (daviess) exports read back as CSV/Parquet would."""

from __future__ import annotations

import copy
import hashlib

import pandas as pd
import pyreadstat
import pytest
from demo_helpers import build, ingest

from peermentor.demo.build import build_demo
from peermentor.ingest.redcap import read_dictionary


def plain_twin(site_cfg: dict) -> dict:
    """The same site config, read from CSV (REDCap) or Parquet (SPSS) files instead."""
    twin = copy.deepcopy(site_cfg)
    for table, cfg in twin["tables"].items():
        if cfg["format"] in ("redcap", "spss"):
            suffix = "csv" if cfg["format"] == "redcap" else "parquet"
            cfg.pop("redcap", None)
            cfg.update(path=f"data/raw/twin/{twin['site_id']}_{table}.{suffix}", format=suffix)
    return twin


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build(tmp_path_factory.mktemp("demo"), ["kenton", "daviess"])


@pytest.fixture(scope="module")
def twin_demo(tmp_path_factory, demo):
    """The same demo with kenton and daviess writing CSV and Parquet files instead."""
    _, site_cfgs, _ = demo
    project = tmp_path_factory.mktemp("twin")
    twins = {site: plain_twin(cfg) for site, cfg in site_cfgs.items()}
    build_demo(
        twins, seed=7, scale=1, data_cutoff="2017-12-31",
        truth_file="data/raw/demo_truth.json", project_dir=project,
    )  # fmt: skip
    return twins, project


@pytest.mark.parametrize("site", ["kenton", "daviess"])
def test_same_canonical_rows_as_the_plain_formats(demo, twin_demo, site):
    _, site_cfgs, project = demo
    twins, twin_project = twin_demo
    ours, theirs = ingest(project, site_cfgs[site]), ingest(twin_project, twins[site])
    for table in ("families", "contacts", "mentors"):
        a = ours[table].drop(columns="source_row")
        b = theirs[table].drop(columns="source_row")
        if site == "kenton" and table == "contacts":  # REDCap: a record's instances together
            a, b = (f.sort_values(["family_id", "contact_id"], kind="stable") for f in (a, b))
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_redcap_layout(demo):
    _, _, project = demo
    records = pd.read_csv(project / "data/raw/kenton/kenton_records.csv", dtype=str)
    assert list(records.columns[:3]) == [
        "case_number", "redcap_repeat_instrument", "redcap_repeat_instance",
    ]  # fmt: skip
    base = records[records["redcap_repeat_instrument"].isna()]
    log = records[records["redcap_repeat_instrument"] == "contact_log"]
    assert base["contact_type"].isna().all() and log["intake_date"].isna().all()
    assert {"services___1", "services___7", "case_intake_complete", "contact_log_complete"} <= set(
        records.columns
    )
    assert log["contact_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()  # ISO, though date_mdy
    dictionary = read_dictionary(project / "data/raw/kenton/kenton_dictionary.csv")
    assert dictionary.record_id == "case_number"
    assert dictionary.fields["intake_date"].validation == "date_mdy"
    assert dictionary.fields["contact_type"].choices == {
        "1": "Face to face", "2": "Phone", "3": "Text or email", "4": "Other",
    }  # fmt: skip
    assert dictionary.fields["services"].type == "checkbox"


def test_spss_layout(demo):
    _, _, project = demo
    frame, meta = pyreadstat.read_sav(project / "data/raw/daviess/families.sav", user_missing=True)
    assert meta.variable_value_labels["closure_outcome"] == {
        1.0: "reunified", 2.0: "not reunified", -9.0: "not recorded",
    }  # fmt: skip
    assert meta.missing_ranges["closure_outcome"] == [{"lo": -9.0, "hi": -9.0}]
    assert (frame["closure_outcome"] == -9).sum() > 0  # open cases: declared missing
    assert meta.original_variable_types["opened_on"].startswith("DATE")


def test_the_demo_writes_the_same_bytes_again(demo, tmp_path):
    _, _, project = demo
    _, _, project2 = build(tmp_path, ["kenton", "daviess"])
    for name in ("kenton/kenton_records.csv", "kenton/kenton_dictionary.csv",
                 "daviess/families.sav", "daviess/contacts.sav"):  # fmt: skip
        one, two = (hashlib.sha256((p / "data/raw" / name).read_bytes()).hexdigest()
                    for p in (project, project2))  # fmt: skip
        assert one == two, name
