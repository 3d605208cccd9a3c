"""The study window as day numbers: day 0 is the start, cases stop opening before the cut-off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peermentor.demo.calibration import LAST_OPENING_BEFORE_CUTOFF_DAYS


@dataclass(frozen=True)
class Calendar:
    """Days counted from ``start`` (day 0)."""

    start: np.datetime64
    cutoff_day: int

    @classmethod
    def of(cls, start: str, cutoff: str) -> Calendar:
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
