"""Family profile (P1, P2) on a hand-made study of five families; expected values by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from peermentor.analysis.measures import EARLY, IDENTITY, SERVICE
from peermentor.analysis.profile import (
    PROFILE_CONTACT_COLUMNS,
    family_profile,
    summarize_profile,
    summarize_profile_overall_and_sites,
    with_early_engagement,
)
from peermentor.contract import ACTIVITY_COLUMNS

CUTOFF = "2017-12-31"
M = 30.4375  # days per month


def _families() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family_id": ["F1", "F2", "F3", "F4", "F5"],
            "site_id": ["s1", "s2", "s1", "s2", "s2"],
            "mentor_id": ["M1", "M1", "M2", "M2", "M2"],
            "case_open_date": pd.to_datetime(
                ["2017-01-01", "2017-10-01", "2017-03-01", "2017-11-01", "2017-12-31"]
            ),
            # F2 and F5 are open; F4 closes after the cut-off, so it is open at the cut-off.
            "case_close_date": pd.to_datetime(
                ["2017-07-01", None, "2017-05-01", "2018-02-01", None]
            ),
            "outcome_at_closure": ["unified", None, "separated", "unified", None],
            "n_children": [2, 1, 3, 1, 2],
            "rucc": pd.array([1, 6, 1, 6, 6], dtype="Int64"),
            "rurality": ["urban", "rural", "urban", "rural", "rural"],
        }
    )


def _contact(cid, fam, date, minutes, mode, parent, children, collateral, status, *acts):
    row = {
        "contact_id": cid,
        "family_id": fam,
        "mentor_id": "M1",
        "contact_date": pd.Timestamp(date),
        "duration_minutes": float(minutes),
        "mode": mode,
        "with_parent": parent,
        "with_children": children,
        "collateral": collateral,
        "status": status,
    }
    row.update({col: col[4:] in acts for col in ACTIVITY_COLUMNS})
    return row


def _contacts() -> pd.DataFrame:
    c = _contact
    rows = [
        # F1: four completed (one with two codes, one of zero minutes, one collateral),
        # one no-show and one refusal.
        c("c01", "F1", "2017-01-05", 60, "face_to_face", True, True, False, "completed",
          "recovery_coaching", "daily_living_coaching"),
        c("c02", "F1", "2017-01-05", 30, "phone", True, False, False, "completed",
          "recovery_coaching"),
        c("c03", "F1", "2017-01-10", 0, "face_to_face", True, True, False, "completed",
          "daily_living_coaching"),
        c("c04", "F1", "2017-02-01", 45, "other", False, False, True, "completed", "advocacy"),
        c("c05", "F1", "2017-02-03", 90, "face_to_face", False, False, False, "no_show",
          "recovery_coaching"),
        c("c06", "F1", "2017-02-04", 20, "phone", False, False, False, "refused"),
        # F2 (open): two completed, one no-show; c10 falls after the cut-off.
        c("c07", "F2", "2017-10-02", 120, "face_to_face", True, True, False, "completed",
          "transportation"),
        c("c08", "F2", "2017-10-03", 15, "text_or_email", True, False, False, "completed",
          "recovery_coaching"),
        c("c09", "F2", "2017-10-03", 30, "phone", False, False, False, "no_show"),
        c("c10", "F2", "2018-01-05", 60, "face_to_face", True, True, False, "completed",
          "recovery_coaching"),
        # F3 and F5 have no contacts; F4 has one with three codes.
        c("c11", "F4", "2017-11-02", 30, "face_to_face", True, True, False, "completed",
          "recovery_coaching", "daily_living_coaching", "crisis_support"),
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def profile() -> pd.DataFrame:
    return family_profile(_families(), _contacts(), data_cutoff=CUTOFF).set_index(
        "family_id", drop=False
    )


def test_columns_are_the_measures(profile):
    assert list(profile.columns) == [*IDENTITY, *SERVICE]
    assert list(profile["family_id"]) == ["F1", "F2", "F3", "F4", "F5"]
    assert pd.api.types.is_string_dtype(profile["family_id"])


def test_counts_by_status(profile):
    f1 = profile.loc["F1"]
    assert (f1["contacts"], f1["attempted_contacts"]) == (4, 6)
    assert (f1["no_shows"], f1["refusals"], f1["no_shows_or_refusals"]) == (1, 1, 2)
    f2 = profile.loc["F2"]  # the contact after the cut-off is not counted at all
    assert (f2["contacts"], f2["attempted_contacts"], f2["no_shows"]) == (2, 3, 1)


def test_multi_label_activities_count_for_each_code(profile):
    f1 = profile.loc["F1"]
    assert f1["act_recovery_coaching"] == 2  # c01 and c02; the no-show c05 is not counted
    assert f1["act_daily_living_coaching"] == 2  # c01 and c03
    assert f1["act_advocacy"] == 1
    assert f1["act_transportation"] == 0
    f4 = profile.loc["F4"]
    assert (f4["act_recovery_coaching"], f4["act_daily_living_coaching"]) == (1, 1)
    assert f4["act_crisis_support"] == 1


def test_modes_and_presence(profile):
    f1 = profile.loc["F1"]
    assert (f1["mode_face_to_face"], f1["mode_phone"], f1["mode_other"]) == (2, 1, 1)
    assert f1["mode_text_or_email"] == 0
    assert (f1["with_parent"], f1["with_children"], f1["collateral"]) == (3, 2, 1)
    assert f1["face_to_face_with_children"] == 2
    f2 = profile.loc["F2"]
    assert (f2["mode_text_or_email"], f2["face_to_face_with_children"]) == (1, 1)


def test_hours_include_zero_duration_and_collateral(profile):
    assert profile.loc["F1", "hours"] == pytest.approx((60 + 30 + 0 + 45) / 60)
    assert profile.loc["F2", "hours"] == pytest.approx(2.25)


def test_hours_exclude_collateral_when_configured():
    out = family_profile(
        _families(), _contacts(), data_cutoff=CUTOFF, hours_include_collateral=False
    ).set_index("family_id")
    assert out.loc["F1", "hours"] == pytest.approx(1.5)
    assert out.loc["F1", "collateral"] == 1  # still counted as a contact


def test_count_statuses_is_configurable():
    out = family_profile(
        _families(), _contacts(), data_cutoff=CUTOFF, count_statuses=("completed", "no_show")
    ).set_index("family_id")
    assert out.loc["F1", "contacts"] == 5
    assert out.loc["F1", "act_recovery_coaching"] == 3


def test_family_without_contacts_has_zeros(profile):
    f3 = profile.loc["F3"]
    assert f3["contacts"] == 0 and f3["attempted_contacts"] == 0
    assert f3["hours"] == 0.0 and f3["act_recovery_coaching"] == 0
    assert f3["contacts_per_month"] == 0.0


def test_months_of_service_closed_and_open_cases(profile):
    months = profile["months_of_service"]
    assert months["F1"] == pytest.approx(181 / M)  # closed 2017-07-01
    assert months["F2"] == pytest.approx(91 / M)  # open: to the cut-off
    assert months["F3"] == pytest.approx(61 / M)
    assert months["F4"] == pytest.approx(60 / M)  # closes after the cut-off
    assert months["F5"] == 0.0


def test_rates_per_month_and_nan_for_zero_months(profile):
    assert profile.loc["F1", "contacts_per_month"] == pytest.approx(4 / (181 / M))
    assert profile.loc["F1", "hours_per_month"] == pytest.approx(2.25 / (181 / M))
    assert profile.loc["F1", "no_shows_or_refusals_per_month"] == pytest.approx(2 / (181 / M))
    assert profile.loc["F2", "face_to_face_with_children_per_month"] == pytest.approx(1 / (91 / M))
    f5 = profile.loc["F5"]
    assert np.isnan(f5["contacts_per_month"]) and np.isnan(f5["hours_per_month"])


def test_closure_as_of_the_cutoff(profile):
    assert list(profile["case_closed"]) == [True, False, True, False, False]
    assert profile["case_closed"].dtype == bool
    unified = profile["unified_at_closure"]
    assert unified["F1"] == 1.0 and unified["F3"] == 0.0
    assert np.isnan(unified["F2"]) and np.isnan(unified["F4"])  # F4 closes after the cut-off
    assert pd.isna(profile.loc["F4", "outcome_at_closure"])
    assert pd.isna(profile.loc["F4", "case_close_date"])


def test_with_early_engagement_appends_early_columns(profile):
    early = pd.DataFrame(
        {
            "family_id": ["F5", "F4", "F3", "F2", "F1"],
            "early_reached_n": [False, False, False, False, True],
            "early_days_to_nth": [np.nan, np.nan, np.nan, np.nan, 5.0],
            "early_hours": [0.0, 0.5, 0.0, 2.25, 2.25],
            "early_act_other": [0, 0, 0, 0, 0],
        }
    )
    out = with_early_engagement(profile.reset_index(drop=True), early)
    assert list(out.columns) == [*IDENTITY, *SERVICE, *EARLY]
    assert out.loc[0, "early_days_to_nth"] == 5.0 and out.loc[3, "early_hours"] == 0.5


def test_summarize_profile_overall(profile):
    summary = summarize_profile(profile.reset_index(drop=True)).set_index("measure")
    row = summary.loc["contacts"]  # values 4, 2, 0, 1, 0
    assert row["group"] == "all"
    assert (row["n_families"], row["n_receiving"], row["n_not_receiving"]) == (5, 3, 2)
    assert row["share_receiving"] == pytest.approx(0.6)
    assert row["mean"] == pytest.approx(1.4)
    assert row["sd"] == pytest.approx(math.sqrt(2.8))
    assert (row["median"], row["q1"], row["q3"], row["min"], row["max"]) == (1, 0, 2, 0, 4)
    hours = summary.loc["hours"]  # not a count measure: no share receiving
    assert pd.isna(hours["n_receiving"]) and np.isnan(hours["share_receiving"])
    assert summary.loc["contacts_per_month", "n_families"] == 4  # F5 has no rate
    assert list(summary.index) == list(SERVICE)


def test_summarize_profile_overall_and_sites(profile):
    table = summarize_profile_overall_and_sites(profile.reset_index(drop=True))
    assert list(table.columns[:3]) == ["group_type", "group", "measure"]
    assert list(table["group_type"].unique()) == ["overall", "site"]
    assert len(table) == 3 * len(SERVICE)
    contacts = table[table["measure"] == "contacts"].set_index("group")
    assert contacts.loc["s1", "mean"] == pytest.approx(2.0)  # F1 4, F3 0
    assert contacts.loc["s2", "mean"] == pytest.approx(1.0)  # F2 2, F4 1, F5 0
    assert contacts.loc["s2", "n_families"] == 3


def test_the_profile_needs_only_the_contact_columns_its_job_reads(profile):
    # The family_profile job reads only these columns of the contacts (memory at 100x).
    assert "mentor_id" not in PROFILE_CONTACT_COLUMNS
    out = family_profile(_families(), _contacts()[PROFILE_CONTACT_COLUMNS], data_cutoff=CUTOFF)
    pd.testing.assert_frame_equal(out, profile.reset_index(drop=True))
