"""Streaming the sites' clean tables into the study table: the same bytes as combining in memory."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from peermentor.clean.combine import combine_files, combine_tables, stream_combine
from peermentor.clean.validate import validate_table
from peermentor.errors import PeermentorError
from peermentor.io import write_parquet


def families(site: str, rows: list[tuple[str, str | None, int | None]]) -> pd.DataFrame:
    """Clean family rows: (family_id, outcome_at_closure, rucc)."""
    n = len(rows)
    return pd.DataFrame(
        {
            "family_id": [r[0] for r in rows],
            "site_id": [site] * n,
            "mentor_id": ["M-1"] * n,
            "case_open_date": pd.to_datetime(["2018-03-01"] * n),
            "case_close_date": pd.to_datetime(
                [None if r[1] is None else "2019-01-31" for r in rows]
            ),
            "outcome_at_closure": pd.Series([r[1] for r in rows], dtype=object),
            "n_children": [2] * n,
            "rucc": pd.array([r[2] for r in rows], dtype="Int64"),
            "rurality": ["urban"] * n,
            "source_row": list(range(2, n + 2)),
        }
    )


def site_files(tmp_path, parts: dict[str, pd.DataFrame]) -> list:
    """Each site's table written as ``clean_site`` writes it."""
    paths = []
    for site, frame in parts.items():
        path = tmp_path / site / "families.parquet"
        write_parquet(validate_table(frame, "families"), path)
        paths.append(path)
    return paths


def in_memory(tmp_path, paths) -> bytes:
    """The study table as ``combine_tables`` and ``write_parquet`` make it."""
    combined, _ = combine_tables([pd.read_parquet(p) for p in paths], "families")
    write_parquet(combined, tmp_path / "in_memory.parquet")
    return (tmp_path / "in_memory.parquet").read_bytes()


def streamed(tmp_path, parts: dict[str, pd.DataFrame], **kwargs) -> tuple[bytes, bytes]:
    paths = site_files(tmp_path, parts)
    out = tmp_path / "study" / "families.parquet"
    rows = stream_combine(paths, "families", out, list(parts), **kwargs)
    assert rows == sum(len(f) for f in parts.values())
    return out.read_bytes(), in_memory(tmp_path, paths)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_sites_with_different_outcome_sets_and_a_column_missing_at_one_site_stream_alike(
    tmp_path,
):
    # alpha has no closed case (outcome and rucc all missing: stored as type null / nulls);
    # beta and gamma know other outcome sets.
    parts = {
        "alpha": families("alpha", [("F-1", None, None), ("F-2", None, None)]),
        "beta": families("beta", [("F-3", "unified", 3)]),
        "gamma": families("gamma", [("F-4", "separated", 7), ("F-5", "separated", None)]),
    }
    assert str(pq.read_schema(site_files(tmp_path, parts)[0]).field("outcome_at_closure").type) == (
        "null"
    )
    stream, memory = streamed(tmp_path, parts)
    assert sha(stream) == sha(memory)
    back = pd.read_parquet(tmp_path / "study" / "families.parquet")
    assert back["family_id"].tolist() == ["F-1", "F-2", "F-3", "F-4", "F-5"]
    assert back["outcome_at_closure"].isna().tolist() == [True, True, False, False, False]
    assert back["rucc"].tolist()[2:4] == [3, 7]


def test_a_column_missing_at_every_site_stays_type_null(tmp_path):
    parts = {s: families(s, [(f"F-{s}", None, None)]) for s in ("alpha", "beta")}
    stream, memory = streamed(tmp_path, parts)
    assert sha(stream) == sha(memory)
    field = pq.read_schema(tmp_path / "study" / "families.parquet").field("outcome_at_closure")
    assert str(field.type) == "null"


def test_a_site_with_no_rows_and_a_single_site(tmp_path):
    parts = {
        "alpha": families("alpha", [("F-1", "unified", 1)]),
        "empty": families("empty", []),
        "beta": families("beta", [("F-2", None, 9)]),
    }
    stream, memory = streamed(tmp_path / "three", parts)
    assert sha(stream) == sha(memory)
    one = {"alpha": families("alpha", [("F-1", "unified", 1), ("F-2", None, None)])}
    stream, memory = streamed(tmp_path / "one", one)
    assert sha(stream) == sha(memory)


def test_no_rows_at_any_site_is_one_empty_row_group_as_in_memory(tmp_path):
    parts = {s: families(s, []) for s in ("alpha", "beta")}
    stream, memory = streamed(tmp_path, parts)
    assert sha(stream) == sha(memory)
    assert pq.ParquetFile(tmp_path / "study" / "families.parquet").metadata.num_row_groups == 1


def test_row_groups_are_cut_where_pyarrow_cuts_the_whole_table(tmp_path):
    # 3 + 2 + 2 rows in row groups of 3: [F-1 F-2 F-3] [F-4 F-5 F-6] [F-7], across sites.
    parts = {
        "alpha": families("alpha", [("F-1", None, 1), ("F-2", "unified", 2), ("F-3", None, 3)]),
        "beta": families("beta", [("F-4", "separated", 4), ("F-5", None, 5)]),
        "gamma": families("gamma", [("F-6", None, None), ("F-7", "unified", 7)]),
    }
    stream, _ = streamed(tmp_path, parts, row_group_rows=3)
    combined, _ = combine_tables(
        [pd.read_parquet(tmp_path / s / "families.parquet") for s in parts], "families"
    )
    combined.to_parquet(
        tmp_path / "whole.parquet", index=False, compression="zstd", row_group_size=3
    )
    assert sha(stream) == sha((tmp_path / "whole.parquet").read_bytes())
    metadata = pq.ParquetFile(tmp_path / "study" / "families.parquet").metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [3, 3, 1]


def test_an_id_two_sites_share_stops_naming_it_and_both_sites_and_writes_nothing(tmp_path):
    parts = {
        "alpha": families("alpha", [("F-1", None, None), ("F-2", None, None)]),
        "beta": families("beta", [("F-3", None, None)]),
        "gamma": families("gamma", [("F-2", None, None)]),
    }
    paths = site_files(tmp_path, parts)
    out = tmp_path / "study" / "families.parquet"
    with pytest.raises(PeermentorError) as err:
        stream_combine(paths, "families", out, list(parts))
    message = str(err.value)
    assert "family_id must be unique across sites" in message
    assert "F-2 (sites alpha, gamma)" in message
    assert "F-3" not in message
    assert not out.exists()
    assert list((tmp_path / "study").iterdir()) == []  # no temporary file left either


def test_equal_hashes_of_different_ids_do_not_stop_the_run(tmp_path, monkeypatch):
    # Every id hashed alike: the values themselves are compared and found distinct.
    monkeypatch.setattr(
        pd.util, "hash_array", lambda values, **_: np.zeros(len(values), dtype=np.uint64)
    )
    parts = {
        "alpha": families("alpha", [("F-1", None, None)]),
        "beta": families("beta", [("F-2", "unified", 4)]),
    }
    stream, memory = streamed(tmp_path, parts)
    assert sha(stream) == sha(memory)


def test_a_site_file_of_another_layout_stops_naming_the_file(tmp_path):
    good = site_files(tmp_path, {"alpha": families("alpha", [("F-1", None, None)])})
    old = tmp_path / "beta" / "families.parquet"
    write_parquet(families("beta", [("F-2", None, None)]).drop(columns="rurality"), old)
    with pytest.raises(PeermentorError) as err:
        stream_combine([*good, old], "families", tmp_path / "out.parquet", ["alpha", "beta"])
    assert str(old) in str(err.value)
    assert "rerun the site's clean_site step" in str(err.value)
    assert not (tmp_path / "out.parquet").exists()


def test_a_site_column_that_cannot_take_the_study_type_stops_naming_the_file(tmp_path):
    good = site_files(tmp_path, {"alpha": families("alpha", [("F-1", None, None)])})
    text = tmp_path / "beta" / "families.parquet"
    write_parquet(families("beta", [("F-2", None, None)]).assign(n_children="two"), text)
    with pytest.raises(PeermentorError, match="cannot take the study's types") as err:
        stream_combine([*good, text], "families", tmp_path / "out.parquet", ["alpha", "beta"])
    assert str(text) in str(err.value)


def test_mentors_are_merged_in_memory_the_other_tables_streamed(tmp_path):
    mentor = pd.DataFrame(
        {
            "mentor_id": ["M-1"],
            "site_id": ["alpha"],
            "hire_date": pd.to_datetime(["2012-01-01"]),
            "end_date": pd.NaT,
            "exit_reason": "still_employed",
            "source_row": [2],
        }
    )
    paths = []
    for site in ("alpha", "beta"):
        path = tmp_path / site / "mentors.parquet"
        write_parquet(validate_table(mentor.assign(site_id=site), "mentors"), path)
        paths.append(path)
    out = tmp_path / "study" / "mentors.parquet"
    rows, merged = combine_files(paths, "mentors", out, ["alpha", "beta"], ["hr.csv"] * 2)
    assert rows == 1
    assert merged == [
        "mentor M-1 is listed by sites alpha, beta with the same record; kept once under alpha"
    ]
    assert pd.read_parquet(out)["site_id"].tolist() == ["alpha"]
    family_paths = site_files(tmp_path, {"alpha": families("alpha", [("F-1", None, None)])})
    rows, merged = combine_files(
        family_paths, "families", tmp_path / "study" / "families.parquet", ["alpha"], ["f.csv"]
    )
    assert (rows, merged) == (1, [])
