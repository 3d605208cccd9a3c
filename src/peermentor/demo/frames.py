"""The simulated draws as the canonical tables: ids, labels, names and notes.

The tables are built after every draw of the model; their own draws (names, the order of
same-day contacts, notes) come last, in the order ``simulate_study`` builds the tables. A few
notes carry commas, quotes, newlines or a leading '=' to exercise CSV quoting and formula
injection downstream.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from peermentor import contract
from peermentor.contract import ACTIVITY_COLUMNS
from peermentor.demo.mentors import Staff
from peermentor.demo.timeline import Calendar

FIRST_NAMES = (
    "Jordan", "Taylor", "Casey", "Morgan", "Jamie", "Riley", "Avery", "Dakota", "Shawna", "Brandy",
    "Crystal", "Amber", "Heather", "Tiffany", "Dustin", "Travis", "Cody", "Kayla", "Misty",
)  # fmt: skip
LAST_NAMES = (
    "Miller", "Johnson", "Smith", "Collins", "Napier", "Combs", "Caudill", "Sizemore", "Hall",
    "Adams", "Turner", "Baker", "Fields", "Gibson", "O'Neal", "Mullins", "Couch", "Ritchie",
)  # fmt: skip
NOTES = {
    "completed": (
        "Home visit; reviewed recovery plan",
        "Drove parent to IOP intake",
        "Phone check-in",
        "Attended court hearing with parent",
        "Helped with SNAP application",
        "Budgeting and meal planning",
        "Texted meeting reminder",
        "Called caseworker about drug screen",
        "Relapse prevention talk",
        "Took family to pediatrician",
    ),
    "no_show": ("Parent not home", "No answer at door", "Missed appointment"),
    "refused": ("Parent declined visit", "Refused services today"),
}
TRICKY_NOTES = (  # exercise CSV quoting and formula injection downstream
    "Met at DCBS office, reviewed plan, next visit Tue",
    'Parent said "doing better"',
    "Visit ok.\nFollow up on housing",
    '=HYPERLINK("http://example.org")',
    "+1 call back, left msg",
    "-",
    "Kids' school; 50% attendance",
)
TRICKY_NOTE_SHARE = 0.04

FREE_TEXT_COLUMNS = {
    "families": ("caregiver_name",),
    "contacts": ("notes",),
    "mentors": ("mentor_name",),
}


def _ids(prefix: str, n: int, width: int) -> pd.Series:
    """Readable raw ids such as F000123, numbered from 1."""
    numbers = pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(max(width, len(str(n))))
    return prefix + numbers


def _labels(labels: Sequence[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A ``str`` array of ``labels[index]`` (index -1 gives NaN) without building Python strings."""
    return pd.array(list(labels), dtype="str").take(np.asarray(index), allow_fill=True)


def _names(rng: np.random.Generator, n: int) -> pd.api.extensions.ExtensionArray:
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return _labels(names, rng.integers(0, len(names), n))


def mentor_frame(rng, staff: Staff, sites, cal: Calendar) -> tuple[np.ndarray, pd.DataFrame]:
    """Mentor ids numbered in order of hiring; returns ids by internal index and the frame."""
    by_hire = np.argsort(staff.hire_day, kind="stable")
    ids = _ids("M", len(by_hire), 3)
    id_of = np.empty(len(by_hire), dtype=np.int64)
    id_of[by_hire] = np.arange(len(by_hire))
    employed = staff.exit_reason == "still_employed"
    frame = pd.DataFrame(
        {
            "mentor_id": ids,
            "site_id": _labels([s.site_id for s in sites], staff.site[by_hire]),
            "hire_date": cal.dates(staff.hire_day[by_hire]),
            "end_date": cal.dates(staff.last_day, ~employed)[by_hire],
            "exit_reason": pd.array(staff.exit_reason[by_hire].tolist(), dtype="str"),
            "mentor_name": _names(rng, len(by_hire)),
        }
    )
    return ids.to_numpy()[id_of], frame


def family_frame(rng, cases: dict, unified, sites, primary_ids, cal: Calendar) -> pd.DataFrame:
    closed, site = cases["closed"], cases["site"]
    outcome = np.where(closed, np.where(unified, 0, 1), -1)  # index into contract.OUTCOMES
    rucc = pd.array([s.rucc for s in sites], dtype="Int64").take(site)
    return pd.DataFrame(
        {
            "family_id": _ids("F", len(site), 6),
            "site_id": _labels([s.site_id for s in sites], site),
            "mentor_id": pd.array(primary_ids, dtype="str"),
            "case_open_date": cal.dates(cases["open_day"]),
            "case_close_date": cal.dates(cases["close_day"], closed),
            "outcome_at_closure": _labels(contract.OUTCOMES, outcome),
            "n_children": cases["n_children"].astype(np.int64),
            "rucc": rucc,
            "rurality": _labels([s.rurality for s in sites], site),
            "caregiver_name": _names(rng, len(site)),
        }
    )


def contact_frame(rng, log: dict, family_ids: pd.Series, mentor_ids, cal: Calendar) -> pd.DataFrame:
    """Sorted by family, date and a random within-day order; contact ids follow that order."""
    # one int64 key: family, then day, then a random 20-bit draw to order same-day contacts
    within_day = rng.integers(0, 1 << 20, len(log["day"]))
    key = (log["family"].astype(np.int64) << 40) | (log["day"].astype(np.int64) << 20) | within_day
    order = np.argsort(key, kind="stable")
    status = log["status"][order]
    return pd.DataFrame(
        {
            "contact_id": _ids("C", len(order), 7),
            "family_id": family_ids.array.take(log["family"][order]),
            "mentor_id": pd.array(mentor_ids, dtype="str").take(log["mentor"][order]),
            "contact_date": cal.dates(log["day"][order]),
            "duration_minutes": log["minutes"][order].astype(np.float64),
            "mode": _labels(contract.MODES, log["mode"][order]),
            **{k: log[k][order] for k in ("with_parent", "with_children", "collateral")},
            "status": _labels(contract.STATUSES, status),
            **{k: log[k][order] for k in ACTIVITY_COLUMNS},
            "notes": _notes(rng, status),
        }
    )


def _notes(rng: np.random.Generator, status: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Short notes by status; a few tricky ones with commas, quotes, newlines or a leading '='."""
    texts = [*TRICKY_NOTES]
    pick = rng.integers(0, len(TRICKY_NOTES), len(status))
    plain = rng.random(len(status)) >= TRICKY_NOTE_SHARE
    for code, name in enumerate(contract.STATUSES):
        rows = plain & (status == code)
        pick[rows] = len(texts) + rng.integers(0, len(NOTES[name]), rows.sum())
        texts += NOTES[name]
    return _labels(texts, pick)
