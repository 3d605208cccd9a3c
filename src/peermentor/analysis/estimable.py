"""What a study cannot estimate, said the same way everywhere.

A statistic the study's shape cannot support (one stratum, a predictor without
variation, too few clusters ...) is never shown as a number: its table cells are
blank, ``estimable`` is False and ``note`` holds ``not estimable: <reason>``; figures
and narrative show the same text. This module builds that text and decides which
terms of a model formula the analysis frame can support.
"""

from __future__ import annotations

import io
import tokenize

import numpy as np
import pandas as pd
import patsy

PREFIX = "not estimable"
FITTED_WITHOUT = "model fitted without this term"

# What a family "has" when a count predictor is above zero, for the no-variation reason.
COUNT_EVENTS: dict[str, str] = {
    "no_shows_or_refusals": "a no-show or refusal",
    "no_shows_or_refusals_per_month": "a no-show or refusal",
    "face_to_face_with_children": "a face-to-face contact with the children",
    "face_to_face_with_children_per_month": "a face-to-face contact with the children",
}


def not_estimable(reason: str) -> str:
    """The note of a statistic the study cannot support: ``not estimable: <reason>``."""
    return f"{PREFIX}: {reason}"


def is_not_estimable(text: object) -> bool:
    return isinstance(text, str) and text.startswith(f"{PREFIX}:")


def one_stratum_reason(labels: pd.Series) -> str | None:
    """``one stratum (all families urban)`` when only one stratum has families, else None."""
    present = sorted(pd.Series(labels).dropna().astype(str).unique())
    if len(present) == 0:
        return "no family has a rurality stratum"
    if len(present) == 1:
        return f"one stratum (all families {present[0]})"
    return None


def no_variation_reason(variable: str, values: pd.Series) -> str:
    """Why a variable that takes one value in the model frame cannot be a predictor."""
    if variable == "rurality":
        return one_stratum_reason(values) or "one stratum"
    value = values.dropna().iloc[0] if values.notna().any() else None
    if variable in COUNT_EVENTS and value == 0:
        return f"no variation: no family has {COUNT_EVENTS[variable]}"
    return f"no variation: {variable} is {value} for every family"


def estimable_terms(frame: pd.DataFrame, formula: str) -> tuple[str, dict[str, str]]:
    """The formula without the terms the frame cannot support, and why each was dropped.

    A term is dropped when a variable in it takes one value in ``frame`` (a factor with
    one level, a constant count) or when its columns are aliased: a linear combination
    of the intercept and the terms before it (checked by matrix rank, in formula
    order). Reasons end with "; model fitted without this term". With no term dropped
    the formula is returned unchanged.
    """
    desc = patsy.ModelDesc.from_formula(formula)
    dropped: dict[str, str] = {}
    kept = []
    for term in desc.rhs_termlist:
        if not term.factors:
            continue
        reason = _constant_variable_reason(frame, term)
        if reason is not None:
            dropped[term.name()] = f"{reason}; {FITTED_WITHOUT}"
        else:
            kept.append(term)
    kept = _drop_aliased(frame, desc, kept, dropped)
    if not dropped:
        return formula, {}
    lhs = " + ".join(t.name() for t in desc.lhs_termlist)
    rhs = " + ".join(t.name() for t in kept) or "1"
    return f"{lhs} ~ {rhs}", dropped


def _constant_variable_reason(frame: pd.DataFrame, term) -> str | None:
    for factor in term.factors:
        variables = [v for v in _factor_variables(factor) if v in frame.columns]
        for variable in variables:
            if frame[variable].nunique(dropna=True) <= 1:
                return no_variation_reason(variable, frame[variable])
    return None


def _factor_variables(factor) -> list[str]:
    """Names in a factor's code, e.g. ``C(rurality)`` -> ["C", "rurality"]."""
    tokens = tokenize.generate_tokens(io.StringIO(factor.name()).readline)
    return [tok.string for tok in tokens if tok.type == tokenize.NAME]


def _drop_aliased(frame: pd.DataFrame, desc, kept: list, dropped: dict[str, str]) -> list:
    """Keep terms in order while each adds full rank to the intercept and earlier terms."""
    if not kept:
        return kept
    rhs = [t for t in desc.rhs_termlist if not t.factors]  # the intercept, if any
    columns = np.ones((len(frame), 1)) if rhs else np.zeros((len(frame), 0))
    result = []
    for term in kept:
        block = np.asarray(patsy.dmatrix(patsy.ModelDesc([], [*rhs, term]), frame))
        block = block[:, 1:] if rhs else block
        candidate = np.column_stack([columns, block])
        if np.linalg.matrix_rank(candidate) < candidate.shape[1]:
            dropped[term.name()] = (
                f"aliased: a linear combination of the terms before it; {FITTED_WITHOUT}"
            )
            continue
        columns = candidate
        result.append(term)
    return result
