"""Attacks through printed statistics: means of whole-valued data (mean integrality),
Cliff's delta with its U, Wilson intervals; and the replication table's P3 means.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from peermentor.publish.audit.cells import (
    Cell,
    Finding,
    candidates,
    fits_mean,
    half_width,
    number,
    recovered,
)
from peermentor.publish.audit.sums import SHARES
from peermentor.publish.disclosure import is_marker

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
    "early_days_to_nth": Fraction(1),  # calendar days
    "early_hours": Fraction(1, 60),
}


def stratum_means(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
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
        shown = [v for v in map(number, table[n_col]) if v is not None]
        largest = int(max(shown, default=0))
        for i, row in table.iterrows():
            step = MEASURE_STEP.get(row["measure"])
            text = str(row[n_col])
            if step is None or not is_marker(text) or number(row[mean_col]) is None:
                continue
            ns = range(1, min_cell_size) if text.startswith("<") else range(1, largest + 1)
            value = recovered(
                [n for n in ns if fits_mean(row[mean_col], n, step)], text, min_cell_size
            )
            if value is not None:
                evidence = (Cell(name, int(i), mean_col),)
                if not text.startswith("<"):
                    evidence += (Cell(name, int(table[n_col].map(number).idxmax()), n_col),)
                found.append(
                    Finding(Cell(name, int(i), n_col), value, "mean_integrality", evidence)
                )
    return found


def cliffs_delta(name: str, table: pd.DataFrame, min_cell_size: int) -> list[Finding]:
    """delta = 2U/(n1 n2) - 1: n1 n2 = 2U / (delta + 1), at the printed precision."""
    need = {"n_rural", "n_urban", "statistic", "effect", "effect_measure"}
    found = []
    if not need <= set(table.columns):
        return found
    for i, row in table.iterrows():
        if row["effect_measure"] != "cliffs_delta":
            continue
        u, delta = number(row["statistic"]), number(row["effect"])
        hidden = [c for c in ("n_rural", "n_urban") if is_marker(row[c])]
        if u is None or delta is None or len(hidden) != 1 or delta <= -1:
            continue
        other = number(row[({"n_rural", "n_urban"} - set(hidden)).pop()])
        if other is None or other <= 0:
            continue
        hu, hd = half_width(row["statistic"]), half_width(row["effect"])

        def fits(n: int, other=other, u=u, delta=delta, hu=hu, hd=hd) -> bool:
            product = n * other
            lo = 2 * (u - hu) / product - 1 - 1e-12
            hi = 2 * (u + hu) / product - 1 + 1e-12
            return lo <= delta + hd and hi >= delta - hd

        value = recovered(
            [n for n in candidates(row[hidden[0]], min_cell_size)[:100_000] if n and fits(n)],
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


def wilson(
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
            if number(low) is None or number(high) is None:
                continue
            hl, hh = half_width(low), half_width(high)

            def fits(k: int, n: int, low=low, high=high, hl=hl, hh=hh) -> bool:
                lo, hi = wilson_ci(k, n, level)
                return abs(lo - float(low)) <= hl + 1e-12 and abs(hi - float(high)) <= hh + 1e-12

            k_text, n_text = str(row[count]), str(row[denominator])
            big_n, s = number(n_text), number(row[share])
            if is_marker(k_text) and big_n is not None and big_n > 0:
                target, fitting = count, [k for k in range(int(big_n) + 1) if fits(k, int(big_n))]
                text = k_text
            elif is_marker(n_text) and s is not None:
                ns = range(1, min_cell_size) if n_text.startswith("<") else range(1, 5000)
                target, text = denominator, n_text
                fitting = [n for n in ns if fits(round(s * n), n)]
            else:
                continue
            value = recovered(fitting, text, min_cell_size)
            if value is not None:
                evidence = tuple(
                    Cell(name, int(i), c)
                    for c in ("ci_low", "ci_high", share, denominator)
                    if c != target
                )
                found.append(Finding(Cell(name, int(i), target), value, "wilson_ci", evidence))
    return found


def replication_means(tables: dict[str, pd.DataFrame], min_cell_size: int) -> list[Finding]:
    """The replication table's P3 means over families reaching 7 (overall row of
    early_engagement.csv): n_reached = n_families - n_not_reached."""
    rep, early = tables.get("tables/replication.csv"), tables.get("tables/early_engagement.csv")
    if rep is None or early is None or "group_type" not in early:
        return []
    overall = early.index[early["group_type"] == "overall"]
    if len(overall) != 1:
        return []
    o = int(overall[0])
    n_families = number(early.at[o, "n_families"])
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
                if number(mean_text) is None:
                    continue
                ks = candidates(text, min_cell_size)
                ks = ks if text.startswith("<") else range(0, int(n_families))
                n_of = (lambda k: int(n_families) - k) if target == "n_not_reached" else int
                fits = [k for k in ks if n_of(k) > 0 and fits_mean(mean_text, n_of(k), step)]
                value = recovered(fits, text, min_cell_size)
                if value is not None:
                    evidence = (
                        Cell(file, row, column),
                        Cell("tables/early_engagement.csv", o, "n_families"),
                    )
                    cell = Cell("tables/early_engagement.csv", o, target)
                    found.append(Finding(cell, value, "mean_integrality", evidence))
    return found
