"""The interview analyses on the demo's coded-interview study, against its truth file: presence
per coder (as coded and rolled up), presence after the rule, prevalence, the pooled kappa,
coded units, and de-identification of every planted identifier."""

from __future__ import annotations

import pandas as pd
import pytest

from peermentor.analysis.interviews import (
    coder_presence,
    document_agreement,
    prevalence_by_role,
    theme_presence,
    unit_coder_presence,
)
from peermentor.publish.interviews import deidentify


@pytest.fixture(scope="module")
def demo(interview_demo):
    """The demo interview study (tests/conftest.py), with its documents' ids by order."""
    _, truth, tables = interview_demo
    by_order = dict(zip(tables.documents["order"], tables.documents["document_id"], strict=True))
    return truth, tables, by_order


def _planted(truth: dict, by_order: dict, key: str) -> set[tuple[str, str, str]]:
    """(document_id, coder, theme) the truth marks True under ``key`` (present or coded)."""
    return {
        (by_order[d["order"]], coder, theme)
        for d in truth["documents"]
        for coder, themes in d[key].items()
        for theme, yes in themes.items()
        if yes
    }


def _found(table: pd.DataFrame) -> set[tuple[str, str, str]]:
    rows = table[table["present"]]
    return set(zip(rows["document_id"], rows["coder"], rows["theme"], strict=True))


def test_coder_presence_equals_the_planted_presence(demo):
    truth, tables, by_order = demo
    docs, codings, themes = tables.documents, tables.codings, tables.themes
    assert _found(coder_presence(codings, docs, themes)) == _planted(truth, by_order, "present")
    as_coded = coder_presence(codings, docs, themes, roll_up=False)
    assert _found(as_coded) == _planted(truth, by_order, "coded")


def test_presence_rule_and_prevalence_from_the_truth(demo):
    truth, tables, by_order = demo
    docs, codings, themes = tables.documents, tables.codings, tables.themes
    union = {(d, t) for d, _, t in _planted(truth, by_order, "present")}
    presence = theme_presence(codings, docs, themes, rule="any_coder")
    rows = presence[presence["present"]]
    assert set(zip(rows["document_id"], rows["theme"], strict=True)) == union
    prevalence = prevalence_by_role(presence, docs, themes).set_index(["theme", "role"])
    for theme in themes["theme"]:
        for role in ("caseworker", "family_mentor", "supervisor"):
            expected = sum(
                1
                for d in truth["documents"]
                if d["role"] == role and (by_order[d["order"]], theme) in union
            )
            assert prevalence.loc[(theme, role), "n_present"] == expected


def test_pooled_document_kappa_equals_the_truth(demo):
    truth, tables, _ = demo
    table = document_agreement(tables.codings, tables.documents, tables.themes, n_bootstrap=100)
    pooled = table.set_index("theme").loc["pooled"]
    assert pooled["kappa"] == pytest.approx(truth["pooled_kappa_document"], abs=1e-6)
    assert pooled["n_documents"] == 12 and pooled["n_items"] == 12 * 13


def test_unit_presence_as_coded_equals_the_planted_units(demo):
    truth, tables, by_order = demo
    double = tables.documents[tables.documents["double_coded"]]
    table = unit_coder_presence(tables.codings, tables.units, double, tables.themes, roll_up=False)
    rows = table[table["present"]]
    found = set(zip(rows["document_id"], rows["coder"], rows["theme"], rows["unit"], strict=True))
    planted = {
        (by_order[d["order"]], coder, theme, unit)
        for d in truth["documents"]
        if d["double_coded"]
        for coder, themes in d["units"].items()
        for theme, units in themes.items()
        for unit in units
    }
    assert found == planted


def test_deidentification_removes_every_planted_identifier(demo):
    truth, tables, _ = demo
    planted = [v for d in truth["documents"] for found in d["identifiers"] for v in found.values()]
    assert planted
    for text in tables.units["text"]:
        clean = deidentify(text, names=truth["names"], places=truth["places"])
        for value in (*truth["names"], *truth["places"], *truth["phones"], *truth["dates"]):
            assert value not in clean
