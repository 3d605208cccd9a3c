"""The demo's coded-interview study: its shape, its kappa, the ingested tables against its truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peermentor.demo.interviews import build_interviews
from peermentor.ingest.interviews.qdpx import read_qdpx


def build(folder: Path, seed: int = 20180101) -> dict:
    return build_interviews(
        seed=seed,
        qdpx_path=folder / "p.qdpx",
        roster_path=folder / "roster.csv",
        truth_path=folder / "truth.json",
    )


@pytest.fixture(scope="module")
def demo(interview_demo):
    """(folder, truth, tables) of the demo interview study (tests/conftest.py)."""
    return interview_demo


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected)


def test_the_papers_design(demo):
    _, truth, tables = demo
    docs = tables.documents
    assert len(docs) == 22 and truth["n_documents"] == 22
    assert docs["role"].value_counts().to_dict() == {
        "caseworker": 9,
        "family_mentor": 9,
        "supervisor": 4,
    }
    assert docs["double_coded"].sum() == 12
    assert sorted(tables.codings["coder"].unique()) == ["coder_a", "coder_b"]


def test_the_export_validates_against_the_refi_qda_schema(demo):
    folder, _, _ = demo
    export = read_qdpx(folder / "p.qdpx")  # raises unless project.qde follows Project.xsd
    assert export.tool == "peermentor demo" and len(export.documents) == 22


def test_pooled_kappa_recomputed_from_the_ingested_codings(demo):
    _, truth, tables = demo
    codings = tables.codings.dropna(subset=["theme"])
    double = tables.documents.loc[tables.documents["double_coded"], "document_id"]
    coded = set(zip(codings["document_id"], codings["coder"], codings["theme"], strict=True))
    themes = tables.themes["theme"].tolist()
    pairs = [
        ((d, "coder_a", t) in coded, (d, "coder_b", t) in coded) for d in double for t in themes
    ]
    kappa = cohen_kappa(pairs)
    assert kappa == pytest.approx(truth["pooled_kappa_document"], abs=1e-6)
    assert 0.87 <= kappa <= 0.93


def test_ingested_units_equal_the_planted_units(demo):
    _, truth, tables = demo
    by_order = dict(zip(tables.documents["order"], tables.documents["document_id"], strict=True))
    codings = tables.codings.dropna(subset=["theme"])
    for doc in truth["documents"]:
        mine = codings[codings["document_id"] == by_order[doc["order"]]]
        for coder, planted in doc["units"].items():
            got = mine[mine["coder"] == coder].groupby("theme")["unit"].apply(sorted).to_dict()
            assert got == planted, (doc["document"], coder)
        n_units = tables.documents.set_index("order").loc[doc["order"], "n_units"]
        assert n_units == doc["n_units"]


def test_every_process_in_most_interviews_and_supervision_mostly_from_supervisors(demo):
    _, truth, _ = demo
    docs = truth["documents"]
    for process in ("common_vision", "working_relationships", "open_minded_learning",
                    "partnership_benefits"):  # fmt: skip
        assert sum(d["present"]["coder_a"][process] for d in docs) > 11
    supervision = [d["role"] for d in docs if d["present"]["coder_a"]["supervision"]]
    assert supervision.count("supervisor") == 4
    assert supervision.count("supervisor") * 2 >= len(supervision) - 4


def test_unmapped_codes_are_counted(demo):
    _, truth, tables = demo
    planted = sum(sum(d["unmapped_codings"].values()) for d in truth["documents"])
    recon = tables.reconciliation.set_index(["kind", "item"])["codings"]
    assert recon["unmapped", "Interview logistics"] == planted > 0
    assert recon["codings", "quarantined"] == 0


def test_invented_names_and_places_are_in_the_text_and_listed(demo):
    _, truth, tables = demo
    text = " ".join(tables.units["text"])
    planted = [v for d in truth["documents"] for found in d["identifiers"] for v in found.values()]
    assert planted and all(value in text for value in planted)
    listed = {*truth["names"], *truth["places"], *truth["phones"], *truth["dates"]}
    assert set(planted) <= listed


def test_same_seed_same_bytes_other_seed_other_study(tmp_path, demo):
    folder, _, _ = demo
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    build(tmp_path / "a")
    build(tmp_path / "b", seed=7)
    for name in ("p.qdpx", "roster.csv", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() == (folder / name).read_bytes()
    other = json.loads((tmp_path / "b/truth.json").read_text())
    assert other["documents"] != json.loads((folder / "truth.json").read_text())["documents"]
