"""Mentors (P6): caseload slots per site, held by the site's mentors one after another.

The family's mentor is whoever holds its slot when the case opens; a contact is logged by
whoever holds the slot that day, or by a covering mentor of another slot of the site.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from peermentor.demo.calibration import (
    ADVANCEMENT_MIX,
    CASE_MONTHS_MEDIAN,
    CASE_MONTHS_SIGMA,
    CASELOAD,
    CHALLENGE_MIX,
    COVERING,
    MENTORS_PER_SCALE,
    MIN_TENURE_DAYS,
    MONTH_DAYS,
    STABLE_PER_SCALE,
)
from peermentor.demo.sites import allocate
from peermentor.demo.timeline import Calendar


@dataclass
class Staff:
    """Mentors in slot order: each slot's holders one after another."""

    site: np.ndarray  # site index per mentor
    slot: np.ndarray  # global slot index per mentor
    first_day: np.ndarray  # first day holding the slot
    last_day: np.ndarray  # last day employed (cutoff for the slot's last holder)
    hire_day: np.ndarray
    exit_reason: np.ndarray  # str labels
    site_slots: np.ndarray  # slots per site
    slot_offset: np.ndarray  # first global slot of each site

    def holder(self, slot: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index of the mentor holding ``slot`` on ``day`` (vectorized)."""
        span = 1 << 32  # keys: slot in the high bits, day in the low bits
        keys = self.slot.astype(np.int64) * span + self.first_day
        return np.searchsorted(keys, slot.astype(np.int64) * span + day, side="right") - 1


def draw_staff(
    rng: np.random.Generator,
    families_per_site: np.ndarray,
    mentors_per_site: np.ndarray,
    cal: Calendar,
) -> Staff:
    """Caseload slots per site, held by the site's mentors one after another."""
    mean_months = CASE_MONTHS_MEDIAN * math.exp(CASE_MONTHS_SIGMA**2 / 2)
    concurrent = families_per_site * mean_months / (cal.cutoff_day / MONTH_DAYS)
    site_slots = np.clip(np.rint(concurrent / CASELOAD).astype(np.int64), 1, mentors_per_site)
    columns: dict[str, list] = {"site": [], "slot": [], "first_day": [], "last": []}
    slot = 0
    for s, (n_slots, n_mentors) in enumerate(zip(site_slots, mentors_per_site, strict=True)):
        for holders in allocate(np.ones(n_slots), int(n_mentors)):
            first_day = _handover_days(rng, int(holders), cal.last_opening_day)
            columns["site"] += [s] * holders
            columns["slot"] += [slot] * holders
            columns["first_day"] += list(first_day)
            columns["last"] += [False] * (holders - 1) + [True]
            slot += 1
    first_day = np.array(columns["first_day"], dtype=np.int64)
    last = np.array(columns["last"])
    last_day = np.where(last, cal.cutoff_day, np.roll(first_day, -1) - 1)
    # the first holder was hired before the program's window, successors shortly before handover
    hire_day = first_day - np.where(
        first_day == 0, rng.integers(30, 730, len(last)), rng.integers(7, 60, len(last))
    )
    n_stable = round(STABLE_PER_SCALE / MENTORS_PER_SCALE * mentors_per_site.sum())
    return Staff(
        site=np.array(columns["site"]),
        slot=np.array(columns["slot"]),
        first_day=first_day,
        last_day=last_day,
        hire_day=hire_day,
        exit_reason=_exit_reasons(rng, last, n_stable),
        site_slots=site_slots,
        slot_offset=np.cumsum(site_slots) - site_slots,
    )


def _handover_days(rng: np.random.Generator, holders: int, last_opening_day: int) -> np.ndarray:
    """First day of each holder of one slot; every holder starts before openings stop."""
    free = last_opening_day - holders * MIN_TENURE_DAYS
    if free < 0:
        raise ValueError("too many mentors per caseload slot for the study window")
    tenure = MIN_TENURE_DAYS + free * rng.dirichlet(np.full(holders, 2.0))
    return np.concatenate([[0], np.rint(np.cumsum(tenure[:-1])).astype(np.int64)])


def _exit_reasons(rng: np.random.Generator, last: np.ndarray, n_stable: int) -> np.ndarray:
    """Slot's last holder: still employed; of the others, enough advanced to make ``n_stable``."""
    leavers = np.flatnonzero(~last)
    n_advanced = n_stable - int(last.sum())
    if not 0 <= n_advanced <= len(leavers):
        raise ValueError("cannot reach the stable-or-advanced mentor count with these sites")
    reason = np.full(len(last), "still_employed", dtype=object)
    advanced = np.zeros(len(leavers), dtype=bool)
    advanced[rng.permutation(len(leavers))[:n_advanced]] = True
    reason[leavers[advanced]] = rng.choice(
        list(ADVANCEMENT_MIX), n_advanced, p=[*ADVANCEMENT_MIX.values()]
    )
    reason[leavers[~advanced]] = rng.choice(
        list(CHALLENGE_MIX), len(leavers) - n_advanced, p=[*CHALLENGE_MIX.values()]
    )
    return reason


def logging_mentor(rng, staff: Staff, slot, site, log: dict) -> np.ndarray:
    """Whoever holds the family's slot on the day, or a covering mentor of another slot."""
    fam, day = log["family"], log["day"]
    contact_slot = slot[fam]
    covered = rng.random(len(fam)) < COVERING
    contact_site = site[fam[covered]]
    contact_slot[covered] = staff.slot_offset[contact_site] + rng.integers(
        0, staff.site_slots[contact_site]
    )
    return staff.holder(contact_slot, day)
