"""The interview strand's privacy check (publish.audit.transcripts): planted leaks are caught."""

from __future__ import annotations

import re

import pytest

from peermentor.publish.audit import AUDIT_ONLY
from peermentor.publish.audit.transcripts import (
    _WORD,
    _any_whole_word,
    _folded_words,
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


def test_words_folded_in_one_call_equal_each_word_folded():
    # Letters whose folding changes length or script: sharp s, dotted capital I (folds to
    # i + a combining dot), the Kelvin sign, final sigma, the fi ligature, long s; digits,
    # underscores and a line break between words.
    text = "STRASSE Straße İstanbul \u212a ΟΔΟΣ οδος \ufb01le \u017fo x_1 ÄÖ\nnext ǅ ß"
    assert _folded_words(text) == [w.casefold() for w in _WORD.findall(text)]
    assert _folded_words("") == [] and _folded_words("&& --") == []


def test_each_run_is_found_at_its_own_line_up_to_the_run_that_ends_the_file():
    # UNIT has 22 words, so runs 0..14; label each run by where it starts.
    runs = {run: f"run {i}" for i, run in enumerate(transcript_runs(UNITS))}
    text = (
        "title\n"
        "We sat at the kitchen table with Marisol\n"  # run 0
        "filler\n"
        "what the kids needed before the court date in Harlan County."  # runs 11 to 14
    )
    found = find_leaks({"n.html": text}, runs)
    assert [(f.line, f.what) for f in found] == [
        (2, "run 0"), (4, "run 11"), (4, "run 12"), (4, "run 13"), (4, "run 14"),
    ]  # fmt: skip


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


def test_the_first_character_lookahead_changes_no_match():
    # The pattern's lookahead on the items' first characters is only a shortcut: it must
    # find what the plain alternation finds, case-insensitively (Unicode folding included),
    # for items that start with a non-word character and for phrases over any whitespace.
    items = ["P07", "p070", "#12", "Harlan County", "Äbtissin", "ſt. Paul", "KELVIN", "-x"]
    text = (
        "p07 P070 #12 a#12 harlan\n\tcounty HARLAN COUNTYX äBTISSIN St. paul "
        "\u212aelvin kelvin -x a-x P07_ x P07"
    )
    bodies = sorted(
        {r"\s+".join(re.escape(part) for part in item.split()) for item in items}, key=len
    )[::-1]
    plain = re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?!\w)", re.IGNORECASE)
    expected = [(m.start(), m.group()) for m in plain.finditer(text)]
    assert [(m.start(), m.group()) for m in _any_whole_word(items).finditer(text)] == expected
    assert [m for _, m in expected] == [
        "p07",
        "P070",
        "#12",
        "harlan\n\tcounty",
        "äBTISSIN",
        "St. paul",
        "\u212aelvin",
        "kelvin",
        "-x",
        "P07",
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


def test_audit_job_allows_exactly_the_approved_quotes_as_printed(tmp_path):
    """publish.audit.interview_leaks on tiny canonical tables: the approved quote, de-identified,
    may be public; the same words with the name kept, or another unit's words, may not."""
    from types import SimpleNamespace

    import pandas as pd

    from peermentor.publish.audit.interview_leaks import interview_leaks

    other = "Then we drove to the county office to file every single form that day."
    paths = {
        name: tmp_path / f"{name}.parquet" for name in ("units", "codings", "documents", "themes")
    }
    pd.DataFrame({"document_id": ["d1", "d1"], "unit": [1, 2], "text": [UNIT, other]}).to_parquet(
        paths["units"]
    )
    pd.DataFrame(
        {"coding_id": ["c1"], "document_id": ["d1"], "coder": ["coder_a"], "theme": ["supervision"],
         "start": [0], "end": [len(UNIT)], "text": [UNIT]}
    ).to_parquet(paths["codings"])  # fmt: skip
    pd.DataFrame({"document_id": ["d1"], "role": ["caseworker"]}).to_parquet(paths["documents"])
    pd.DataFrame({"theme": ["supervision"], "label": ["Supervision"]}).to_parquet(paths["themes"])
    results = tmp_path / "results"
    (results / "tables/interviews").mkdir(parents=True)
    deidentified = UNIT.replace("Marisol", "[NAME]").replace("Harlan County", "[PLACE]")
    (results / "tables/interviews/quotes.csv").write_text(f'quote,text\n1,"{deidentified}"\n')
    interviews = {
        "quotes": {
            "approved": ["c1"],
            "deidentify": {"names": ["Marisol"], "places": ["Harlan County"]},
        }
    }
    params = SimpleNamespace(
        results_dir=str(results), interviews=interviews, mapping={"roster": None}
    )
    inputs = SimpleNamespace(**{f"interview_{k}": str(v) for k, v in paths.items()})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("peermentor.publish.audit.interview_leaks.raw_ids", lambda mapping: ["CW-07"])
        assert interview_leaks(inputs, params) == []
        (results / "tables/interviews/x.csv").write_text(f"a\n{other}\nCW-07\n")
        found = interview_leaks(inputs, params)
    assert sorted((f.kind, f.what) for f in found) == [
        ("participant_id", "roster identifier #1"),
        ("transcript_text", "unit 2 of document d1"),
    ]
