"""What an export column holds, inferred from its values (and, where values are silent, its name).

Values are looked at as the mapping will see them (``peermentor.ingest.mapping._as_text``:
typed cells become text the way the pipeline writes them), so a drafted value map or
boolean list matches what ingestion compares against.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from peermentor.ingest.mapping import EXCEL_EPOCH, _as_text
from peermentor.onboard.vocabulary import DATE_WORDS, FREE_TEXT_WORDS, has_word, name_tokens

TRUE_WORDS = frozenset({"1", "1.0", "true", "t", "y", "yes"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "f", "n", "no"})
# Excel serial day numbers from 1950 to 2100: outside that, integers are not dates.
EXCEL_SERIAL_RANGE = (18_264, 73_051)
# Three groups of digits or month names with separators: anything else is not a date.
DATE_LIKE = re.compile(r"^\w{1,9}[-/. ]\w{1,9},?[-/. ]\d{2,4}\b")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
DAY_MONTH_FORMATS = (
    "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%d.%m.%Y", "%m-%d-%Y", "%d-%m-%Y",
    "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%d-%b-%y",
)  # fmt: skip
TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
CODE_DELIMITERS = (";", "|", ",", "/", "+")
PERSON_NAME = re.compile(r"^[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+)+$")
ID_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9_.:/#-]{1,24}$")
MAX_CATEGORIES = 50
# A column is a date column when this share of its filled cells reads as dates: the rest
# ("unknown", "not recorded") are quarantined by the run, and the draft says how many.
MOSTLY_DATES = 0.95


@dataclass
class ColumnProfile:
    """One export column: its inferred kind and what a data team needs to see of it."""

    name: str
    kind: str  # id, integer, number, date, boolean, category, codes, text, empty
    rows: int
    missing: int
    distinct: int
    counts: dict[str, int] = field(default_factory=dict)  # value (or code) -> rows
    examples: list[str] = field(default_factory=list)
    date_formats: list[str] = field(default_factory=list)  # "typed", "excel_serial", "iso", ...
    delimiter: str | None = None
    personal: bool = False  # looks like people's names: never shown
    low: str | None = None
    high: str | None = None
    median: float | None = None
    not_dates: int = 0  # filled cells of a date column that no format reads (quarantined)
    not_date_examples: list[str] = field(default_factory=list)
    day_month_ambiguous: bool = False  # every day and month is 12 or less

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0


def profile_column(values: pd.Series, name: str) -> ColumnProfile:
    """Infer what one raw export column holds."""
    values = values.reset_index(drop=True)
    text = _as_text(values)
    present = text.notna() & (text.fillna("").str.strip() != "")
    base = ColumnProfile(
        name=str(name),
        kind="empty",
        rows=len(values),
        missing=int((~present).sum()),
        distinct=int(text[present].nunique()),
    )
    if not present.any():
        return base
    for infer in (_typed, _boolean, _numeric, _dated, _textual):
        profile = infer(values[present], text[present], base)
        if profile is not None:
            return profile
    raise AssertionError("unreachable: _textual always returns a profile")


def _typed(values, text, base):
    """Excel and Parquet may carry real dates and booleans."""
    if pd.api.types.is_bool_dtype(values) or values.map(_is_bool).all():
        return _with_counts(base, "boolean", text)
    stamps = pd.to_datetime(values.map(_timestamp_or_none), errors="coerce")
    if stamps.notna().all():
        return _date_profile(base, stamps, ["typed"])
    return None


def _is_bool(value) -> bool:
    return isinstance(value, bool | np.bool_)


def _timestamp_or_none(value):
    if isinstance(value, datetime.date | np.datetime64):
        return value
    return None


def _boolean(values, text, base):
    if boolean_values(text) is None:
        return None
    return _with_counts(base, "boolean", text)


def boolean_values(text: pd.Series) -> tuple[list[str], list[str]] | None:
    """The values read as true and as false, if every value is a yes/no word (or 1/0)."""
    distinct = set(text.dropna())
    lowered = {v.lower() for v in distinct}
    if not distinct or not lowered <= TRUE_WORDS | FALSE_WORDS:
        return None
    numeric_only = lowered <= {"1", "0", "1.0", "0.0"}
    if numeric_only and not (lowered & {"1", "1.0"} and lowered & {"0", "0.0"}):
        return None  # a column of only 1s is a count, not a flag
    return (
        sorted(v for v in distinct if v.lower() in TRUE_WORDS),
        sorted(v for v in distinct if v.lower() in FALSE_WORDS),
    )


def _numeric(values, text, base):
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.isna().any():
        return None
    whole = bool((numbers == numbers.round()).all())
    if whole and is_excel_serial(numbers, base.name):
        return _date_profile(
            base, EXCEL_EPOCH + pd.to_timedelta(numbers, unit="D"), ["excel_serial"]
        )
    profile = _with_range(base, "integer" if whole else "number", numbers)
    profile.low, profile.high = f"{numbers.min():g}", f"{numbers.max():g}"
    profile.examples = [f"{v:g}" for v in numbers.unique()[:3]]
    profile.median = float(numbers.median())
    return profile


def is_excel_serial(numbers: pd.Series, name: str) -> bool:
    """Day numbers counted from 1899-12-30, in a column whose name says it is a date."""
    low, high = EXCEL_SERIAL_RANGE
    in_range = bool(numbers.between(low, high).all())
    return in_range and has_word(name, DATE_WORDS | _DATE_NAME_WORDS)


_DATE_NAME_WORDS = frozenset(
    {"opened", "closed", "open", "close", "hired", "hire", "ended", "end", "start", "left"}
    | {"started", "term", "since", "until", "born", "dob", "created", "modified"}
)


def _dated(values, text, base):
    formats = date_formats(text)
    if not formats:
        return None
    parsed = _parse_dates(text, formats[0])
    profile = _date_profile(base, parsed[parsed.notna()], formats)
    bad = text[parsed.isna()]
    profile.not_dates = len(bad)
    profile.not_date_examples = [_short(v) for v in bad.unique()[:3]]
    profile.day_month_ambiguous = day_month_ambiguous(text[parsed.notna()], formats[0])
    return profile


def _short(value: str) -> str:
    return value if len(value) <= 16 else value[:15].rstrip() + "…"


def date_formats(text: pd.Series) -> list[str]:
    """Every format that reads (nearly) all values: ``iso``, or strftime formats.

    Several formats come back when the data cannot tell them apart (every day is 12 or
    less, so 03/04/2015 may be March or April): the data team must say which. A column
    is dated when at least ``MOSTLY_DATES`` of its cells read as dates.
    """
    text = text.dropna()
    counts = text.value_counts()  # shares are of cells, the formats tried on distinct values
    if counts.empty:
        return []
    values = pd.Series(counts.index, dtype=object)
    weights = counts.to_numpy() / counts.sum()
    if weights[values.str.match(ISO_DATE).to_numpy()].sum() >= MOSTLY_DATES:
        return ["iso"] if _share(text, "iso") else []
    is_like = values.str.match(DATE_LIKE).to_numpy()
    if weights[is_like].sum() < MOSTLY_DATES:
        return []
    like = values[is_like].head(2000)
    # Formats that fail on a few values are not tried on all of them.
    candidates = [
        fmt
        for fmt in (d + t for d in DAY_MONTH_FORMATS for t in TIME_SUFFIXES)
        if _parse_dates(like.head(50), fmt).notna().mean() >= 0.9
    ]
    shares = {fmt: _parse_dates(like, fmt).notna().mean() for fmt in candidates}
    best = max(shares.values(), default=0.0)
    if best < 0.9:
        return []
    return [fmt for fmt, share in shares.items() if share == best and _share(text, fmt)]


def _share(text: pd.Series, fmt: str) -> bool:
    """Whether ``fmt`` reads at least MOSTLY_DATES of the column's cells (rows, not values)."""
    return bool(_parse_dates(text, fmt).notna().mean() >= MOSTLY_DATES)


def day_month_ambiguous(text: pd.Series, fmt: str) -> bool:
    """Whether day-first and month-first both read these dates (every day is 12 or less)."""
    swapped = swap_day_month(fmt)
    if swapped is None or text.empty:
        return False
    return bool(_parse_dates(text, swapped).notna().all())


def swap_day_month(fmt: str) -> str | None:
    """``%m/%d/%Y`` <-> ``%d/%m/%Y``; None when the format does not have both."""
    if "%d" not in fmt or "%m" not in fmt:
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _parse_dates(text: pd.Series, fmt: str) -> pd.Series:
    if fmt == "iso":
        return pd.to_datetime(text, errors="coerce", format="ISO8601")
    parsed = pd.to_datetime(text, errors="coerce", format=fmt)
    return parsed.where(parsed.dt.year.between(1900, 2100))


def _date_profile(base, stamps: pd.Series, formats: list[str]) -> ColumnProfile:
    profile = _with_range(base, "date", stamps.dt.strftime("%Y-%m-%d"))
    profile.date_formats = formats
    return profile


def _textual(values, text, base):
    words = set(name_tokens(base.name))
    looks_personal = text.str.match(PERSON_NAME).mean() >= 0.8
    if words & FREE_TEXT_WORDS or looks_personal:
        return _free_text(base, text, personal=looks_personal or bool(words & {"name", "nm"}))
    if text.str.match(ID_LIKE).all():
        profile = ColumnProfile(**{**base.__dict__, "kind": "id"})
        profile.examples = [str(v) for v in text.unique()[:3]]
        return profile
    delimiter = code_delimiter(text)
    if delimiter is not None:
        return _codes(base, text, delimiter)
    if base.distinct <= MAX_CATEGORIES:
        return _with_counts(base, "category", text)
    return _free_text(base, text, personal=False)


def code_delimiter(text: pd.Series) -> str | None:
    """The separator of a multi-code column (``RC|DL``), if the codes recur across values.

    In a code list each code turns up in many combinations (``RC``, ``RC|DL``, ``DL|TR``:
    5 codes written, 3 distinct); free text split at its commas gives fragments that are
    mostly new, and a one-code column like ``Text/email`` gains words without repeats.
    """
    distinct = pd.Series(text.dropna().unique(), dtype=object)
    best, best_multi = None, 0.0
    for delimiter in CODE_DELIMITERS:
        parts = distinct.str.split(delimiter, regex=False).map(
            lambda row: [p.strip() for p in row if p.strip()]
        )
        codes = {p for row in parts for p in row}
        written = int(parts.map(len).sum())
        multi = float((parts.map(len) > 1).mean())
        recurring = written >= 1.5 * len(codes) and len(codes) <= MAX_CATEGORIES
        if recurring and multi > best_multi:
            best, best_multi = delimiter, multi
    return best


def split_codes(text: pd.Series, delimiter: str) -> pd.Series:
    """One code per row, as the mapping splits them (stripped, empties dropped)."""
    codes = text.dropna().str.split(delimiter, regex=False).explode().str.strip()
    return codes[codes != ""]


def _codes(base, text, delimiter) -> ColumnProfile:
    profile = _with_counts(base, "codes", split_codes(text, delimiter))
    profile.delimiter = delimiter
    return profile


def _free_text(base, text, *, personal: bool) -> ColumnProfile:
    profile = ColumnProfile(**{**base.__dict__, "kind": "text", "personal": personal})
    if not personal:  # a short cut of one note, never a name
        first = str(text.iloc[0])
        profile.examples = [first if len(first) <= 16 else first[:15].rstrip() + "…"]
    return profile


def _with_counts(base, kind: str, text: pd.Series) -> ColumnProfile:
    counts = text.value_counts()
    profile = ColumnProfile(**{**base.__dict__, "kind": kind})
    profile.counts = {str(k): int(v) for k, v in counts.head(MAX_CATEGORIES).items()}
    return profile


def _with_range(base, kind: str, ordered: pd.Series) -> ColumnProfile:
    profile = ColumnProfile(**{**base.__dict__, "kind": kind})
    valid = ordered.dropna()
    if not valid.empty:
        profile.low, profile.high = str(valid.min()), str(valid.max())
    profile.examples = [str(v) for v in valid.unique()[:3]]
    return profile


def duration_unit(numbers: pd.Series, name: str) -> tuple[str | None, str]:
    """``minutes`` or ``hours`` from the column name and the values; None if they disagree.

    Contacts last minutes to a few hours: logged in hours the typical value is about 1 and
    nearly all are under 24; logged in minutes the typical value is 10 or more. The 99th
    percentile is used so one mistyped duration does not decide the unit.
    """
    words = set(name_tokens(name))
    by_name = (
        "hours"
        if words & {"hours", "hrs", "hr", "hour"}
        else "minutes"
        if words & {"minutes", "mins", "min", "minute"}
        else None
    )
    numbers = pd.to_numeric(numbers, errors="coerce").dropna()
    median, q99 = (numbers.median(), numbers.quantile(0.99)) if len(numbers) else (None, None)
    by_values = None
    if median is not None and median <= 8 and q99 <= 24:
        by_values = "hours"
    elif median is not None and median >= 10:
        by_values = "minutes"
    reason = f"median {median:g}" if median is not None else "no values"
    if by_name and by_values and by_name != by_values:
        return None, f"the name says {by_name} but the values ({reason}) look like {by_values}"
    unit = by_name or by_values
    if unit is None:
        return None, f"neither the name nor the values ({reason}) tell minutes from hours"
    source = "name and values" if by_name and by_values else "name" if by_name else "values"
    return unit, f"{unit} ({source}; {reason})"
