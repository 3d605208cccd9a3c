"""The interview mapping file: same messages as site configs (file, line, key, closest key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peermentor.config import load_interview_mapping, load_interviews, load_study
from peermentor.errors import ConfigError, InputError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "config/interviews/partnership.yaml"
SCHEMAS = ROOT / "workflow/schemas"


def edited(tmp_path, old: str, new: str) -> Path:
    text = DEFAULT.read_text()
    assert old in text
    path = tmp_path / "partnership.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_default_mapping_is_valid_and_maps_every_theme():
    mapping = load_interview_mapping(DEFAULT, SCHEMAS)
    ids = [t["id"] for t in mapping["themes"]]
    assert len(ids) == 13 and ids[-1] == "supervision"
    assert set(mapping["codes"].values()) - {None} == set(ids)
    assert mapping["roles"]["start supervisor"] == "supervisor"
    assert mapping["units"] == "paragraphs" and mapping["export"]["format"] == "qdpx"


def test_code_mapped_to_a_misspelt_theme(tmp_path):
    path = edited(tmp_path, '"Supervision": supervision', '"Supervision": supervison')
    with pytest.raises(ConfigError) as err:
        load_interview_mapping(path, SCHEMAS)
    message = str(err.value)
    assert str(path) in message and "invalid interview mapping" in message
    assert f"line {line_of(path, 'supervison')}, key codes.Supervision" in message
    assert "did you mean 'supervision'?" in message


def test_unknown_key_suggests_the_closest(tmp_path):
    path = edited(tmp_path, "\nunits: paragraphs", "\nunit: paragraphs")
    with pytest.raises(ConfigError, match=r"key unit: unknown key 'unit'; did you mean 'units'\?"):
        load_interview_mapping(path, SCHEMAS)


def test_role_outside_the_three_roles(tmp_path):
    path = edited(tmp_path, "caseworker: caseworker", "caseworker: social_worker")
    with pytest.raises(ConfigError, match=r"key roles.caseworker: 'social_worker' is not allowed"):
        load_interview_mapping(path, SCHEMAS)


def test_subtheme_of_no_process(tmp_path):
    path = edited(tmp_path, "process: common_vision}", "process: comon_vision}")
    with pytest.raises(ConfigError, match=r"themes.1.process: 'comon_vision' is not a process"):
        load_interview_mapping(path, SCHEMAS)


def test_theme_id_given_twice(tmp_path):
    path = edited(tmp_path, "{id: refining_roles,", "{id: building_trust,")
    with pytest.raises(ConfigError, match=r"themes.4.id: theme id 'building_trust' is given twice"):
        load_interview_mapping(path, SCHEMAS)


def test_no_roster_and_no_role_variable(tmp_path):
    text = DEFAULT.read_text()
    start, end = text.index("roster:\n"), text.index("# Role words")
    path = tmp_path / "m.yaml"
    path.write_text(text[:start] + text[end:])
    with pytest.raises(ConfigError, match=r"key roster: no source of roles"):
        load_interview_mapping(path, SCHEMAS)


def test_study_config_names_the_mapping_and_a_missing_export_is_clear(tmp_path, monkeypatch):
    study = load_study(ROOT / "config/config.yaml", SCHEMAS)
    assert (study["interviews"]["enabled"], study["interviews"]["mapping"]) == (
        True,
        "config/interviews/partnership.yaml",
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config/interviews").mkdir(parents=True)
    (tmp_path / "config/interviews/partnership.yaml").write_text(DEFAULT.read_text())
    real = {**study, "demo": {**study["demo"], "enabled": False}}
    with pytest.raises(InputError, match=r"(?s)partnership.qdpx: file not found.*export.path in"):
        load_interviews(real, SCHEMAS)
    assert load_interviews({**study, "interviews": {"enabled": False}}, SCHEMAS) is None


def test_segments_format_needs_its_columns(tmp_path):
    path = edited(tmp_path, "  format: qdpx", "  format: segments")
    with pytest.raises(ConfigError, match=r"key export: format segments needs export.columns"):
        load_interview_mapping(path, SCHEMAS)
    path = edited(
        tmp_path,
        "  format: qdpx",
        "  format: segments\n  columns: {document: d, coder: c, code: k}",
    )
    with pytest.raises(ConfigError, match=r"export.columns: give text, or start and end"):
        load_interview_mapping(path, SCHEMAS)
