"""Rural / urban coding from the USDA Rural-Urban Continuum Code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peermentor.ingest.rurality import describe_coding, rurality_from_rucc


def test_default_threshold_splits_metro_from_non_metro():
    rucc = pd.Series([1, 2, 3, 4, 5, 9], index=list("abcdef"))
    labels = rurality_from_rucc(rucc)
    assert labels.tolist() == ["urban", "urban", "urban", "rural", "rural", "rural"]
    assert labels.index.tolist() == list("abcdef")


def test_threshold_is_a_parameter():
    rucc = pd.Series([3, 6, 7])
    assert rurality_from_rucc(rucc, threshold=7).tolist() == ["urban", "urban", "rural"]


def test_missing_rucc_stays_missing():
    rucc = pd.Series([1, pd.NA, 8], dtype="Int64")
    labels = rurality_from_rucc(rucc)
    assert labels.iloc[0] == "urban"
    assert pd.isna(labels.iloc[1])
    assert labels.iloc[2] == "rural"


def test_float_codes_with_nan_are_accepted():
    labels = rurality_from_rucc(pd.Series([2.0, np.nan, 4.0]))
    assert labels.iloc[0] == "urban" and pd.isna(labels.iloc[1]) and labels.iloc[2] == "rural"


def test_codes_outside_1_to_9_raise_naming_them():
    with pytest.raises(ValueError, match=r"0.*10") as error:
        rurality_from_rucc(pd.Series([0, 3, 10]))
    assert "3" not in str(error.value).split(":")[-1]


def test_non_whole_and_non_numeric_codes_raise():
    with pytest.raises(ValueError, match=r"3\.5"):
        rurality_from_rucc(pd.Series([3.5]))
    with pytest.raises(ValueError, match="metro"):
        rurality_from_rucc(pd.Series(["2", "metro"]))


@pytest.mark.parametrize("threshold", [1, 10, 4.5])
def test_threshold_must_leave_both_strata_possible(threshold):
    with pytest.raises(ValueError, match="threshold"):
        rurality_from_rucc(pd.Series([1, 9]), threshold=threshold)


def test_describe_coding():
    assert describe_coding(4) == "rural = USDA RUCC 4-9, urban = RUCC 1-3"
    assert describe_coding(2) == "rural = USDA RUCC 2-9, urban = RUCC 1"
    assert describe_coding(9) == "rural = USDA RUCC 9, urban = RUCC 1-8"
