"""Attacks by arithmetic on printed counts: a count shown small, a total minus its shown
parts (within a row and across rows), a share times its denominator.
"""

from __future__ import annotations

import pandas as pd

from peermentor.publish.audit.cells import Cell, Finding, half_width, number, recovered
from peermentor.publish.disclosure import is_marker

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


def shown_small(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    found = []
    for column in table.columns:
        if not (column.startswith("n_") or column == "count") or column in NOT_PEOPLE:
            continue
        for i, text in table[column].items():
            value = number(text)
            if value is not None and value == int(value) and 0 < value < min_cell_size:
                cell = Cell(name, int(i), column)
                found.append(Finding(cell, int(value), "shown_small_count", (cell,)))
    return found


def column_differences(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
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


def row_differences(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
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
    shown = {c: number(texts[c]) for c in cells if c not in hidden}
    if any(v is None for v in shown.values()):
        return []
    target = hidden[0]
    total = sum(shown[c] for c in totals if c != target)
    rest = sum(shown[c] for c in parts if c != target)
    value = round(rest if target in totals else total - rest)
    evidence = tuple(Cell(name, r, col) for r, col in shown)
    return [Finding(Cell(name, target[0], target[1]), value, "difference", evidence)]


def shares(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    found = []
    for share, (count, denominator) in SHARES.items():
        if not {share, count, denominator} <= set(table.columns):
            continue
        complements = [c for c in table.columns if c == count.replace("n_", "n_not_", 1)]
        for i, row in table.iterrows():
            share_text, n_text = str(row[share]), str(row[denominator])
            big_n = number(n_text)
            if number(share_text) is None or big_n is None or big_n <= 0:
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
                value = recovered(fits, row[target], min_cell_size)
                if value is not None:
                    evidence = (Cell(name, int(i), share), Cell(name, int(i), denominator))
                    found.append(Finding(Cell(name, int(i), target), value, "share", evidence))
    return found


COMPARISON, EARLY = "tables/rural_urban.csv", "tables/early_engagement.csv"


def linked_gaps(tables: dict[str, pd.DataFrame], min_cell_size: int) -> list[Finding]:
    """Days to the Nth contact by stratum against the early-engagement table.

    A stratum's families (its largest n in the comparison) minus its n of days to the Nth
    contact is the stratum's families not reaching N; the two strata's add up to the
    overall n_not_reached. With one stratum's n shown, the other's comes back.
    """
    comparison, early = tables.get(COMPARISON), tables.get(EARLY)
    if comparison is None or early is None or "measure" not in comparison:
        return []
    overall = early.index[early.get("group_type", pd.Series(dtype=str)) == "overall"]
    total = number(early.at[overall[0], "n_not_reached"]) if len(overall) else None
    if total is None:
        return []
    strata = ("n_rural", "n_urban")
    families = {s: max(filter(None, map(number, comparison[s])), default=None) for s in strata}
    found = []
    for i in comparison.index[comparison["measure"] == "early_days_to_nth"]:
        texts = {s: str(comparison.at[i, s]) for s in strata}
        hidden = [s for s in strata if is_marker(texts[s])]
        if len(hidden) != 1 or None in families.values():
            continue
        (gone,) = hidden
        (shown,) = set(strata) - {gone}
        gap = total - (families[shown] - number(texts[shown]))
        value = recovered([int(families[gone] - gap)], texts[gone], min_cell_size)
        if value is not None:
            evidence = (
                Cell(COMPARISON, int(i), shown),
                Cell(EARLY, int(overall[0]), "n_not_reached"),
            )
            found.append(Finding(Cell(COMPARISON, int(i), gone), value, "linked_gap", evidence))
    return found
