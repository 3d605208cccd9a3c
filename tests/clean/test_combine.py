"""Combining the sites' tables: a mentor two sites' shared roster both list."""

from __future__ import annotations

import pandas as pd
import pytest

from peermentor.clean.combine import combine_tables
from peermentor.errors import PeermentorError


def mentors(site: str, rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Clean mentor rows: (mentor_id, hire_date, source_row)."""
    return pd.DataFrame(
        {
            "mentor_id": [r[0] for r in rows],
            "site_id": site,
            "hire_date": pd.to_datetime([r[1] for r in rows]),
            "end_date": pd.NaT,
            "exit_reason": "still_employed",
            "source_row": [r[2] for r in rows],
        }
    )


FILES = ["data/raw/shared/mentors_hr.csv"] * 2


def test_a_mentor_both_sites_list_alike_is_kept_once_under_the_first():
    a = mentors("alpha", [("M-1", "2012-01-01", 2), ("M-2", "2012-02-01", 3)])
    b = mentors("beta", [("M-3", "2013-01-01", 4), ("M-1", "2012-01-01", 5)])
    combined, merged = combine_tables([a, b], "mentors", FILES)
    assert combined["mentor_id"].tolist() == ["M-1", "M-2", "M-3"]
    assert combined.set_index("mentor_id").loc["M-1", "site_id"] == "alpha"
    assert merged == [
        "mentor M-1 is listed by sites alpha, beta with the same record; kept once under alpha"
    ]


def test_a_mentor_both_sites_list_differently_stops_naming_sites_file_and_rows():
    a = mentors("alpha", [("M-1", "2012-01-01", 2)])
    b = mentors("beta", [("M-1", "2011-11-17", 7)])
    with pytest.raises(PeermentorError) as err:
        combine_tables([a, b], "mentors", FILES)
    message = str(err.value)
    assert "mentor M-1 is listed by sites alpha and beta" in message
    assert "hire_date differ" in message
    assert "site alpha: data/raw/shared/mentors_hr.csv row 2" in message
    assert "site beta: data/raw/shared/mentors_hr.csv row 7" in message
    assert "a bug, please report" not in message


def test_no_shared_mentor_nothing_merged():
    a = mentors("alpha", [("M-1", "2012-01-01", 2)])
    b = mentors("beta", [("M-2", "2012-01-01", 2)])
    combined, merged = combine_tables([a, b], "mentors", FILES)
    assert len(combined) == 2
    assert merged == []
