"""Row-wise transforms computed once per distinct value: exports repeat few codes and dates."""

from __future__ import annotations

import numpy as np
import pandas as pd


def per_distinct(values: pd.Series, transform) -> pd.Series:
    """``transform(values)`` computed on one row per distinct value (and one missing row).

    ``transform`` maps a Series to a Series of the same length row by row (``.map``,
    ``.dt.strftime``). It runs on a sample holding the first row of each distinct value, so
    pandas infers the result's dtype from the same set of results as over every row; the
    result is taken back to every row. Exports have few distinct codes, dates and flags.
    """
    codes, _ = pd.factorize(values)  # codes in order of first appearance; missing: -1
    present, first = np.unique(codes, return_index=True)
    done = transform(values.iloc[first])
    position = codes + int(len(present) > 0 and present[0] < 0)
    return pd.Series(done.array.take(position), index=values.index, name=values.name)
