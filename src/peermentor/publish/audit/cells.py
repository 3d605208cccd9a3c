"""Printed cells and what the attacker reads from them: a value, its precision, the
values a marker may stand for, and the findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Cell:
    """One printed cell: the file (relative to the results dir), row number, column."""

    file: str
    row: int
    column: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}"


@dataclass(frozen=True)
class Finding:
    """A suppressed count recovered from published cells."""

    cell: Cell
    value: int
    attack: str
    evidence: tuple[Cell, ...] = field(default=())

    def as_row(self) -> dict:
        return {
            "file": self.cell.file,
            "row": self.cell.row,
            "column": self.cell.column,
            "recovered": self.value,
            "attack": self.attack,
            "evidence": "; ".join(str(c) for c in self.evidence),
        }


def number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def half_width(text: str) -> float:
    """Half the last printed digit: a printed value x stands for [x - h, x + h]."""
    text = str(text).strip().lower()
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    digits = len(mantissa.replace("-", "").replace(".", "").lstrip("0"))
    width = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
    if digits >= 15:  # full float precision: allow for rounding of the computation
        width = max(width, 1e-9 * abs(float(text)))
    return width


def candidates(text: str, min_cell_size: int) -> range:
    """The values a suppressed cell may hold: "<11" is 1..10, "[c]" is unknown (0..)."""
    if str(text).strip().startswith("<"):
        return range(1, min_cell_size)
    return range(0, 10**6)


def recovered(possible: Iterable[int], text: str, min_cell_size: int) -> int | None:
    """The one value that fits, when the cell is small-suppressed or fits nothing else."""
    fits = list(possible)
    small = [v for v in fits if 0 < v < min_cell_size]
    if len(fits) == 1 or (str(text).startswith("<") and len(small) == 1):
        return small[0] if len(small) == 1 else fits[0]
    return None


def fits_mean(mean_text: str, n: int, step: Fraction) -> bool:
    """Whether some sum of n values in steps of ``step`` has the printed mean."""
    mean, h = float(mean_text), half_width(mean_text)
    low, high = (mean - h) * n / float(step), (mean + h) * n / float(step)
    return math.floor(high + 1e-12) >= math.ceil(low - 1e-12)
