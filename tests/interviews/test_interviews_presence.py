"""Theme presence, prevalence by role, co-occurrence and saturation on the tiny tables of
interview_frames (answers worked out by hand in each test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from interview_frames import CODINGS, DOCUMENTS, THEMES

from peermentor.analysis.interviews import (
    coder_presence,
    prevalence_by_role,
    theme_cooccurrence,
    theme_presence,
    theme_saturation,
)
from peermentor.errors import InputError

CV, CSF, WR, BT, SUP = (
    "common_vision",
    "child_safety_first",
    "working_relationships",
    "building_trust",
    "supervision",
)


def present(table: pd.DataFrame, **keys) -> set[str]:
    rows = table
    for key, value in keys.items():
        rows = rows[rows[key] == value]
    return set(rows.loc[rows["present"], "theme"])


def test_coder_presence_rolls_subthemes_up_to_their_process():
    table = coder_presence(CODINGS, DOCUMENTS, THEMES)
    # d1 coder_a coded only subthemes: both processes present through them.
    assert present(table, document_id="d1", coder="coder_a") == {CV, CSF, WR, BT}
    # coder_b coded the process itself: the subtheme stays absent.
    assert present(table, document_id="d1", coder="coder_b") == {CV, WR, BT}
    assert present(table, document_id="d2", coder="coder_b") == {WR}
    # Every theme for every coder of an interview; d4 (no coding) has no coder rows.
    assert len(table) == 5 * 5
    assert "d4" not in set(table["document_id"])


def test_rows_come_in_interview_order_then_coder_then_theme_order():
    table = coder_presence(CODINGS, DOCUMENTS, THEMES)
    assert list(dict.fromkeys(table["document_id"])) == ["d2", "d1", "d3"]
    assert list(table["theme"][:5]) == [CV, CSF, WR, BT, SUP]
    assert list(table["coder"][:6]) == ["coder_a"] * 5 + ["coder_b"]


def test_any_coder_is_the_union_and_uncoded_interviews_are_absent():
    table = theme_presence(CODINGS, DOCUMENTS, THEMES, rule="any_coder")
    assert len(table) == 4 * 5
    assert present(table, document_id="d1") == {CV, CSF, WR, BT}
    assert present(table, document_id="d2") == {WR, SUP}
    assert present(table, document_id="d3") == {CV, CSF, SUP}
    assert present(table, document_id="d4") == set()


def test_all_coders_is_the_intersection_of_the_coders_of_each_interview():
    table = theme_presence(CODINGS, DOCUMENTS, THEMES, rule="all_coders")
    assert present(table, document_id="d1") == {CV, WR, BT}
    assert present(table, document_id="d2") == {WR}
    # d3 has one coder: the rule changes nothing there.
    assert present(table, document_id="d3") == {CV, CSF, SUP}


def test_primary_coder_rule_falls_back_to_the_coders_present():
    table = theme_presence(
        CODINGS, DOCUMENTS, THEMES, rule="primary_coder", primary_coder="coder_b"
    )
    assert present(table, document_id="d1") == {CV, WR, BT}
    assert present(table, document_id="d2") == {WR}
    assert present(table, document_id="d3") == {CV, CSF, SUP}  # coder_b did not code d3


def test_bad_rule_and_missing_primary_coder_name_the_config_key():
    with pytest.raises(InputError, match=r"interviews\.presence_rule"):
        theme_presence(CODINGS, DOCUMENTS, THEMES, rule="majority")
    with pytest.raises(InputError, match=r"interviews\.primary_coder"):
        theme_presence(CODINGS, DOCUMENTS, THEMES, rule="primary_coder")
    with pytest.raises(InputError, match="'coder_z' coded no interview; coders: coder_a, coder_b"):
        theme_presence(CODINGS, DOCUMENTS, THEMES, rule="primary_coder", primary_coder="coder_z")


def test_a_theme_missing_from_the_themes_table_stops_with_its_name():
    bad = CODINGS.assign(theme=CODINGS["theme"].replace({"supervision": "supervisoin"}))
    with pytest.raises(InputError, match="supervisoin"):
        theme_presence(bad, DOCUMENTS, THEMES)


def test_prevalence_by_role_counts_interviews_and_shares():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    table = prevalence_by_role(presence, DOCUMENTS, THEMES).set_index(["theme", "role"])
    # common_vision: d1 (caseworker), d3 (supervisor) of d1..d4.
    assert table.loc[(CV, "all"), ["n_interviews", "n_present"]].tolist() == [4, 2]
    assert table.loc[(CV, "all"), "share"] == 0.5
    assert table.loc[(CV, "caseworker"), ["n_interviews", "n_present"]].tolist() == [2, 1]
    assert table.loc[(CV, "family_mentor"), "n_present"] == 0
    assert table.loc[(CV, "supervisor"), "share"] == 1.0
    assert table.loc[(SUP, "all"), "n_present"] == 2
    assert table.loc[(SUP, "caseworker"), "share"] == 0.0
    assert table.loc[(CV, "all"), "label"] == "Sharing a common vision"


def test_prevalence_keeps_a_role_without_interviews_with_an_empty_share():
    docs = DOCUMENTS[DOCUMENTS["role"] != "supervisor"]
    presence = theme_presence(CODINGS, docs, THEMES)
    table = prevalence_by_role(presence, docs, THEMES)
    row = table[(table["theme"] == SUP) & (table["role"] == "supervisor")].iloc[0]
    assert row["n_interviews"] == 0 and row["n_present"] == 0 and np.isnan(row["share"])
    assert list(table["role"][:4]) == ["all", "caseworker", "family_mentor", "supervisor"]


def test_cooccurrence_counts_pairs_and_jaccard():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    table = theme_cooccurrence(presence, THEMES).set_index(["theme_a", "theme_b"])
    assert len(table) == 10  # 5 themes: 10 pairs
    # common_vision {d1, d3}, working_relationships {d1, d2}: both d1, either 3.
    row = table.loc[(CV, WR)]
    assert row[["n_a", "n_b", "n_both", "n_either"]].tolist() == [2, 2, 1, 3]
    assert row["jaccard"] == pytest.approx(1 / 3)
    assert table.loc[(CV, CSF), "jaccard"] == 1.0
    assert table.loc[(BT, SUP), "n_both"] == 0


def test_jaccard_is_empty_when_neither_theme_occurs():
    presence = theme_presence(CODINGS.iloc[:0], DOCUMENTS, THEMES)
    table = theme_cooccurrence(presence, THEMES)
    assert table["n_either"].eq(0).all() and table["jaccard"].isna().all()


def test_saturation_counts_new_themes_in_interview_order():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    table = theme_saturation(presence, DOCUMENTS, THEMES)
    assert table["document_id"].tolist() == ["d2", "d1", "d3", "d4"]
    assert table["order"].tolist() == [1, 2, 3, 4]
    assert table["n_themes_present"].tolist() == [2, 4, 3, 0]
    assert table["n_new_themes"].tolist() == [2, 3, 0, 0]
    assert table["n_themes_cumulative"].tolist() == [2, 5, 5, 5]
    # New themes in display order, not in the order they were coded.
    assert table["new_themes"].tolist() == [f"{WR};{SUP}", f"{CV};{CSF};{BT}", "", ""]
