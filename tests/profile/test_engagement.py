"""Early engagement (P3) on hand-made families; expected values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from peermentor.analysis.engagement import (
    early_engagement,
    summarize_early_engagement,
    summarize_early_engagement_overall_and_sites,
)
from peermentor.analysis.engagement_curve import cumulative_contacts_curve
from peermentor.analysis.profile import PROFILE_CONTACT_COLUMNS
from peermentor.contract import ACTIVITY_COLUMNS


def _families() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family_id": ["E1", "E2", "E3", "E4", "E5"],
            "site_id": ["s1", "s1", "s2", "s2", "s2"],
            "case_open_date": pd.to_datetime(
                ["2017-01-01", "2017-02-01", "2017-03-01", "2017-04-01", "2017-05-01"]
            ),
        }
    )


def _contact(cid, fam, when, minutes, mode, status="completed", collateral=False, acts=()):
    row = {
        "contact_id": cid,
        "family_id": fam,
        "mentor_id": "M1",
        "contact_date": pd.Timestamp(when),
        "duration_minutes": float(minutes),
        "mode": mode,
        "with_parent": True,
        "with_children": False,
        "collateral": collateral,
        "status": status,
    }
    row.update({col: col[4:] in acts for col in ACTIVITY_COLUMNS})
    return row


def _contacts() -> pd.DataFrame:
    c = _contact
    rows = [
        # E1: a no-show before the first counted contact; the first counted contact has a
        # time of day; two contacts on 2017-01-05 tie and "e1-b" sorts before "e1-c".
        c("e1-n", "E1", "2017-01-02", 60, "face_to_face", status="no_show",
          acts=("recovery_coaching",)),
        c("e1-c", "E1", "2017-01-05", 120, "face_to_face",
          acts=("recovery_coaching", "daily_living_coaching")),
        c("e1-x", "E1", "2017-01-03 18:00", 60, "face_to_face", acts=("recovery_coaching",)),
        c("e1-y", "E1", "2017-01-04", 0, "phone", acts=("daily_living_coaching",)),
        c("e1-b", "E1", "2017-01-05", 30, "other", collateral=True, acts=("advocacy",)),
        # E2: only two counted contacts.
        c("e2-a", "E2", "2017-02-10", 45, "phone"),
        c("e2-b", "E2", "2017-02-12", 15, "phone"),
        # E3: none. E4: only a refusal.
        c("e4-a", "E4", "2017-04-02", 30, "phone", status="refused"),
        # E5: three counted contacts, the third ten days after the first.
        c("e5-a", "E5", "2017-05-01", 60, "face_to_face"),
        c("e5-b", "E5", "2017-05-02", 60, "face_to_face"),
        c("e5-c", "E5", "2017-05-11", 60, "face_to_face"),
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def early() -> pd.DataFrame:
    return early_engagement(_contacts(), _families(), n_contacts=3).set_index("family_id")


def test_columns_and_order(early):
    assert list(early.index) == ["E1", "E2", "E3", "E4", "E5"]
    expected = [
        "site_id",
        "early_contacts",
        "early_reached_n",
        "early_days_to_nth",
        "early_hours",
        *(f"early_{col}" for col in ACTIVITY_COLUMNS),
        "early_mode_face_to_face",
        "early_mode_phone",
        "early_mode_text_or_email",
        "early_mode_other",
    ]
    assert list(early.columns) == expected


def test_reached_family_from_first_contact(early):
    e1 = early.loc["E1"]
    assert e1["early_reached_n"] and e1["early_contacts"] == 3
    assert e1["early_days_to_nth"] == 2.0  # calendar days 01-03 -> 01-05, time ignored
    assert early.loc["E5", "early_days_to_nth"] == 10.0


def test_ties_broken_by_contact_id(early):
    e1 = early.loc["E1"]  # third contact is e1-b (collateral, 30 min), not e1-c
    assert e1["early_hours"] == pytest.approx((60 + 0 + 30) / 60)
    assert e1["early_act_recovery_coaching"] == 1  # e1-x only; e1-c and the no-show are out
    assert e1["early_act_daily_living_coaching"] == 1
    assert e1["early_act_advocacy"] == 1
    modes = [e1[f"early_mode_{m}"] for m in ("face_to_face", "phone", "text_or_email", "other")]
    assert modes == [1, 1, 0, 1]


def test_fewer_than_n_contacts(early):
    e2 = early.loc["E2"]
    assert not e2["early_reached_n"] and np.isnan(e2["early_days_to_nth"])
    assert e2["early_contacts"] == 2 and e2["early_hours"] == pytest.approx(1.0)
    assert e2["early_mode_phone"] == 2


def test_families_without_counted_contacts(early):
    for family in ("E3", "E4"):
        row = early.loc[family]
        assert not row["early_reached_n"] and np.isnan(row["early_days_to_nth"])
        assert row["early_hours"] == 0.0 and row["early_contacts"] == 0
        assert row["early_mode_phone"] == 0


def test_anchor_case_open():
    out = early_engagement(_contacts(), _families(), n_contacts=3, anchor="case_open")
    days = out.set_index("family_id")["early_days_to_nth"]
    assert days["E1"] == 4.0  # 2017-01-01 -> 2017-01-05
    assert days["E5"] == 10.0  # 2017-05-01 -> 2017-05-11
    assert np.isnan(days["E2"])


def test_collateral_hours_can_be_excluded():
    out = early_engagement(_contacts(), _families(), n_contacts=3, hours_include_collateral=False)
    e1 = out.set_index("family_id").loc["E1"]
    assert e1["early_hours"] == pytest.approx(1.0)
    assert e1["early_contacts"] == 3  # the collateral contact still takes a place


def test_default_seven_contacts_not_reached():
    out = early_engagement(_contacts(), _families())
    assert not out["early_reached_n"].any()
    assert out.set_index("family_id").loc["E1", "early_hours"] == pytest.approx(3.5)


def test_data_cutoff_ignores_later_contacts():
    out = early_engagement(_contacts(), _families(), n_contacts=3, data_cutoff="2017-05-02")
    e5 = out.set_index("family_id").loc["E5"]
    assert e5["early_contacts"] == 2 and not e5["early_reached_n"]


def test_bad_parameters():
    with pytest.raises(ValueError, match="anchor"):
        early_engagement(_contacts(), _families(), anchor="referral")
    with pytest.raises(ValueError, match="n_contacts"):
        early_engagement(_contacts(), _families(), n_contacts=0)


def test_summary(early):
    summary = summarize_early_engagement(early.reset_index(), n_contacts=3)
    row = summary.iloc[0]
    assert len(summary) == 1 and row["group"] == "all" and row["n_contacts"] == 3
    assert (row["n_families"], row["n_reached"], row["n_not_reached"]) == (5, 2, 3)
    assert row["share_reached"] == pytest.approx(0.4)
    # days of reached families: E1 2, E5 10
    assert row["days_to_nth_mean"] == pytest.approx(6.0)
    assert row["days_to_nth_sd"] == pytest.approx(math.sqrt(32))
    assert (row["days_to_nth_median"], row["days_to_nth_q1"], row["days_to_nth_q3"]) == (
        6.0,
        4.0,
        8.0,
    )
    assert row["hours_mean"] == pytest.approx((1.5 + 3.0) / 2)
    assert row["hours_mean_all_families"] == pytest.approx((1.5 + 1.0 + 0 + 0 + 3.0) / 5)
    assert row["mean_early_mode_face_to_face"] == pytest.approx((1 + 3) / 2)
    assert row["mean_early_act_recovery_coaching"] == pytest.approx(0.5)


def test_summary_overall_and_sites(early):
    table = summarize_early_engagement_overall_and_sites(early.reset_index(), n_contacts=3)
    assert list(table["group_type"]) == ["overall", "site", "site"]
    sites = table.set_index("group")
    assert (sites.loc["s1", "n_families"], sites.loc["s1", "n_reached"]) == (2, 1)
    assert sites.loc["s2", "days_to_nth_mean"] == 10.0


def test_early_engagement_and_its_curve_need_only_the_contact_columns_the_job_reads():
    # The family_profile job reads only PROFILE_CONTACT_COLUMNS of the contacts.
    full, pruned = _contacts(), _contacts()[PROFILE_CONTACT_COLUMNS]
    pd.testing.assert_frame_equal(
        early_engagement(pruned, _families(), n_contacts=3),
        early_engagement(full, _families(), n_contacts=3),
    )
    families = _families().assign(case_close_date=pd.NaT)  # the curve ends at closure
    pd.testing.assert_frame_equal(
        cumulative_contacts_curve(pruned, families, days=10),
        cumulative_contacts_curve(full, families, days=10),
    )
