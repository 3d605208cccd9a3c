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

Where the rest is: the targets and every constant in ``calibration.py``, the sites and how they
share the study in ``sites.py``, the draws of step 2 in ``mentors.py`` and of step 3 in
``contacts.py`` (cases and the outcome are drawn here), the canonical tables in ``frames.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from peermentor.analysis.measures import COMPARED_MEASURES
from peermentor.demo.calibration import (
    ACTIVITY_PROBABILITY,
    CASE_MONTHS_BOUNDS,
    CASE_MONTHS_MEDIAN,
    CASE_MONTHS_SIGMA,
    CASELOAD,
    CHILDREN_EXTRA_MEAN,
    COMPLETED_PER_FAMILY,
    COVERING,
    EARLY_MINUTES,
    FAMILIES_PER_SCALE,
    LATER_MINUTES,
    MENTOR_EFFECT_SD,
    MENTORS_PER_SCALE,
    MONTH_DAYS,
    NO_SHOWS_PER_FAMILY,
    OUTCOME_COEFFICIENTS,
    OUTCOME_FORMULA,
    REFUSALS_PER_FAMILY,
    RURAL_DIFFERS,
    RURAL_DURATION_RATIO,
    RURAL_TRANSPORTATION_RATIO,
    TARGETS,
    describe_study,
)
from peermentor.demo.contacts import draw_contacts
from peermentor.demo.frames import FREE_TEXT_COLUMNS, contact_frame, family_frame, mentor_frame
from peermentor.demo.mentors import draw_staff, logging_mentor
from peermentor.demo.sites import DEFAULT_SITES, DemoSite, allocate
from peermentor.demo.timeline import Calendar


@dataclass
class Study:
    """The three canonical tables as an agency would export them, plus the true parameters."""

    families: pd.DataFrame
    contacts: pd.DataFrame
    mentors: pd.DataFrame
    truth: dict
    FREE_TEXT: ClassVar[dict[str, tuple[str, ...]]] = FREE_TEXT_COLUMNS


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
    calendar = Calendar.of(start, cutoff)
    weights = np.array([s.weight for s in sites], dtype=float)
    rural_site = np.array([s.rurality == "rural" for s in sites])
    families_per_site = allocate(weights, n_families or FAMILIES_PER_SCALE * scale)
    mentors_per_site = allocate(weights, n_mentors or MENTORS_PER_SCALE * scale, minimum=2)

    cases = _draw_cases(rng, families_per_site, calendar)
    staff = draw_staff(rng, families_per_site, mentors_per_site, calendar)
    site = cases["site"]
    slot = staff.slot_offset[site] + rng.integers(0, staff.site_slots[site])
    primary = staff.holder(slot, cases["open_day"])
    rural = rural_site[site]
    log = draw_contacts(rng, cases, rural, rural.mean())
    log["mentor"] = logging_mentor(rng, staff, slot, site, log)
    unified = _draw_outcome(rng, cases, log, primary, rural, len(staff.site))

    mentor_ids, mentors = mentor_frame(rng, staff, sites, calendar)
    families = family_frame(rng, cases, unified, sites, mentor_ids[primary], calendar)
    contacts = contact_frame(rng, log, families["family_id"], mentor_ids, calendar)
    truth = _truth(seed, scale, sites, families_per_site, mentors_per_site, staff, start, cutoff)
    truth |= {"n_families": len(families), "n_mentors": len(mentors), "n_contacts": len(contacts)}
    truth["realized"] = describe_study(families, contacts, mentors, cutoff=cutoff)
    return Study(families, contacts, mentors, truth)


# --- Families and cases --------------------------------------------------------------------------
def _draw_cases(rng: np.random.Generator, families_per_site: np.ndarray, cal: Calendar) -> dict:
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
