"""The interview strand's privacy check (publish.audit.transcripts): planted leaks are caught."""

from __future__ import annotations

from peermentor.publish.audit import AUDIT_ONLY
from peermentor.publish.audit.transcripts import (
    find_leaks,
    public_outputs,
    transcript_runs,
    words,
)

UNIT = (
    "We sat at the kitchen table with Marisol and talked about what the kids needed "
    "before the court date in Harlan County."
)
UNITS = [("unit 1 of document d1", UNIT), ("unit 2 of document d1", "Short answer.")]


def test_words_fold_case_and_decode_entities():
    assert words("Don&#39;t STOP<br>now") == ["don", "t", "stop", "br", "now"]


def test_runs_of_eight_words_only():
    runs = transcript_runs(UNITS)
    assert len(runs) == len(words(UNIT)) - 8 + 1  # "Short answer." has no run of 8
    assert runs[tuple(words("We sat at the kitchen table with Marisol"))] == "unit 1 of document d1"


def test_planted_transcript_run_is_caught_and_not_repeated():
    runs = transcript_runs(UNITS)
    leak = (
        "theme,quote\n"
        "family_engagement,&quot;talked about what the KIDS needed before the court&quot;\n"
    )
    found = find_leaks({"tables/interviews/x.csv": leak}, runs)
    assert [(f.file, f.line, f.kind, f.what) for f in found] == [
        ("tables/interviews/x.csv", 2, "transcript_text", "unit 1 of document d1")
    ]
    assert "kids" not in found[0].as_row().values()


def test_seven_words_are_not_a_leak():
    runs = transcript_runs(UNITS)
    assert find_leaks({"a.csv": "talked about what the kids needed before"}, runs) == []


def test_run_wrapped_over_lines_is_caught():
    runs = transcript_runs(UNITS)
    text = "<p>We sat at the\nkitchen table with Marisol</p>"
    assert [f.line for f in find_leaks({"n.html": text}, runs)] == [1]


def test_approved_quote_runs_are_allowed():
    approved = ["We sat at the kitchen table with [name] and talked about what the kids needed"]
    runs = transcript_runs(UNITS, approved=approved)
    assert find_leaks({"q.csv": approved[0]}, runs) == []
    # the run that holds the name is still a leak
    assert find_leaks({"q.csv": "the kitchen table with Marisol and talked about"}, runs) != []


def test_configured_names_and_raw_ids_as_whole_words():
    found = find_leaks(
        {"fig.svg": "<!-- harlan  county -->\n<!-- P07 -->\nP070 AP07"},
        {},
        names=["Marisol", "Harlan County"],
        raw_ids=["P07", "P08"],
    )
    assert [(f.line, f.kind, f.what) for f in found] == [
        (1, "name", "configured name or place #2"),
        (2, "participant_id", "roster identifier #1"),
    ]


def test_public_outputs_skip_audit_only_and_embedded_images(tmp_path):
    (tmp_path / "tables/interviews").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "figures").mkdir()
    (tmp_path / "tables/interviews/prevalence.csv").write_text("theme\nx\n")
    (tmp_path / "tables/interviews_segments.csv").write_text(UNIT)
    (tmp_path / "notebooks/partnership.html").write_text(
        '<img src="data:image/png;base64,P07+AA==">'
    )
    (tmp_path / "figures/heat.svg").write_text("<svg/>")
    (tmp_path / "figures/heat.png").write_bytes(b"\x89PNG")
    outputs = public_outputs(tmp_path, AUDIT_ONLY)
    assert sorted(outputs) == [
        "figures/heat.svg",
        "notebooks/partnership.html",
        "tables/interviews/prevalence.csv",
    ]
    assert "P07" not in outputs["notebooks/partnership.html"]
