"""A synthetic family profile with every service measure (tests/figures/, tests/notebooks/)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from peermentor.analysis.measures import EARLY, SERVICE


def synthetic_profile(n: int = 240, seed: int = 7, n_sites: int = 4) -> pd.DataFrame:
    """A family profile with every service measure; unification depends on visits."""
    rng = np.random.default_rng(seed)
    site = rng.integers(0, n_sites, n)
    months = rng.uniform(3, 30, n)
    contacts = rng.poisson(4 * months) + 1
    face = rng.binomial(contacts, 0.3)
    no_shows = rng.poisson(3, n)
    closed = rng.random(n) < 0.85
    unified = (rng.random(n) < expit(-0.5 + 0.08 * face - 0.2 * no_shows)).astype(float)
    opened = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    profile = pd.DataFrame(
        {
            "family_id": [f"F{i:04d}" for i in range(n)],
            "site_id": [f"site{s}" for s in site],
            "mentor_id": [f"M{s}{m}" for s, m in zip(site, rng.integers(0, 5, n), strict=True)],
            "rurality": np.where(site < n_sites // 2, "rural", "urban"),
            "case_open_date": opened,
            "case_closed": closed,
            "unified_at_closure": np.where(closed, unified, np.nan),
            "contacts": contacts,
            "hours": contacts * rng.uniform(0.5, 1.3, n),
            "months_of_service": months,
            "face_to_face_with_children": face,
            "no_shows_or_refusals": no_shows,
            "act_recovery_coaching": rng.binomial(contacts, 0.65),
            "act_daily_living_coaching": rng.binomial(contacts, 0.6),
        }
    )
    profile["outcome_at_closure"] = profile["unified_at_closure"].map(
        {1.0: "unified", 0.0: "separated"}
    )
    for column in SERVICE:  # the other measures: small counts or rates
        if column not in profile:
            profile[column] = rng.poisson(3, n).astype(float if "per_month" in column else int)
    profile["early_reached_n"] = contacts >= 7
    profile["early_days_to_nth"] = np.where(contacts >= 7, rng.gamma(6, 4, n), np.nan)
    profile["early_hours"] = rng.gamma(8, 1, n)
    assert all(column in profile for column in EARLY)
    return profile
