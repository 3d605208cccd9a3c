"""Mentor workforce (P6) and the Wilson interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from peermentor.analysis.workforce import (
    WORKFORCE_CONTACT_COLUMNS,
    mentor_workforce,
    summarize_workforce,
    wilson_ci,
)
from peermentor.contract import EXIT_REASONS

CUTOFF = "2017-12-31"
M = 30.4375


def test_wilson_known_value():
    low, high = wilson_ci(18, 28)
    assert (low, high) == pytest.approx((0.4583, 0.7929), abs=1e-4)
    assert (low, high) == pytest.approx(proportion_confint(18, 28, method="wilson"))


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (3, 7), (1, 1)])
def test_wilson_matches_statsmodels(k, n):
    assert wilson_ci(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-12)
    assert wilson_ci(k, n, level=0.9) == pytest.approx(
        proportion_confint(k, n, alpha=0.1, method="wilson"), abs=1e-12
    )


def test_wilson_without_mentors_is_nan():
    assert all(math.isnan(x) for x in wilson_ci(0, 0))


def _mentors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mentor_id": ["M1", "M2", "M3", "M4"],
            "site_id": ["s1", "s1", "s2", "s2"],
            "hire_date": pd.to_datetime(["2016-01-01", "2016-01-01", "2017-06-01", "2016-01-01"]),
            # M3 leaves after the cut-off: tenure stops at the cut-off.
            "end_date": pd.to_datetime([None, "2016-07-01", "2018-06-01", "2017-01-01"]),
            "exit_reason": ["still_employed", "relapse", "promoted", "other_exit"],
        }
    )


def _families() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family_id": ["F1", "F2", "F3", "F4"],
            "mentor_id": ["M1", "M1", "M2", "M3"],
            # F4 opens after the cut-off.
            "case_open_date": pd.to_datetime(
                ["2017-01-01", "2017-02-01", "2016-02-01", "2018-01-05"]
            ),
        }
    )


def _contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "family_id": ["F1", "F2", "F1", "F3", "F3", "F1"],
            "mentor_id": ["M1", "M1", "M1", "M2", "M2", "M3"],
            "contact_date": pd.to_datetime(
                ["2017-01-02", "2017-02-02", "2017-02-03", "2016-02-02", "2018-01-02", "2017-07-01"]
            ),
            "status": ["completed", "completed", "no_show", "completed", "completed", "completed"],
        }
    )


@pytest.fixture(scope="module")
def per_mentor() -> pd.DataFrame:
    return mentor_workforce(_mentors(), _families(), _contacts(), data_cutoff=CUTOFF)


def test_mentor_workforce(per_mentor):
    assert list(per_mentor.columns) == [
        "mentor_id",
        "site_id",
        "hire_date",
        "end_date",
        "tenure_months",
        "families_served",
        "contacts",
        "exit_reason",
        "outcome_group",
    ]
    rows = per_mentor.set_index("mentor_id")
    assert rows["tenure_months"].tolist() == pytest.approx([730 / M, 182 / M, 213 / M, 366 / M])
    assert rows["families_served"].tolist() == [2, 1, 0, 0]
    # M1: the no-show is not a contact; M2: one contact after the cut-off;
    # M3: a contact with a family whose primary mentor is someone else still counts.
    assert rows["contacts"].tolist() == [2, 1, 1, 0]
    assert rows["outcome_group"].tolist() == [
        "stable_or_advanced",
        "challenge",
        "stable_or_advanced",
        "other",
    ]


def test_summarize_workforce(per_mentor):
    summary = summarize_workforce(per_mentor)
    assert len(summary) == 1 + len(EXIT_REASONS) + 3
    assert set(summary["unit"]) == {"mentors"}
    overall = summary.iloc[0]
    assert (overall["row_type"], overall["category"], overall["count"]) == ("overall", "all", 4)
    assert overall["tenure_mean_months"] == pytest.approx((730 + 182 + 213 + 366) / 4 / M)
    assert overall["tenure_median_months"] == pytest.approx((213 + 366) / 2 / M)

    groups = summary[summary["row_type"] == "outcome_group"].set_index("category")
    stable = groups.loc["stable_or_advanced"]
    assert (stable["count"], stable["n_mentors"], stable["share"]) == (2, 4, 0.5)
    assert (stable["ci_low"], stable["ci_high"]) == pytest.approx(
        proportion_confint(2, 4, method="wilson")
    )
    assert stable["tenure_mean_months"] == pytest.approx((730 + 213) / 2 / M)
    assert groups.loc["challenge", "count"] == 1 and groups.loc["other", "count"] == 1

    reasons = summary[summary["row_type"] == "exit_reason"].set_index("category")
    assert list(reasons.index) == list(EXIT_REASONS)
    assert reasons.loc["boundary_violation", "count"] == 0  # zero rows are kept
    assert not reasons.loc["boundary_violation", "estimable"]
    assert reasons.loc["boundary_violation", "note"] == (
        "not estimable: no mentor in this category (tenure); count and share are 0"
    )
    assert np.isnan(reasons.loc["boundary_violation", "tenure_mean_months"])
    assert reasons.loc["relapse", "estimable"] and reasons.loc["relapse", "note"] == ""
    assert reasons.loc["relapse", "share"] == 0.25


def test_no_mentor_exits_give_zero_categories_and_no_crash(per_mentor):
    from peermentor import figures

    still = per_mentor.assign(exit_reason="still_employed", end_date=pd.NaT)
    still["outcome_group"] = "stable_or_advanced"
    summary = summarize_workforce(still)
    groups = summary[summary["row_type"] == "outcome_group"].set_index("category")
    assert groups.loc["stable_or_advanced", "share"] == 1.0
    assert groups.loc["challenge", "count"] == 0 and groups.loc["challenge", "share"] == 0.0
    assert groups.loc["challenge", "note"].startswith("not estimable: no mentor in this category")
    figures.workforce_exits(summary, min_cell_size=1)  # zero bars, no crash


def test_no_mentors_at_all_is_not_estimable(per_mentor):
    summary = summarize_workforce(per_mentor.iloc[0:0])
    assert (~summary["estimable"]).all()
    assert (summary["note"] == "not estimable: no mentors").all()
    assert summary["share"].isna().all()


def test_workforce_needs_only_the_contact_columns_its_job_reads(per_mentor):
    # The workforce job reads only these three columns of the contacts (memory at 100x).
    contacts = _contacts()[WORKFORCE_CONTACT_COLUMNS]
    out = mentor_workforce(_mentors(), _families(), contacts, data_cutoff=CUTOFF)
    pd.testing.assert_frame_equal(out, per_mentor)
