"""A seeded synthetic START study calibrated to Huebner et al. (2018).

The generator draws, in this order, from one ``numpy.random.default_rng(seed)``:

1. **Families.** 783 per unit of ``scale``, split over the sites by weight. Cases open uniformly
   from ``start`` to six months before ``cutoff`` and last a bounded lognormal number of months
   (mean about 15); a case whose closing date falls after the cut-off is still open.
2. **Mentors.** 28 per unit of ``scale``, split over the sites by weight (at least 2 per site).
   A site has as many caseload *slots* as it needs for about 13.5 families each (START: 12-15),
   and each slot is held by the site's mentors one after another. The family's mentor is whoever
   holds its slot when the case opens; a contact is logged by whoever holds the slot that day
   (so about a fifth of contacts come after a hand-over to a successor) or, for 3 %, by a mentor
   of another slot of the site who covers. The last holder of each slot is still employed; 18 of
   28 mentors in all stayed or advanced, the others left through relapse or violations (P6).
3. **Contacts.** Completed contacts per family are Poisson with a gamma-distributed monthly rate, so
   families differ widely. The first 7 come about every 3.9 days (P3), the others are spread over
   the rest of the case. No-shows and refusals are overdispersed too and last 0 or a few minutes.
4. **Outcome at closure.** logit P(unified) = b0 + log(1.09) * face-to-face contacts with the
   children - log(1.24) * (no-shows + refusals) + 0 * rural + 0 * months of service + u_mentor,
   with u_mentor ~ N(0, 0.35^2) on the primary mentor (P5).

Rural families get twice the share of transportation contacts and 40 % longer contacts, but as many
contacts as urban families (P4: the known truth for the stratification stage).

One published figure cannot be met together with the others: 45,184 logged contacts over 783
families is 57.7 per family, fewer than the 60.5 completed contacts per family of P1 plus the
no-shows and refusals. The generator keeps the per-family figures (P1-P3) within a few per cent and
lets the total land near 49,000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from peermentor import contract
from peermentor.analysis.measures import COMPARED_MEASURES
from peermentor.contract import ACTIVITY_COLUMNS, STABLE_OR_ADVANCED

MONTH_DAYS = 30.4375  # days in an average month: months_of_service = days / MONTH_DAYS
EARLY_N = 7  # P3 counts the first 7 contacts

# Published figures (DESIGN.md section 1) per unit of scale, and the targets calibrated to.
FAMILIES_PER_SCALE = 783
MENTORS_PER_SCALE = 28
STABLE_PER_SCALE = 18
TARGETS: dict[str, float] = {
    "n_families": 783,
    "n_mentors": 28,
    "n_contacts": 45184,
    "mean_contacts_per_family": 60.5,
    "mean_hours_per_family": 55.3,
    "mean_months_of_service": 15.0,
    "mean_days_to_7th_contact": 23.6,
    "mean_hours_first_7": 8.0,
    "mean_recovery_coaching": 40.2,
    "mean_daily_living_coaching": 38.5,
    "unified_share_of_closed": 2 / 3,
    "mentor_stable_or_advanced_share": 18 / 28,
    "face_to_face_with_children_gap": 14.0,
    "odds_ratio_face_to_face_with_children": 1.09,
    "odds_ratio_separation_per_no_show_or_refusal": 1.24,
}

# --- Cases -------------------------------------------------------------------------------------
LAST_OPENING_BEFORE_CUTOFF_DAYS = 182  # openings stop about six months before the cut-off
CASE_MONTHS_MEDIAN = 14.1  # lognormal: mean 16 planned, about 15 served by the cut-off
CASE_MONTHS_SIGMA = 0.5
CASE_MONTHS_BOUNDS = (3.0, 40.0)
CHILDREN_EXTRA_MEAN = 1.3  # n_children = 1 + overdispersed count

# --- Contacts (completed) ------------------------------------------------------------------------
COMPLETED_PER_FAMILY = 59.5  # under 60.5 to keep all logged contacts nearer 45,184 (docstring)
CONTACT_RATE_SHAPE = 2.5  # gamma shape of a family's monthly contact rate (heterogeneity)
FIRST_CONTACT_DELAY_DAYS = 3.0  # mean days from case opening to the first contact
EARLY_GAP_DAYS = TARGETS["mean_days_to_7th_contact"] / (EARLY_N - 1)  # one contact every ~3.9 days
EARLY_PACE_SHAPE = 4.0  # families differ in how fast the first contacts come
EARLY_MINUTES = TARGETS["mean_hours_first_7"] * 60 / EARLY_N  # first contacts are long (~69 min)
LATER_MINUTES = (
    (TARGETS["mean_hours_per_family"] - TARGETS["mean_hours_first_7"])
    * 60
    / (COMPLETED_PER_FAMILY - EARLY_N)
)
FAMILY_DURATION_SHAPE = 12.0  # gamma shape of a family's duration multiplier
CONTACT_DURATION_SHAPE = 4.0  # gamma shape of one contact's duration noise
MODE_SHARES = {"face_to_face": 0.58, "phone": 0.25, "text_or_email": 0.13, "other": 0.04}
MODE_DURATION = {"face_to_face": 1.3, "phone": 0.55, "text_or_email": 0.3, "other": 0.9}
FACE_TO_FACE_CONCENTRATION = 8.0  # beta concentration of a family's face-to-face share
WITH_CHILDREN_MEAN = 0.6  # share of a family's face-to-face contacts with the children present
WITH_CHILDREN_CONCENTRATION = 1.5  # low: some children are placed out and rarely seen
WITH_CHILDREN_REMOTE = 0.15  # remote contacts include the children less often
WITH_PARENT = 0.93
COLLATERAL = 0.12  # on behalf of the family: neither parent nor children present
COVERING = 0.03  # contacts logged by another mentor of the site
ACTIVITY_PROBABILITY = {
    "act_recovery_coaching": TARGETS["mean_recovery_coaching"] / COMPLETED_PER_FAMILY,
    "act_daily_living_coaching": TARGETS["mean_daily_living_coaching"] / COMPLETED_PER_FAMILY,
    "act_transportation": 0.10,  # urban; rural x RURAL_TRANSPORTATION_RATIO
    "act_resource_linkage": 0.15,
    "act_advocacy": 0.10,
    "act_crisis_support": 0.05,
    "act_other": 0.03,  # also set when no other code was drawn: every completed contact has one
}

# --- Rural versus urban (P4) ---------------------------------------------------------------------
RURAL_TRANSPORTATION_RATIO = 2.0
RURAL_DURATION_RATIO = 1.4  # large enough to detect in hours per family at scale 1
RURAL_DIFFERS = ("act_transportation", "hours", "hours_per_month", "early_hours")

# --- No-shows and refusals -----------------------------------------------------------------------
NO_SHOWS_PER_FAMILY = 2.2
REFUSALS_PER_FAMILY = 0.8
MISSED_RATE_SHAPE = 1.0  # strongly overdispersed
MISSED_WITH_MINUTES = 0.3  # share of missed contacts with a few minutes logged (travel, a call)
MISSED_MINUTES = {"no_show": 20.0, "refused": 10.0}

# --- Mentors -------------------------------------------------------------------------------------
CASELOAD = 13.5  # families a mentor serves at a time (START: 12-15)
MIN_TENURE_DAYS = 180
CHALLENGE_MIX = {"relapse": 0.4, "boundary_violation": 0.3, "policy_violation": 0.3}
ADVANCEMENT_MIX = {"promoted": 0.5, "left_for_advancement": 0.5}

# --- Outcome at closure (P5) ---------------------------------------------------------------------
OUTCOME_COEFFICIENTS: dict[str, float] = {
    "intercept": 0.2,  # calibrated so about 2/3 of closed cases end unified
    "face_to_face_with_children": math.log(1.09),
    "no_shows_or_refusals": math.log(1 / 1.24),
    "rural": 0.0,
    "months_of_service": 0.0,
}
MENTOR_EFFECT_SD = 0.35
OUTCOME_FORMULA = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)

# --- Free text -----------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class DemoSite:
    """One demo site: its rurality, USDA Rural-Urban Continuum Code and share of families."""

    site_id: str
    rurality: str  # "rural" or "urban"
    rucc: int | None  # USDA RUCC 1-9
    weight: float  # relative share of families


DEFAULT_SITES: tuple[DemoSite, ...] = (
    DemoSite("jefferson", "urban", 1, 0.30),
    DemoSite("kenton", "urban", 1, 0.15),
    DemoSite("fayette", "urban", 2, 0.20),
    DemoSite("daviess", "urban", 3, 0.10),
    DemoSite("perry", "rural", 7, 0.13),
    DemoSite("martin", "rural", 9, 0.12),
)


@dataclass
class Study:
    """The three canonical tables as an agency would export them, plus the true parameters."""

    families: pd.DataFrame
    contacts: pd.DataFrame
    mentors: pd.DataFrame
    truth: dict
    FREE_TEXT: ClassVar[dict[str, tuple[str, ...]]] = FREE_TEXT_COLUMNS


@dataclass(frozen=True)
class _Calendar:
    """Days counted from ``start`` (day 0)."""

    start: np.datetime64
    cutoff_day: int

    @classmethod
    def of(cls, start: str, cutoff: str) -> _Calendar:
        first = np.datetime64(start, "D")
        return cls(first, int((np.datetime64(cutoff, "D") - first).astype(int)))

    @property
    def last_opening_day(self) -> int:
        return self.cutoff_day - LAST_OPENING_BEFORE_CUTOFF_DAYS

    def dates(self, days: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
        """datetime64[ns] at midnight for day numbers; NaT where ``known`` is False."""
        dates = (self.start + days.astype("timedelta64[D]")).astype("datetime64[ns]")
        if known is not None:
            dates[~known] = np.datetime64("NaT")
        return dates


@dataclass
class _Staff:
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


def simulate_study(
    seed: int = 20180101,
    scale: int = 1,
    sites: Sequence[DemoSite] = DEFAULT_SITES,
    start: str = "2010-01-01",
    cutoff: str = "2017-12-31",
    n_families: int | None = None,
    n_mentors: int | None = None,
) -> Study:
    """Draw a synthetic study: ``scale`` times 783 families and 28 mentors over ``sites``.

    ``n_families`` and ``n_mentors`` set the study size directly (small study shapes).
    """
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    sites = tuple(sites)
    if {s.rurality for s in sites} - {"rural", "urban"}:
        raise ValueError("site rurality must be 'rural' or 'urban'")
    rng = np.random.default_rng(seed)
    calendar = _Calendar.of(start, cutoff)
    weights = np.array([s.weight for s in sites], dtype=float)
    rural_site = np.array([s.rurality == "rural" for s in sites])
    families_per_site = _allocate(weights, n_families or FAMILIES_PER_SCALE * scale)
    mentors_per_site = _allocate(weights, n_mentors or MENTORS_PER_SCALE * scale, minimum=2)

    cases = _draw_cases(rng, families_per_site, calendar)
    staff = _draw_staff(rng, families_per_site, mentors_per_site, calendar)
    site = cases["site"]
    slot = staff.slot_offset[site] + rng.integers(0, staff.site_slots[site])
    primary = staff.holder(slot, cases["open_day"])
    rural = rural_site[site]
    log = _draw_contacts(rng, cases, rural, rural.mean())
    log["mentor"] = _logging_mentor(rng, staff, slot, site, log)
    unified = _draw_outcome(rng, cases, log, primary, rural, len(staff.site))

    mentor_ids, mentors = _mentor_frame(rng, staff, sites, calendar)
    families = _family_frame(rng, cases, unified, sites, mentor_ids[primary], calendar)
    contacts = _contact_frame(rng, log, families["family_id"], mentor_ids, calendar)
    truth = _truth(seed, scale, sites, families_per_site, mentors_per_site, staff, start, cutoff)
    truth |= {"n_families": len(families), "n_mentors": len(mentors), "n_contacts": len(contacts)}
    truth["realized"] = describe_study(families, contacts, mentors, cutoff=cutoff)
    return Study(families, contacts, mentors, truth)


# --- Allocation ----------------------------------------------------------------------------------
def _allocate(weights: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
    """Split ``total`` by ``weights`` (largest remainder), at least ``minimum`` each."""
    if total < minimum * len(weights):
        raise ValueError(f"cannot give {len(weights)} sites at least {minimum} of {total}")
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(np.int64)
    by_remainder = np.argsort(-(quota - counts), kind="stable")
    counts[by_remainder[: total - counts.sum()]] += 1
    while (counts < minimum).any():  # move one unit from the site most above its quota
        donor = np.argmax(np.where(counts > minimum, counts - quota, -np.inf))
        counts[donor] -= 1
        counts[np.argmax(counts < minimum)] += 1
    return counts


# --- Families and cases --------------------------------------------------------------------------
def _draw_cases(rng: np.random.Generator, families_per_site: np.ndarray, cal: _Calendar) -> dict:
    """Per family, in order of case opening: site, open/close/end day, closed, months, children."""
    n = int(families_per_site.sum())
    open_day = np.sort(rng.integers(0, cal.last_opening_day + 1, n))
    site = rng.permutation(np.repeat(np.arange(len(families_per_site)), families_per_site))
    months = rng.lognormal(math.log(CASE_MONTHS_MEDIAN), CASE_MONTHS_SIGMA, n)
    close_day = open_day + np.rint(np.clip(months, *CASE_MONTHS_BOUNDS) * MONTH_DAYS).astype(int)
    closed = close_day <= cal.cutoff_day
    end_day = np.where(closed, close_day, cal.cutoff_day)
    extra_children = rng.negative_binomial(2, 2 / (2 + CHILDREN_EXTRA_MEAN), n)
    return {
        "site": site,
        "open_day": open_day,
        "close_day": close_day,
        "closed": closed,
        "end_day": end_day,
        "months": (end_day - open_day) / MONTH_DAYS,
        "n_children": 1 + np.minimum(extra_children, 14),
    }


# --- Mentors -------------------------------------------------------------------------------------
def _draw_staff(
    rng: np.random.Generator,
    families_per_site: np.ndarray,
    mentors_per_site: np.ndarray,
    cal: _Calendar,
) -> _Staff:
    """Caseload slots per site, held by the site's mentors one after another."""
    mean_months = CASE_MONTHS_MEDIAN * math.exp(CASE_MONTHS_SIGMA**2 / 2)
    concurrent = families_per_site * mean_months / (cal.cutoff_day / MONTH_DAYS)
    site_slots = np.clip(np.rint(concurrent / CASELOAD).astype(np.int64), 1, mentors_per_site)
    columns: dict[str, list] = {"site": [], "slot": [], "first_day": [], "last": []}
    slot = 0
    for s, (n_slots, n_mentors) in enumerate(zip(site_slots, mentors_per_site, strict=True)):
        for holders in _allocate(np.ones(n_slots), int(n_mentors)):
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
    return _Staff(
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


def _logging_mentor(rng, staff: _Staff, slot, site, log: dict) -> np.ndarray:
    """Whoever holds the family's slot on the day, or a covering mentor of another slot."""
    fam, day = log["family"], log["day"]
    contact_slot = slot[fam]
    covered = rng.random(len(fam)) < COVERING
    contact_site = site[fam[covered]]
    contact_slot[covered] = staff.slot_offset[contact_site] + rng.integers(
        0, staff.site_slots[contact_site]
    )
    return staff.holder(contact_slot, day)


# --- Contacts ------------------------------------------------------------------------------------
def _draw_contacts(
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


# --- Outcome -------------------------------------------------------------------------------------
def _family_counts(log: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per family: completed face-to-face contacts with the children, and no-shows + refusals."""
    done = log["status"] == 0
    visits = done & (log["mode"] == 0) & log["with_children"]
    f2f_children = np.bincount(log["family"][visits], minlength=n)
    missed = np.bincount(log["family"][~done], minlength=n)
    return f2f_children, missed


def _draw_outcome(rng, cases: dict, log: dict, primary, rural, n_mentors: int) -> np.ndarray:
    """True for unified, among closed cases, from the true logistic model."""
    b = OUTCOME_COEFFICIENTS
    f2f_children, missed = _family_counts(log, len(rural))
    mentor_effect = rng.normal(0.0, MENTOR_EFFECT_SD, n_mentors)[primary]
    logit = (
        b["intercept"]
        + b["face_to_face_with_children"] * f2f_children
        + b["no_shows_or_refusals"] * missed
        + b["rural"] * rural
        + b["months_of_service"] * cases["months"]
        + mentor_effect
    )
    return rng.random(len(rural)) < 1 / (1 + np.exp(-logit))


# --- Frames --------------------------------------------------------------------------------------
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


def _mentor_frame(rng, staff: _Staff, sites, cal: _Calendar) -> tuple[np.ndarray, pd.DataFrame]:
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


def _family_frame(rng, cases: dict, unified, sites, primary_ids, cal: _Calendar) -> pd.DataFrame:
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


def _contact_frame(
    rng, log: dict, family_ids: pd.Series, mentor_ids, cal: _Calendar
) -> pd.DataFrame:
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


def _truth(seed, scale, sites, families_per_site, mentors_per_site, staff, start, cutoff) -> dict:
    b = OUTCOME_COEFFICIENTS
    return {
        "seed": int(seed),
        "scale": int(scale),
        "start": start,
        "cutoff": cutoff,
        "sites": [
            asdict(s) | {"n_families": int(f), "n_mentors": int(m), "n_caseload_slots": int(k)}
            for s, f, m, k in zip(
                sites, families_per_site, mentors_per_site, staff.site_slots, strict=True
            )
        ],
        "outcome_formula": OUTCOME_FORMULA,
        "coefficients": dict(b),
        "odds_ratios": {k: math.exp(v) for k, v in b.items() if k != "intercept"},
        "mentor_effect_sd": MENTOR_EFFECT_SD,
        "rural_differences": {
            "contact_duration_ratio": RURAL_DURATION_RATIO,
            "transportation_ratio": RURAL_TRANSPORTATION_RATIO,
            "differs": list(RURAL_DIFFERS),
            "same": [m for m in COMPARED_MEASURES if m not in RURAL_DIFFERS],
        },
        "targets": dict(TARGETS),
        "generator": {
            "completed_contacts_per_family": COMPLETED_PER_FAMILY,
            "no_shows_per_family": NO_SHOWS_PER_FAMILY,
            "refusals_per_family": REFUSALS_PER_FAMILY,
            "case_months_lognormal": {"median": CASE_MONTHS_MEDIAN, "sigma": CASE_MONTHS_SIGMA},
            "case_months_bounds": list(CASE_MONTHS_BOUNDS),
            "early_contact_minutes": EARLY_MINUTES,
            "later_contact_minutes": LATER_MINUTES,
            "caseload_per_mentor": CASELOAD,
            "covering_share": COVERING,
            "activity_probability": dict(ACTIVITY_PROBABILITY),
        },
    }


# --- Calibration summary -------------------------------------------------------------------------
def describe_study(
    families: pd.DataFrame, contacts: pd.DataFrame, mentors: pd.DataFrame, cutoff: str | None = None
) -> dict:
    """The figures the generator is calibrated to, computed from canonical tables.

    Per-family means count completed contacts and cover every family (0 when none); the early
    engagement figures cover families with at least 7 completed contacts, taken in date order
    (same-day contacts in table order). Months of service run to closure or ``cutoff`` (default:
    the latest date in the data).
    """
    n = len(families)
    family = pd.Index(families["family_id"]).get_indexer(contacts["family_id"])
    done = (contacts["status"] == "completed").to_numpy() & (family >= 0)
    minutes = contacts["duration_minutes"].to_numpy()[done]
    family_done = family[done]

    def per_family(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        keep = slice(None) if mask is None else mask[done]
        w = None if weights is None else weights[keep]
        return np.bincount(family_done[keep], w, minlength=n)

    visits = (contacts["mode"] == "face_to_face").to_numpy() & contacts["with_children"].to_numpy()
    f2f_children = per_family(visits)
    days_to_seventh, early_hours = _early_engagement(
        family_done, contacts["contact_date"].to_numpy()[done], minutes
    )
    if cutoff is None:
        cutoff = max(contacts["contact_date"].max(), families["case_close_date"].max())
    end = families["case_close_date"].fillna(pd.Timestamp(cutoff))
    months = (end - families["case_open_date"]).dt.days / MONTH_DAYS
    closed = families["case_close_date"].notna().to_numpy()
    unified = (families["outcome_at_closure"] == "unified").to_numpy()
    missed = np.bincount(family[(family >= 0) & ~done], minlength=n)
    gap = f2f_children[closed & unified].mean() - f2f_children[closed & ~unified].mean()
    return {
        "n_sites": int(families["site_id"].nunique()),
        "n_mentors": len(mentors),
        "n_families": n,
        "n_contacts": len(contacts),
        "mean_contacts_per_family": float(per_family().mean()),
        "mean_hours_per_family": float(per_family(None, minutes).mean() / 60),
        "mean_months_of_service": float(months.mean()),
        "mean_days_to_7th_contact": float(days_to_seventh.mean()),
        "mean_hours_first_7": float(early_hours.mean()),
        "mean_recovery_coaching": float(
            per_family(contacts["act_recovery_coaching"].to_numpy()).mean()
        ),
        "mean_daily_living_coaching": float(
            per_family(contacts["act_daily_living_coaching"].to_numpy()).mean()
        ),
        "mean_no_shows_or_refusals": float(missed.mean()),
        "share_closed": float(closed.mean()),
        "unified_share_of_closed": float(unified[closed].mean()),
        "mentor_stable_or_advanced_share": float(
            mentors["exit_reason"].isin(STABLE_OR_ADVANCED).mean()
        ),
        "face_to_face_with_children_gap": float(gap),
    }


def _early_engagement(family: np.ndarray, date: np.ndarray, minutes: np.ndarray):
    """Days from the first to the 7th completed contact, and hours of the first 7, per family."""
    order = np.lexsort((date, family))  # stable: same-day contacts keep table order
    family, date, minutes = family[order], date[order], minutes[order]
    starts = np.flatnonzero(np.r_[True, family[1:] != family[:-1]])
    sizes = np.diff(np.r_[starts, len(family)])
    rank = np.arange(len(family)) - np.repeat(starts, sizes)
    reached = starts[sizes >= EARLY_N]
    days = (date[reached + EARLY_N - 1] - date[reached]) / np.timedelta64(1, "D")
    early = rank < EARLY_N
    hours = np.add.reduceat(np.where(early, minutes, 0.0), starts)[sizes >= EARLY_N] / 60
    return days, hours
