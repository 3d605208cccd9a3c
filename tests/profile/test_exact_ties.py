"""Exact arithmetic before the rank tests (issue 23): families with equal totals or equal
ratios get equal floats, so Mann-Whitney sees their ties. The families are built so that
the old arithmetic (minutes / 60 per contact, contacts / (days / 30.4375)) split them, and
the tests check against scipy's Mann-Whitney on the exact (Fraction) values."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peermentor.analysis import rural_urban as st
from peermentor.analysis.engagement import early_engagement
from peermentor.analysis.profile import DAYS_PER_MONTH, exact_ratio, family_profile, per_month
from peermentor.contract import ACTIVITY_COLUMNS

CUTOFF = "2019-12-31"
OPEN = pd.Timestamp("2017-01-01")
SPLIT = (5, 40, 40, 55)  # 140 minutes that, summed as minutes / 60, miss 140 / 60

# (family, rurality, days of service, minutes of each contact): every family has
# 2/21 contacts a day (40 over 420 days, 36 over 378, 20 over 210, 18 over 189) and
# 1,400 minutes of contact, so contacts per month and hours tie across the strata.
FAMILIES = [
    ("r1", "rural", 420, list(SPLIT) * 10),
    ("r2", "rural", 210, [140] * 10 + [0] * 10),
    ("r3", "rural", 189, list(SPLIT) * 2 + [280] * 4 + [0] * 6),
    ("r4", "rural", 300, [30] * 10),
    ("u1", "urban", 378, [140] * 10 + [0] * 26),
    ("u2", "urban", 420, [35] * 40),
    ("u3", "urban", 189, [140] * 10 + [0] * 8),
    ("u4", "urban", 210, list(SPLIT) * 4 + [840] + [0] * 3),
]


def study(rows=FAMILIES) -> tuple[pd.DataFrame, pd.DataFrame]:
    families = pd.DataFrame(
        {
            "family_id": [r[0] for r in rows],
            "site_id": "s",
            "mentor_id": "M1",
            "case_open_date": OPEN,
            "case_close_date": [OPEN + pd.Timedelta(days=r[2]) for r in rows],
            "outcome_at_closure": "unified",
            "n_children": 1,
            "rucc": pd.array([None] * len(rows), dtype="Int64"),
            "rurality": [r[1] for r in rows],
        }
    )
    contacts = [
        {
            "contact_id": f"{family}-{i:03d}",
            "family_id": family,
            "mentor_id": "M1",
            "contact_date": OPEN + pd.Timedelta(days=i),
            "duration_minutes": float(minutes),
            "mode": "face_to_face",
            "with_parent": True,
            "with_children": False,
            "collateral": False,
            "status": "completed",
            **dict.fromkeys(ACTIVITY_COLUMNS, False),
        }
        for family, _, _, durations in rows
        for i, minutes in enumerate(durations)
    ]
    return families, pd.DataFrame(contacts)


def old_hours(durations: list[int]) -> float:
    """The old arithmetic: each contact's minutes / 60, summed in contact order."""
    total = 0.0
    for minutes in durations:
        total += minutes / 60.0
    return total


def old_rate(count: int, days: int) -> float:
    return count / (days / DAYS_PER_MONTH)


def exact(measure: str, row) -> Fraction:
    _, _, days, durations = row
    minutes = Fraction(sum(durations))
    return {
        "hours": minutes / 60,
        "contacts_per_month": Fraction(len(durations)) * Fraction(487, 16) / days,
        "hours_per_month": minutes / 60 * Fraction(487, 16) / days,
    }[measure]


def scipy_on_exact(measure: str):
    """Mann-Whitney of the exact values: each replaced by its rank among the distinct
    exact values (the order and the ties are the Fractions')."""
    values = [exact(measure, row) for row in FAMILIES]
    codes = {v: i for i, v in enumerate(sorted(set(values)))}
    rural = [codes[v] for v, row in zip(values, FAMILIES, strict=True) if row[1] == "rural"]
    urban = [codes[v] for v, row in zip(values, FAMILIES, strict=True) if row[1] == "urban"]
    return stats.mannwhitneyu(rural, urban, alternative="two-sided", method="asymptotic")


def test_the_old_arithmetic_splits_these_ties():
    """The guard: without it the tests below could pass on the old code."""
    assert old_hours(list(SPLIT)) != 140 / 60
    assert old_rate(40, 420) != old_rate(36, 378)
    hours = {round(old_hours(row[3]), 12) for row in FAMILIES if sum(row[3]) == 1400}
    assert len({old_hours(row[3]) for row in FAMILIES if sum(row[3]) == 1400}) > 1
    assert len(hours) == 1  # the same number, split only by float noise


def test_equal_totals_and_ratios_are_equal_floats_in_the_profile():
    families, contacts = study()
    profile = family_profile(families, contacts, data_cutoff=CUTOFF).set_index("family_id")
    tied = [row[0] for row in FAMILIES if sum(row[3]) == 1400]
    assert len(tied) == 7 and profile.loc[tied, "hours"].nunique() == 1
    assert profile.loc[tied[0], "hours"] == 1400 / 60
    rate = [row[0] for row in FAMILIES if len(row[3]) * 21 == row[2] * 2]
    assert len(rate) == 7 and profile.loc[rate, "contacts_per_month"].nunique() == 1
    # 1,400 minutes over the same days: one hours-per-month value per length of case.
    days = {row[0]: row[2] for row in FAMILIES if row[0] in tied}
    assert profile.loc[tied, "hours_per_month"].nunique() == len(set(days.values()))
    early = early_engagement(contacts, families, n_contacts=4, data_cutoff=CUTOFF)
    # r1's and u4's first four contacts are SPLIT (140 minutes), u1's first one is 140.
    first = early.set_index("family_id").loc[["r1", "u4"], "early_hours"]
    assert first.nunique() == 1 and first.iloc[0] == 140 / 60


@pytest.mark.parametrize("measure", ["hours", "contacts_per_month", "hours_per_month"])
def test_mann_whitney_sees_the_ties_scipy_sees_on_exact_values(measure):
    families, contacts = study()
    profile = family_profile(families, contacts, data_cutoff=CUTOFF)
    row = st.compare_strata(profile, [measure], n_boot=0, min_cell_size=1).iloc[0]
    expected = scipy_on_exact(measure)
    assert row["statistic"] == expected.statistic
    assert row["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)
    # Cliff's delta from the same U, ties counting one half.
    assert row["effect"] == pytest.approx(2 * expected.statistic / 16 - 1, abs=1e-15)


@pytest.mark.parametrize("measure", ["hours", "contacts_per_month"])
def test_the_old_arithmetic_gave_another_u(measure):
    """What the fix changes: the split ties moved U (and so p) on these families."""
    if measure == "hours":
        old = [old_hours(row[3]) for row in FAMILIES]
    else:
        old = [old_rate(len(row[3]), row[2]) for row in FAMILIES]
    rural = [v for v, row in zip(old, FAMILIES, strict=True) if row[1] == "rural"]
    urban = [v for v, row in zip(old, FAMILIES, strict=True) if row[1] == "urban"]
    u_old = stats.mannwhitneyu(rural, urban, method="asymptotic").statistic
    assert u_old != scipy_on_exact(measure).statistic


def test_durations_logged_in_hours_lose_their_float_noise():
    """0.03 h x 60 = 1.7999999999999998 minutes at ingestion: counted as 108 seconds."""
    rows = [("a", "rural", 30, [0]), ("b", "urban", 30, [0])]
    families, contacts = study(rows)
    contacts["duration_minutes"] = [0.03 * 60.0, 1.8]
    assert contacts.loc[0, "duration_minutes"] != contacts.loc[1, "duration_minutes"]
    profile = family_profile(families, contacts, data_cutoff=CUTOFF)
    assert profile["hours"].tolist() == [108 / 3600, 108 / 3600]


def test_exact_ratio_and_per_month():
    assert exact_ratio([1400], [60]).tolist() == [1400 / 60]
    assert np.isnan(exact_ratio([3], [0])[0])
    assert per_month([40], [420])[0] == per_month([36], [378])[0] == 40 * 487 / (16 * 420)
    assert np.isnan(per_month([5], [0])[0])
