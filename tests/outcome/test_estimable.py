"""Which model terms a study can support, and the not-estimable text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from peermentor.analysis import estimable as E

FORMULA = "y ~ x + no_shows_or_refusals + C(rurality)"


def _frame(**changes) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "y": rng.integers(0, 2, 40).astype(float),
            "x": rng.normal(size=40),
            "no_shows_or_refusals": rng.poisson(2, 40),
            "rurality": np.where(np.arange(40) % 2, "rural", "urban"),
        }
    )
    return frame.assign(**changes)


def test_not_estimable_text():
    assert E.not_estimable("one stratum") == "not estimable: one stratum"
    assert E.is_not_estimable("not estimable: x") and not E.is_not_estimable(1.0)


def test_one_stratum_reason():
    assert E.one_stratum_reason(pd.Series(["urban", "urban"])) == "one stratum (all families urban)"
    assert E.one_stratum_reason(pd.Series(["rural", np.nan])) == "one stratum (all families rural)"
    assert E.one_stratum_reason(pd.Series(["rural", "urban"])) is None


def test_all_terms_supported_leaves_the_formula_unchanged():
    assert E.estimable_terms(_frame(), FORMULA) == (FORMULA, {})


def test_one_stratum_term_is_dropped_with_its_reason():
    formula, dropped = E.estimable_terms(_frame(rurality="urban"), FORMULA)
    assert formula == "y ~ x + no_shows_or_refusals"
    assert dropped == {
        "C(rurality)": "one stratum (all families urban); model fitted without this term"
    }


def test_constant_no_shows_are_dropped_as_no_variation():
    formula, dropped = E.estimable_terms(_frame(no_shows_or_refusals=0), FORMULA)
    assert formula == "y ~ x + C(rurality)"
    assert dropped["no_shows_or_refusals"] == (
        "no variation: no family has a no-show or refusal; model fitted without this term"
    )


def test_other_constant_and_aliased_terms():
    frame = _frame(z=3.0)
    frame["x2"] = 2 * frame["x"] + 1  # aliased with the intercept and x
    formula, dropped = E.estimable_terms(frame, "y ~ x + z + x2")
    assert formula == "y ~ x"
    assert dropped["z"] == "no variation: z is 3.0 for every family; model fitted without this term"
    assert dropped["x2"].startswith("aliased: a linear combination of the terms before it")


def test_every_term_dropped_leaves_an_intercept_only_model():
    formula, dropped = E.estimable_terms(_frame(x=1.0), "y ~ x")
    assert formula == "y ~ 1" and list(dropped) == ["x"]
