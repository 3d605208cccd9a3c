"""The demo sites and how the study's families and mentors are split over them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def allocate(weights: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
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
