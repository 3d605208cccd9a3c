"""Disclosure audit: an attacker over the published tables (DESIGN.md section 10).

``audit_disclosure(results_dir, min_cell_size)`` reads every public CSV under
``results_dir/tables`` and ``results_dir/models`` as printed text (the precision an
outside reader sees) and tries to recover each suppressed count (a cell "<11" or
"[c]") with these attacks:

- ``difference``: a total minus its shown parts, within a row (n_families =
  n_reached + n_not_reached, n_receiving + n_not_receiving, n_unified + n_separated)
  and across rows (site rows add up to the overall row of the same measure; exit
  reasons and outcome groups add up to all mentors);
- ``share``: a shown share times its shown denominator (share_reached x n_families,
  share_receiving, share_unified, share of mentors);
- ``mean_integrality``: a shown mean of whole-valued data (counts, calendar days) or
  data in known steps (hours in minutes) over a group whose n is suppressed: every n
  the suppressed count allows is tried and the count is recovered when only one n is
  consistent with the printed mean at its printed precision (the replication table's
  mean days to the 7th contact gives the n of families reaching 7);
- ``wilson_ci``: a shown Wilson interval (95 %) with its denominator pins the count,
  with its share pins the denominator;
- ``cliffs_delta``: Cliff's delta = 2U/(n1 n2) - 1 with U and delta printed gives
  n1 n2, hence a suppressed stratum n when the other is shown or the strata's sum is.

A recovered count is one that exactly one candidate value in 1..min_cell_size-1 fits
(or, for a complementary cell, one value at all). Each finding names the outputs and
cells that gave it away. Audit-only tables (``AUDIT_ONLY``: exact reconciliation
counts) belong in the reviewers' report and are not attacked; any other table that
shows a count of 1..min_cell_size-1 in an ``n_*`` or ``count`` column is a finding too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pandas as pd

from peermentor.publish.disclosure import is_marker

#: Tables with exact counts for reviewers inside the data environment only (audit report).
AUDIT_ONLY: frozenset[str] = frozenset({"reconciliation.csv", "data_quality.csv"})

#: Row-level step of each measure's values (1 = whole numbers); others are not attacked.
MEASURE_STEP: dict[str, Fraction] = {
    **{
        m: Fraction(1)
        for m in (
            "contacts",
            "attempted_contacts",
            "no_shows",
            "refusals",
            "no_shows_or_refusals",
            "collateral",
            "with_parent",
            "with_children",
            "face_to_face_with_children",
        )
    },
    "hours": Fraction(1, 60),
}

#: (total, part, part) count columns of one row.
COLUMN_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("n_families", "n_reached", "n_not_reached"),
    ("n_families", "n_receiving", "n_not_receiving"),
    ("n_with_outcome", "n_unified", "n_separated"),
)

#: share column -> (count column it is the share of, denominator column).
SHARES: dict[str, tuple[str, str]] = {
    "share_reached": ("n_reached", "n_families"),
    "share_receiving": ("n_receiving", "n_families"),
    "share_unified": ("n_unified", "n_with_outcome"),
    "share": ("count", "n_mentors"),
}

#: n_* columns that count contacts, sites, clusters or permutations, not people.
NOT_PEOPLE: frozenset[str] = frozenset(
    {"n_contacts", "n_sites", "n_rural_sites", "n_clusters", "n_assignments"}
)


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


def audit_disclosure(results_dir: Path, min_cell_size: int) -> list[Finding]:
    """Every suppressed count recoverable from the public tables of ``results_dir``."""
    tables = {
        str(path.relative_to(results_dir)): pd.read_csv(path, dtype=str, keep_default_na=False)
        for sub in ("tables", "models")
        for path in sorted((Path(results_dir) / sub).glob("*.csv"))
        if path.name not in AUDIT_ONLY
    }
    findings: list[Finding] = []
    for name, table in tables.items():
        findings += audit_table(name, table, min_cell_size)
    findings += _replication_means(tables, min_cell_size)
    return _unique(findings)


def audit_table(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """The attacks that need only one table (printed as strings)."""
    found = _shown_small(name, table, min_cell_size)
    found += _column_differences(name, table, min_cell_size)
    found += _row_differences(name, table, min_cell_size)
    found += _shares(name, table, min_cell_size)
    found += _stratum_means(name, table, min_cell_size)
    found += _cliffs_delta(name, table, min_cell_size)
    found += _wilson(name, table, min_cell_size)
    return found


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    columns = ["file", "row", "column", "recovered", "attack", "evidence"]
    return pd.DataFrame([f.as_row() for f in findings], columns=columns)


# --- cells ------------------------------------------------------------------------------


def _number(text: str) -> float | None:
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


def _candidates(text: str, min_cell_size: int) -> range:
    """The values a suppressed cell may hold: "<11" is 1..10, "[c]" is unknown (0..)."""
    if str(text).strip().startswith("<"):
        return range(1, min_cell_size)
    return range(0, 10**6)


def _recovered(possible: Iterable[int], text: str, min_cell_size: int) -> int | None:
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


# --- attacks ----------------------------------------------------------------------------


def _shown_small(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    found = []
    for column in table.columns:
        if not (column.startswith("n_") or column == "count") or column in NOT_PEOPLE:
            continue
        for i, text in table[column].items():
            value = _number(text)
            if value is not None and value == int(value) and 0 < value < min_cell_size:
                cell = Cell(name, int(i), column)
                found.append(Finding(cell, int(value), "shown_small_count", (cell,)))
    return found


def _column_differences(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    found = []
    for group in COLUMN_GROUPS:
        if not set(group) <= set(table.columns):
            continue
        total, *parts = group
        for i in table.index:
            found += _solve_sum(
                name, [(int(i), total)], [(int(i), p) for p in parts], table, min_cell_size
            )
    return found


def _row_differences(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """Sites add up to the overall row (per measure); exit reasons to all mentors."""
    found = []
    if "group_type" in table.columns:
        keys = ["measure"] if "measure" in table.columns else []
        for _, block in table.groupby(keys) if keys else [(None, table)]:
            totals = block.index[block["group_type"] == "overall"]
            parts = block.index[block["group_type"] == "site"]
            if len(totals) != 1 or len(parts) == 0:
                continue
            for column in [c for c in table.columns if c.startswith("n_") and c not in NOT_PEOPLE]:
                found += _solve_sum(
                    name,
                    [(int(totals[0]), column)],
                    [(int(p), column) for p in parts],
                    table,
                    min_cell_size,
                )
    if {"row_type", "count"} <= set(table.columns):
        totals = table.index[table["row_type"] == "overall"]
        for row_type in sorted(set(table["row_type"]) - {"overall"}):
            parts = table.index[table["row_type"] == row_type]
            if len(totals) == 1:
                found += _solve_sum(
                    name,
                    [(int(totals[0]), "count")],
                    [(int(p), "count") for p in parts],
                    table,
                    min_cell_size,
                )
    return found


def _solve_sum(name, totals, parts, table, min_cell_size) -> list[Finding]:
    """total = sum(parts): one hidden cell is the difference of the shown ones."""
    cells = [*totals, *parts]
    texts = {c: str(table.at[c[0], c[1]]).strip() for c in cells}
    if any(t == "" for t in texts.values()):
        return []
    hidden = [c for c in cells if is_marker(texts[c])]
    if len(hidden) != 1:
        return []
    shown = {c: _number(texts[c]) for c in cells if c not in hidden}
    if any(v is None for v in shown.values()):
        return []
    target = hidden[0]
    total = sum(shown[c] for c in totals if c != target)
    rest = sum(shown[c] for c in parts if c != target)
    value = round(rest if target in totals else total - rest)
    evidence = tuple(Cell(name, r, col) for r, col in shown)
    return [Finding(Cell(name, target[0], target[1]), value, "difference", evidence)]


def _shares(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    found = []
    for share, (count, denominator) in SHARES.items():
        if not {share, count, denominator} <= set(table.columns):
            continue
        complements = [c for c in table.columns if c == count.replace("n_", "n_not_", 1)]
        for i, row in table.iterrows():
            share_text, n_text = str(row[share]), str(row[denominator])
            big_n = _number(n_text)
            if _number(share_text) is None or big_n is None or big_n <= 0:
                continue
            s, h = float(share_text), half_width(share_text)
            for target, sign in [(count, 1), *[(c, -1) for c in complements]]:
                if not is_marker(row[target]):
                    continue
                fits = [
                    k
                    for k in range(0, int(big_n) + 1)
                    if abs((k if sign > 0 else big_n - k) / big_n - s) <= h + 1e-12
                ]
                value = _recovered(fits, row[target], min_cell_size)
                if value is not None:
                    evidence = (Cell(name, int(i), share), Cell(name, int(i), denominator))
                    found.append(Finding(Cell(name, int(i), target), value, "share", evidence))
    return found


def _stratum_means(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """rural_urban.csv: a suppressed stratum n with the stratum's mean of counts shown.

    "<11" allows 1..min_cell_size-1; "[c]" any n up to the stratum's largest shown n
    (no measure is defined for more families than the stratum has).
    """
    found = []
    if "measure" not in table.columns:
        return found
    for stratum in ("rural", "urban"):
        n_col, mean_col = f"n_{stratum}", f"mean_{stratum}"
        if n_col not in table or mean_col not in table:
            continue
        shown = [v for v in map(_number, table[n_col]) if v is not None]
        largest = int(max(shown, default=0))
        for i, row in table.iterrows():
            step = MEASURE_STEP.get(row["measure"])
            text = str(row[n_col])
            if step is None or not is_marker(text) or _number(row[mean_col]) is None:
                continue
            ns = range(1, min_cell_size) if text.startswith("<") else range(1, largest + 1)
            value = _recovered(
                [n for n in ns if fits_mean(row[mean_col], n, step)], text, min_cell_size
            )
            if value is not None:
                evidence = (Cell(name, int(i), mean_col),)
                if not text.startswith("<"):
                    evidence += (Cell(name, int(table[n_col].map(_number).idxmax()), n_col),)
                found.append(
                    Finding(Cell(name, int(i), n_col), value, "mean_integrality", evidence)
                )
    return found


def _cliffs_delta(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """delta = 2U/(n1 n2) - 1: n1 n2 = 2U / (delta + 1), at the printed precision."""
    need = {"n_rural", "n_urban", "statistic", "effect", "effect_measure"}
    found = []
    if not need <= set(table.columns):
        return found
    for i, row in table.iterrows():
        if row["effect_measure"] != "cliffs_delta":
            continue
        u, delta = _number(row["statistic"]), _number(row["effect"])
        hidden = [c for c in ("n_rural", "n_urban") if is_marker(row[c])]
        if u is None or delta is None or len(hidden) != 1 or delta <= -1:
            continue
        other = _number(row[({"n_rural", "n_urban"} - set(hidden)).pop()])
        if other is None or other <= 0:
            continue
        hu, hd = half_width(row["statistic"]), half_width(row["effect"])

        def fits(n: int, other=other, u=u, delta=delta, hu=hu, hd=hd) -> bool:
            product = n * other
            lo = 2 * (u - hu) / product - 1 - 1e-12
            hi = 2 * (u + hu) / product - 1 + 1e-12
            return lo <= delta + hd and hi >= delta - hd

        value = _recovered(
            [n for n in _candidates(row[hidden[0]], min_cell_size)[:100_000] if n and fits(n)],
            row[hidden[0]],
            min_cell_size,
        )
        if value is not None:
            evidence = tuple(
                Cell(name, int(i), c)
                for c in ("statistic", "effect", ({"n_rural", "n_urban"} - set(hidden)).pop())
            )
            found.append(Finding(Cell(name, int(i), hidden[0]), value, "cliffs_delta", evidence))
    return found


def _wilson(
    name: str, table: pd.DataFrame, min_cell_size: int, level: float = 0.95
) -> list[Finding]:
    """A shown Wilson interval pins k (N shown) or N (share shown) of a suppressed count."""
    from peermentor.analysis.workforce import wilson_ci

    found = []
    if not {"ci_low", "ci_high"} <= set(table.columns):
        return found
    for share, (count, denominator) in SHARES.items():
        if not {share, count, denominator} <= set(table.columns):
            continue
        for i, row in table.iterrows():
            low, high = row["ci_low"], row["ci_high"]
            if _number(low) is None or _number(high) is None:
                continue
            hl, hh = half_width(low), half_width(high)

            def fits(k: int, n: int, low=low, high=high, hl=hl, hh=hh) -> bool:
                lo, hi = wilson_ci(k, n, level)
                return abs(lo - float(low)) <= hl + 1e-12 and abs(hi - float(high)) <= hh + 1e-12

            k_text, n_text = str(row[count]), str(row[denominator])
            big_n, s = _number(n_text), _number(row[share])
            if is_marker(k_text) and big_n is not None and big_n > 0:
                target, fitting = count, [k for k in range(int(big_n) + 1) if fits(k, int(big_n))]
                text = k_text
            elif is_marker(n_text) and s is not None:
                ns = range(1, min_cell_size) if n_text.startswith("<") else range(1, 5000)
                target, text = denominator, n_text
                fitting = [n for n in ns if fits(round(s * n), n)]
            else:
                continue
            value = _recovered(fitting, text, min_cell_size)
            if value is not None:
                evidence = tuple(
                    Cell(name, int(i), c)
                    for c in ("ci_low", "ci_high", share, denominator)
                    if c != target
                )
                found.append(Finding(Cell(name, int(i), target), value, "wilson_ci", evidence))
    return found


def _replication_means(tables: dict[str, pd.DataFrame], min_cell_size: int) -> list[Finding]:
    """The replication table's P3 means over families reaching 7 (overall row of
    early_engagement.csv): n_reached = n_families - n_not_reached."""
    rep, early = tables.get("tables/replication.csv"), tables.get("tables/early_engagement.csv")
    if rep is None or early is None or "group_type" not in early:
        return []
    overall = early.index[early["group_type"] == "overall"]
    if len(overall) != 1:
        return []
    o = int(overall[0])
    n_families = _number(early.at[o, "n_families"])
    found = []
    for rep_id, early_col, step in (
        ("mean_days_to_7th_contact", "days_to_nth_mean", Fraction(1)),
        ("mean_hours_first_7_contacts", "hours_mean", Fraction(1, 60)),
    ):
        sources = [("tables/early_engagement.csv", o, early_col, early.at[o, early_col])]
        for j in rep.index[rep["id"] == rep_id]:
            sources.append(("tables/replication.csv", int(j), "computed", rep.at[j, "computed"]))
        for target in ("n_not_reached", "n_reached"):
            text = early.at[o, target]
            if n_families is None or not is_marker(text):
                continue
            for file, row, column, mean_text in sources:
                if _number(mean_text) is None:
                    continue
                ks = _candidates(text, min_cell_size)
                ks = ks if text.startswith("<") else range(0, int(n_families))
                n_of = (lambda k: int(n_families) - k) if target == "n_not_reached" else int
                fits = [k for k in ks if n_of(k) > 0 and fits_mean(mean_text, n_of(k), step)]
                value = _recovered(fits, text, min_cell_size)
                if value is not None:
                    evidence = (
                        Cell(file, row, column),
                        Cell("tables/early_engagement.csv", o, "n_families"),
                    )
                    cell = Cell("tables/early_engagement.csv", o, target)
                    found.append(Finding(cell, value, "mean_integrality", evidence))
    return found


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.cell, f.value, f.attack, f.evidence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
