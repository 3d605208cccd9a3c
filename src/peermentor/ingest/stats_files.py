"""Reading an SPSS (.sav), Stata (.dta) or SAS (.sas7bdat, .xpt) file as the analysts saved it.

Through ``pyreadstat``, with three rules that are easy to get wrong (docs/design.md section 12):

- declared user-missing values (SPSS missing values and ranges such as ``-9`` "not
  recorded", Stata's ``.a``-``.z``, SAS's ``.A``-``.Z``) are missing data, never a category;
- a coded column with value labels is read as its labels (``1`` -> ``Face to face``), so the
  site config's value map is keyed by what the data team sees in SPSS's Variable View; a code
  without a label stays the code and is quarantined as an unmapped category, never a number
  (``value_labels: false`` reads the codes instead);
- dates and datetimes (``DATE11``, ``DATETIME20``, Stata ``%td``) come out as dates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FORMAT_NAMES = {
    "spss": "an SPSS .sav file",
    "stata": "a Stata .dta file",
    "sas": "a SAS .sas7bdat file",
    "xport": "a SAS transport (.xpt) file",
}
# pyreadstat's reader per format, imported on first use: a site without such files (and every
# job after ingestion) does not pay the import.
_READERS = {"spss": "read_sav", "stata": "read_dta", "sas": "read_sas7bdat", "xport": "read_xport"}
# Readers that take user_missing (xport files carry no user-missing declarations).
_USER_MISSING = ("spss", "stata", "sas")


def read_stats_file(path: Path, table_cfg: dict) -> tuple[pd.DataFrame, str | None]:
    """The file's cells (labels applied, user-missing blanked) or ``(None, problem)``.

    The caller turns a problem into an ``InputError`` naming the site, table and config key.
    """
    fmt = table_cfg["format"]
    kwargs = {"dates_as_pandas_datetime": True}
    if fmt in _USER_MISSING:
        kwargs["user_missing"] = True  # see them, then blank them: nothing silently recoded
    try:
        import pyreadstat

        frame, meta = getattr(pyreadstat, _READERS[fmt])(str(path), **kwargs)
    except Exception as err:  # pyreadstat raises ReadstatError, PyreadstatError, OSError, ...
        return None, f"cannot be read as {FORMAT_NAMES[fmt]} ({type(err).__name__}: {err})"
    if frame.empty:
        return None, "has variables but no rows"
    frame = blank_user_missing(frame, meta)
    if table_cfg.get("value_labels", True):
        frame = apply_labels(frame, meta.variable_value_labels or {})
    return frame.reset_index(drop=True), None


def blank_user_missing(frame: pd.DataFrame, meta) -> pd.DataFrame:
    """Declared missing values and ranges become empty cells."""
    frame = frame.copy()
    for column, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        if column not in frame:
            continue
        values = frame[column]
        hit = pd.Series(False, index=frame.index)
        for rng in ranges:
            lo, hi = rng["lo"], rng["hi"]
            if pd.api.types.is_numeric_dtype(values):
                hit |= values.between(lo, hi)
            else:
                hit |= values.astype("string").str.strip().isin({str(lo).strip(), str(hi).strip()})
        frame[column] = values.mask(hit)
    for column, codes in (getattr(meta, "missing_user_values", None) or {}).items():
        # Stata/SAS extended missing values come back as their letter in a numeric column.
        if column in frame and codes:
            declared = set(codes)
            letter = frame[column].map(lambda v, d=declared: isinstance(v, str) and v in d)
            frame[column] = frame[column].mask(letter)
    return frame


def apply_labels(frame: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """Coded cells as their labels; a code without a label is kept as the code."""
    frame = frame.copy()
    for column, value_labels in labels.items():
        if column not in frame or not value_labels:
            continue
        lookup = {_code_key(k): v for k, v in value_labels.items()}
        values = frame[column]
        shown = values.map(lambda v, lookup=lookup: lookup.get(_code_key(v), v))
        frame[column] = shown.astype(object).where(values.notna(), None)
    return frame


def _code_key(value):
    """1, 1.0 and np.float64(1.0) are the same code."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
