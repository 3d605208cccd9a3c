"""``peermentor interviews inspect|draft`` on the demo export and on bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peermentor.cli import main
from peermentor.config import load_interview_mapping
from peermentor.demo.interviews import build_interviews
from peermentor.errors import ConfigError
from peermentor.onboard.interviews import match_role, match_theme

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    truth = build_interviews(
        seed=3,
        qdpx_path=folder / "p.qdpx",
        roster_path=folder / "roster.csv",
        truth_path=folder / "truth.json",
    )
    return folder, truth


def test_inspect_shows_users_documents_and_code_counts_but_no_text(demo, capsys):
    folder, truth = demo
    assert main(["interviews", "inspect", str(folder / "p.qdpx")]) == 0
    out = capsys.readouterr().out
    assert "users (2):" in out and "Coder A" in out and "documents (22):" in out
    assert "codes (14)" in out and "    Child safety first: " in out
    assert "variables: none (roles from a roster)" in out
    for name in truth["names"] + truth["places"]:  # planted in the text, never shown
        assert name not in out


def test_inspect_json_counts_every_coding(demo, capsys):
    folder, truth = demo
    assert main(["interviews", "inspect", "--json", str(folder / "p.qdpx")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert sum(u["codings"] for u in summary["users"]) == summary["codings"]
    assert sum(c["codings"] for c in summary["codes"]) == summary["codings"]
    planted = sum(
        len(units) for d in truth["documents"] for c in d["units"].values() for units in c.values()
    )
    unmapped = sum(sum(d["unmapped_codings"].values()) for d in truth["documents"])
    assert summary["codings"] == planted + unmapped


def test_draft_matches_codes_to_themes_and_leaves_todos(demo, tmp_path, capsys):
    folder, _ = demo
    out = tmp_path / "m.yaml"
    args = ["interviews", "draft", str(folder / "p.qdpx"), "--roster", str(folder / "roster.csv")]
    assert main([*args, "--out", str(out)]) == 0
    assert "14 codes, 1 TODO(s)" in capsys.readouterr().out
    with pytest.raises(ConfigError, match=r"key codes.Interview logistics: still TODO"):
        load_interview_mapping(out)
    out.write_text(
        out.read_text().replace("Interview logistics: TODO", "Interview logistics: null")
    )
    drafted = load_interview_mapping(out)
    default = load_interview_mapping(ROOT / "config/interviews/partnership.yaml")
    for key in ("codes", "roles", "coders", "themes", "units"):
        assert drafted[key] == default[key], key
    assert drafted["roster"]["columns"] == default["roster"]["columns"]


def test_draft_never_overwrites_without_force(demo, tmp_path, capsys):
    folder, _ = demo
    out = tmp_path / "m.yaml"
    out.write_text("kept: true\n")
    assert main(["interviews", "draft", str(folder / "p.qdpx"), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_text() == "kept: true\n"


def test_bad_file_is_a_message_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "notes.qdpx"
    path.write_text("not a zip")
    assert main(["interviews", "inspect", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: file ") and "not a REFI-QDA project" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("code", "theme"),
    [
        ("Benefits::Family engagement", "family_engagement"),
        ("Trust building", "building_trust"),
        ("Supervisor support", "supervision"),
        ("Roles", "refining_roles"),
        ("Shared vision", "common_vision"),
        ("Miscellaneous", None),
    ],
)
def test_match_theme_by_the_words_of_the_code(code, theme):
    assert match_theme(code) == theme


def test_match_role_words():
    assert [match_role(w) for w in ("Case worker", "Peer mentor", "START Supervisor", "x")] == [
        "caseworker",
        "family_mentor",
        "supervisor",
        None,
    ]
