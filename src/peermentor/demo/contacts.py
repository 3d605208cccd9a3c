"""Contacts (P1-P4): completed contacts, then no-shows and refusals, one array entry each.

Draws per family first (rates, pace, shares), then per contact, in a fixed order; the arrays
are unsorted here (``frames.contact_frame`` orders them).
"""

from __future__ import annotations

import numpy as np

from peermentor import contract
from peermentor.contract import ACTIVITY_COLUMNS
from peermentor.demo.calibration import (
    ACTIVITY_PROBABILITY,
    COLLATERAL,
    COMPLETED_PER_FAMILY,
    CONTACT_DURATION_SHAPE,
    CONTACT_RATE_SHAPE,
    EARLY_GAP_DAYS,
    EARLY_MINUTES,
    EARLY_N,
    EARLY_PACE_SHAPE,
    FACE_TO_FACE_CONCENTRATION,
    FAMILY_DURATION_SHAPE,
    FIRST_CONTACT_DELAY_DAYS,
    LATER_MINUTES,
    MISSED_MINUTES,
    MISSED_RATE_SHAPE,
    MISSED_WITH_MINUTES,
    MODE_DURATION,
    MODE_SHARES,
    NO_SHOWS_PER_FAMILY,
    REFUSALS_PER_FAMILY,
    RURAL_DURATION_RATIO,
    RURAL_TRANSPORTATION_RATIO,
    WITH_CHILDREN_CONCENTRATION,
    WITH_CHILDREN_MEAN,
    WITH_CHILDREN_REMOTE,
    WITH_PARENT,
)


def draw_contacts(
    rng: np.random.Generator, cases: dict, rural: np.ndarray, rural_share: float
) -> dict:
    """Completed contacts then no-shows and refusals, one array entry per contact (unsorted)."""
    n = len(rural)
    months = cases["months"]
    mean_months = months.mean()
    rate = rng.gamma(CONTACT_RATE_SHAPE, COMPLETED_PER_FAMILY / mean_months / CONTACT_RATE_SHAPE, n)
    n_completed = np.maximum(rng.poisson(rate * months), 1)
    fam, day, early = _completed_days(rng, cases, n_completed)
    completed = {"family": fam, "day": day, "early": early}
    _draw_who_and_how(rng, completed, n)
    _draw_durations(rng, completed, rural, rural_share, n)
    _draw_activities(rng, completed, rural)

    missed = _draw_missed(rng, cases, months, mean_months)
    return {k: np.concatenate([completed[k], missed[k]]) for k in missed}


def _completed_days(rng: np.random.Generator, cases: dict, n_completed: np.ndarray):
    """Day of each completed contact: 7 early ones every ~3.9 days, the rest spread to the end."""
    n = len(n_completed)
    fam = np.repeat(np.arange(n), n_completed)
    first = np.cumsum(n_completed) - n_completed
    rank = np.arange(len(fam)) - first[fam]
    early = rank < EARLY_N
    pace = rng.gamma(EARLY_PACE_SHAPE, 1 / EARLY_PACE_SHAPE, n)[fam]
    gap = np.where(
        rank == 0,
        rng.poisson(FIRST_CONTACT_DELAY_DAYS, len(fam)),
        1 + rng.poisson((EARLY_GAP_DAYS - 1) * pace),  # at least a day apart
    )
    gap[~early] = 0
    run = np.cumsum(gap)
    day = cases["open_day"][fam] + run - (run[first] - gap[first])[fam]  # cumsum within family
    # later contacts: uniform between the day after the 7th contact and the case end
    end = cases["end_day"][fam]
    seventh = np.zeros(n, dtype=np.int64)
    reached = n_completed >= EARLY_N
    seventh[reached] = day[first[reached] + EARLY_N - 1]
    after = seventh[fam] + 1
    spread = np.floor(rng.random(len(fam)) * np.maximum(end - after + 1, 1)).astype(np.int64)
    day = np.where(early, day, after + spread)
    return fam, np.minimum(day, end), early


def _draw_who_and_how(rng: np.random.Generator, c: dict, n_families: int) -> None:
    """Mode, status and who was present; families differ in face-to-face and children shares."""
    fam = c["family"]
    m = len(fam)
    f2f = MODE_SHARES["face_to_face"]
    face_share = rng.beta(
        f2f * FACE_TO_FACE_CONCENTRATION, (1 - f2f) * FACE_TO_FACE_CONCENTRATION, n_families
    )
    child_share = rng.beta(
        WITH_CHILDREN_MEAN * WITH_CHILDREN_CONCENTRATION,
        (1 - WITH_CHILDREN_MEAN) * WITH_CHILDREN_CONCENTRATION,
        n_families,
    )
    remote = np.array([MODE_SHARES[k] for k in ("phone", "text_or_email", "other")])
    remote_mode = 1 + np.searchsorted(np.cumsum(remote / remote.sum()), rng.random(m), side="right")
    mode = np.where(rng.random(m) < face_share[fam], 0, np.minimum(remote_mode, 3))
    collateral = rng.random(m) < COLLATERAL
    p_children = child_share[fam] * np.where(mode == 0, 1.0, WITH_CHILDREN_REMOTE)
    c["mode"] = mode  # index into contract.MODES
    c["status"] = np.zeros(m, dtype=np.int64)  # index into contract.STATUSES
    c["collateral"] = collateral
    c["with_parent"] = ~collateral & (rng.random(m) < WITH_PARENT)
    c["with_children"] = ~collateral & (rng.random(m) < p_children)


def _draw_durations(rng, c: dict, rural: np.ndarray, rural_share: float, n_families: int) -> None:
    """Minutes in steps of 5: early contacts longer, rural ones 40 % longer, remote ones shorter."""
    fam = c["family"]
    urban_factor = 1 / (1 + (RURAL_DURATION_RATIO - 1) * rural_share)  # keeps the overall mean
    place = np.where(rural, RURAL_DURATION_RATIO, 1.0) * urban_factor
    by_mode = np.array([MODE_DURATION[k] for k in contract.MODES])
    by_mode /= sum(MODE_SHARES[k] * MODE_DURATION[k] for k in contract.MODES)
    family = rng.gamma(FAMILY_DURATION_SHAPE, 1 / FAMILY_DURATION_SHAPE, n_families)
    noise = rng.gamma(CONTACT_DURATION_SHAPE, 1 / CONTACT_DURATION_SHAPE, len(fam))
    minutes = np.where(c["early"], EARLY_MINUTES, LATER_MINUTES) * (place * family)[fam]
    minutes = minutes * by_mode[c["mode"]] * noise
    c["minutes"] = np.clip(5 * np.rint(minutes / 5), 5, 1440)


def _draw_activities(rng: np.random.Generator, c: dict, rural: np.ndarray) -> None:
    """Independent activity codes per contact; 'other' when none was drawn."""
    m = len(c["family"])
    for col, p in ACTIVITY_PROBABILITY.items():
        if col == "act_transportation":
            p = p * np.where(rural[c["family"]], RURAL_TRANSPORTATION_RATIO, 1.0)
        c[col] = rng.random(m) < p
    # decided without transportation so the 'other' count does not differ by rurality
    coded = np.logical_or.reduce([c[k] for k in ACTIVITY_COLUMNS if k != "act_transportation"])
    c["act_other"] |= ~coded


def _draw_missed(rng: np.random.Generator, cases: dict, months, mean_months: float) -> dict:
    """No-shows and refusals: overdispersed counts, uniform over the case, 0 or a few minutes."""
    n = len(months)
    counts = []
    for per_family in (NO_SHOWS_PER_FAMILY, REFUSALS_PER_FAMILY):
        rate = rng.gamma(MISSED_RATE_SHAPE, per_family / mean_months / MISSED_RATE_SHAPE, n)
        counts.append(rng.poisson(rate * months))
    status = np.repeat([1, 2], [c.sum() for c in counts])  # no_show, refused
    fam = np.concatenate([np.repeat(np.arange(n), c) for c in counts])
    m = len(fam)
    open_day, end_day = cases["open_day"][fam], cases["end_day"][fam]
    day = open_day + np.floor(rng.random(m) * (end_day - open_day + 1)).astype(np.int64)
    typical = np.where(status == 1, MISSED_MINUTES["no_show"], MISSED_MINUTES["refused"])
    logged = rng.random(m) < MISSED_WITH_MINUTES
    minutes = np.where(logged, 5 * np.rint(rng.gamma(2.0, typical / 2.0) / 5), 0.0)
    no = np.zeros(m, dtype=bool)
    return {
        "family": fam,
        "day": day,
        "early": no,
        "mode": np.where(rng.random(m) < 0.8, 0, 1),  # a missed home visit or a refused call
        "status": status,
        "collateral": no,
        "with_parent": status == 2,  # the parent was there to refuse
        "with_children": no,
        "minutes": np.minimum(minutes, 1440.0),
        **{col: no for col in ACTIVITY_COLUMNS},
    }
