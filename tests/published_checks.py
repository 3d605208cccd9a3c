"""Checks of a finished run's published files (issue 23), shared by the demo run and the
matrix of study shapes:

- ``negative_zeros``: no "-0", "-0.0", "-0.00" in any public table or the model summary;
- ``rank_test_mismatches``: each published Mann-Whitney U and p recomputed by scipy from
  the EXACT values (Fractions rebuilt from the family profile's whole numbers: contacts,
  calendar days, hundredths of a second), ties included, printed at the published precision;
- ``notebook_mismatches``: every number in a table of the study notebook is, character
  for character, the published CSV's string.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pandas as pd
from scipy import stats

from peermentor.notebooks import as_number
from peermentor.notebooks.labels import column_label, measure_label
from peermentor.publish.audit import AUDIT_ONLY
from peermentor.publish.disclosure.precision import format_value

NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0+)?(?![\w.])")
MONTH = Fraction(487, 16)  # 30.4375 days


def public_files(results: Path) -> list[Path]:
    files = [*sorted(results.glob("tables/*.csv")), *sorted(results.glob("models/*.csv"))]
    files = [path for path in files if path.name not in AUDIT_ONLY]
    return [*files, *sorted(results.glob("models/summary.txt"))]


def negative_zeros(results: Path) -> list[tuple[str, str]]:
    return [
        (path.name, match)
        for path in public_files(results)
        for match in NEGATIVE_ZERO.findall(path.read_text())
    ]


def exact_values(profile: pd.DataFrame, measure: str) -> pd.Series:
    """The measure per family as a Fraction (None when missing), from whole numbers only:
    days = months x 30.4375 and ticks = hours x 360,000 (hundredths of a second) are
    integers the floats round to."""
    days = (profile["months_of_service"].astype(float) * float(MONTH)).round().astype(int)

    def ticks(column: str) -> pd.Series:
        return (profile[column].astype(float) * 360_000).round()

    if measure.endswith("_per_month"):
        base = measure.removesuffix("_per_month")
        hours = base == "hours"
        whole = ticks(base) if hours else profile[base]
        scale = Fraction(1, 360_000) if hours else Fraction(1)
        values = [
            None if d == 0 or pd.isna(w) else Fraction(int(w)) * scale * MONTH / int(d)
            for w, d in zip(whole, days, strict=True)
        ]
    elif measure in ("hours", "early_hours"):
        values = [None if pd.isna(t) else Fraction(int(t), 360_000) for t in ticks(measure)]
    elif measure == "months_of_service":
        values = [Fraction(int(d)) / MONTH for d in days]
    else:  # counts and calendar days: whole numbers
        column = profile[measure].astype(float)
        assert (column.dropna() == column.dropna().round()).all(), measure
        values = [None if pd.isna(v) else Fraction(int(v)) for v in column]
    return pd.Series(values, index=profile.index, dtype=object)


def rank_test_mismatches(results: Path) -> tuple[int, list[tuple]]:
    """(rank tests checked, mismatches) of rural_urban.csv against the exact values."""
    comparison = pd.read_csv(results / "tables/rural_urban.csv", dtype=str, keep_default_na=False)
    profile = pd.read_parquet(results / "tables/family_profile.parquet")
    rows = comparison[(comparison["kind"] == "continuous") & (comparison["test"] == "mann_whitney")]
    checked, wrong = 0, []
    for row in rows.itertuples(index=False):
        if as_number(row.statistic) is None:
            continue
        values = exact_values(profile, row.measure)
        codes = {v: i for i, v in enumerate(sorted({v for v in values if v is not None}))}
        pairs = list(zip(values, profile["rurality"], strict=True))
        x = [codes[v] for v, s in pairs if v is not None and s == "rural"]
        y = [codes[v] for v, s in pairs if v is not None and s == "urban"]
        ties = len(set(x) | set(y)) < len(x) + len(y)
        method = "asymptotic" if (len(x) > 8 and len(y) > 8) or ties else "exact"
        result = stats.mannwhitneyu(x, y, alternative="two-sided", method=method)
        expected = (format_value(float(result.statistic), "statistic"),
                    format_value(float(result.pvalue), "p_value"))  # fmt: skip
        if (row.statistic, row.p_value) != expected:
            wrong.append((row.measure, (row.statistic, row.p_value), expected))
        checked += 1
    return checked, wrong


def html_tables(page: Path) -> list[pd.DataFrame]:
    """The tables of a rendered notebook page, as the reader sees their cells."""
    from bs4 import BeautifulSoup

    tables = []
    for html_table in BeautifulSoup(page.read_text(), "html.parser").find_all("table"):
        header = [th.get_text(strip=True) for th in html_table.find("tr").find_all("th")]
        rows = [
            [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in html_table.find_all("tr")[1:]
        ]
        rows = [r for r in rows if len(r) == len(header)]
        frame = pd.DataFrame(rows, columns=header)
        tables.append(frame.loc[:, [h != "" for h in header]])  # the blank index column
    return tables


def notebook_mismatches(results: Path) -> tuple[int, list[tuple]]:
    """(numbers checked, numbers of the study notebook's tables found in no published row
    with the same row name and the same string in the same column)."""
    published = [
        pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in public_files(results)
        if path.suffix == ".csv"
    ]
    checked, wrong = 0, []
    for shown in html_tables(results / "notebooks/study.html"):
        candidates = [_as_shown(t, list(shown.columns)) for t in published]
        candidates = [t for t in candidates if t is not None]
        for _, row in shown.iterrows():
            numbers = {c: v for c, v in row.items() if as_number(v) is not None}
            names = {c: v for c, v in row.items() if c in ("Measure", "Term")}
            checked += len(numbers)
            match = any(
                ((t[list(names)] == pd.Series(names)).all(axis=1)
                 & (t[list(numbers)] == pd.Series(numbers)).all(axis=1)).any()
                for t in candidates
            )  # fmt: skip
            if numbers and not match:
                wrong.append(dict(row))
    return checked, wrong


def _as_shown(table: pd.DataFrame, labels: list[str]) -> pd.DataFrame | None:
    """A published table with the reader's column labels and row names, values untouched;
    None when it lacks one of ``labels``."""
    out = table.rename(columns=column_label)
    if not set(labels) <= set(out.columns):
        return None
    out = out[labels].copy()
    for column in ("Measure", "Term"):
        if column in out:
            out[column] = out[column].map(measure_label)
    return out
