"""What the demo is calibrated to: the paper's figures, every generator constant, and the check.

``TARGETS`` are the published figures (docs/design.md section 1) per unit of scale; the constants
below set the draws of ``simulate.py`` (grouped by what they shape). ``describe_study``
computes those figures from the canonical tables, as the truth file records them: plain numpy,
independent of the pipeline's measures, which tests/demo/test_simulate.py checks it agrees with (the
calibration tests and ``peermentor describe`` use the pipeline's own measures).

One published figure cannot be met together with the others: 45,184 logged contacts over 783
families is 57.7 per family, fewer than the 60.5 completed contacts per family of P1 plus the
no-shows and refusals. The generator keeps the per-family figures (P1-P3) within a few per cent and
lets the total land near 49,000.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from peermentor.contract import STABLE_OR_ADVANCED

MONTH_DAYS = 30.4375  # days in an average month: months_of_service = days / MONTH_DAYS
EARLY_N = 7  # P3 counts the first 7 contacts

# Published figures (docs/design.md section 1) per unit of scale, and the targets calibrated to.
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
