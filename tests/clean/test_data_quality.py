"""Data-quality flags on one site's kept rows: exact counts on a hand-made site."""

from __future__ import annotations

import pandas as pd

from peermentor.clean.quality import CHECKS, data_quality, quality_flags

T = pd.Timestamp


def site() -> dict[str, pd.DataFrame]:
    mentors = pd.DataFrame(
        {
            "mentor_id": ["M1", "M2", "M3"],
            "hire_date": [T("2012-01-01"), T("2012-01-01"), T("2015-06-01")],
            # M2 left in 2014; M3's end date is before the hire date
            "end_date": [pd.NaT, T("2014-01-01"), T("2015-01-01")],
        }
    )
    families = pd.DataFrame(
        {
            "family_id": ["F1", "F2", "F3", "F4"],
            "mentor_id": ["M1", "M1", "M2", "M2"],
            "case_open_date": [T("2013-01-01"), T("2013-01-01"), T("2013-01-01"), T("2014-03-01")],
            # F2 closed without any contact; F4 opened after its mentor M2 left
            "case_close_date": [T("2014-01-01"), T("2014-01-01"), pd.NaT, pd.NaT],
        }
    )
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4", "C5"],
            "family_id": ["F1", "F1", "F3", "F3", "F4"],
            "mentor_id": ["M1", "M1", "M2", "M2", "M1"],
            "contact_date": [
                T("2013-02-01"),
                T("2013-03-01 14:30"),
                T("2013-06-01"),
                T("2014-02-01"),  # after M2's end date
                T("2017-12-31 09:00"),  # on the cut-off day (later ones never reach here)
            ],
        }
    )
    return {"families": families, "contacts": contacts, "mentors": mentors}


def test_each_check_flags_exactly_its_rows():
    flags = quality_flags(site(), data_cutoff="2017-12-31")
    assert flags["closed_without_contact"].tolist() == [False, True, False, False]
    assert flags["ended_before_hired"].tolist() == [False, False, True]
    assert flags["contact_outside_employment"].tolist() == [False, False, False, True, False]
    assert flags["mentor_left_before_opening"].tolist() == [False, False, False, True]


def test_data_quality_table_counts_per_check():
    table = data_quality(site(), site="s", data_cutoff="2017-12-31")
    assert table["check"].tolist() == list(CHECKS)
    assert dict(zip(table["check"], table["rows_flagged"], strict=True)) == {
        "closed_without_contact": 1,
        "ended_before_hired": 1,
        "contact_outside_employment": 1,
        "mentor_left_before_opening": 1,
    }
    assert dict(zip(table["check"], table["rows_checked"], strict=True)) == {
        "closed_without_contact": 4,
        "ended_before_hired": 3,
        "contact_outside_employment": 5,
        "mentor_left_before_opening": 4,
    }
    assert set(table["action"]) == {"flagged"} and set(table["site_id"]) == {"s"}


def test_contacts_after_the_cutoff_are_not_a_quality_flag():
    """They are excluded by the study rule in cleaning (reconciliation), never kept to flag."""
    assert "contact_after_cutoff" not in CHECKS
    assert "contact_after_cutoff" not in quality_flags(site(), data_cutoff="2017-12-31")


def test_clean_site_flags_nothing():
    tables = site()
    tables["mentors"] = tables["mentors"].assign(end_date=pd.NaT)
    tables["contacts"] = tables["contacts"].iloc[:3]
    tables["families"] = tables["families"].iloc[[0, 2]]
    table = data_quality(tables, site="s", data_cutoff="2017-12-31")
    assert (table["rows_flagged"] == 0).all()


def test_empty_site_tables():
    empty = {name: frame.iloc[0:0] for name, frame in site().items()}
    table = data_quality(empty, site="s", data_cutoff="2017-12-31")
    assert (table["rows_flagged"] == 0).all() and (table["rows_checked"] == 0).all()


def test_a_case_closed_after_the_cutoff_is_open_not_closed_without_contact():
    """A closure after the cut-off is an open case in the study (profile.py) and here."""
    tables = site()
    tables["families"].loc[1, "case_close_date"] = T("2018-02-01")  # F2, no contact, cut-off 2017
    flags = quality_flags(tables, data_cutoff="2017-12-31")
    assert flags["closed_without_contact"].tolist() == [False, False, False, False]


def test_no_mentor_kept_still_checks_families_and_contacts():
    tables = site()
    tables["mentors"] = tables["mentors"].iloc[0:0]
    flags = quality_flags(tables, data_cutoff="2017-12-31")
    assert flags["closed_without_contact"].tolist() == [False, True, False, False]
    assert not flags["contact_outside_employment"].any()
    assert not flags["mentor_left_before_opening"].any()


def test_no_contact_kept_every_closed_family_is_flagged():
    tables = site()
    tables["contacts"] = tables["contacts"].iloc[0:0]
    table = data_quality(tables, site="s", data_cutoff="2017-12-31")
    flagged = dict(zip(table["check"], table["rows_flagged"], strict=True))
    assert flagged["closed_without_contact"] == 2  # F1 and F2 closed in 2014
