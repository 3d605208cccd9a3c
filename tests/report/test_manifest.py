"""The run manifest: checksums, and verification of a run against it."""

from __future__ import annotations

import hashlib

from peermentor.cli import main
from peermentor.io import write_json
from peermentor.publish.manifest import build_manifest, file_entries, verify_manifest


def test_file_entries_hash_and_size(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"x,y\n1,2\n")
    (entry,) = file_entries([str(path)])
    assert entry == {
        "path": str(path),
        "bytes": 8,
        "sha256": hashlib.sha256(b"x,y\n1,2\n").hexdigest(),
    }


def test_verify_finds_changed_and_missing_files(tmp_path, capsys):
    table, raw = tmp_path / "table.csv", tmp_path / "raw.csv"
    table.write_text("a\n1\n")
    raw.write_text("b\n2\n")
    manifest = build_manifest(
        inputs=[str(raw)], outputs=[str(table)], config={}, code_dir=str(tmp_path), command="x"
    )
    assert manifest["code"] == {"commit": "unknown", "dirty": None}
    assert verify_manifest(manifest) == []
    write_json(manifest, tmp_path / "manifest.json")
    assert main(["verify", "--manifest", str(tmp_path / "manifest.json")]) == 0
    assert "2 of 2 files match the manifest" in capsys.readouterr().out
    table.write_text("a\n2\n")
    raw.unlink()
    assert verify_manifest(manifest) == [f"missing: {raw}", f"changed: {table}"]
    assert main(["verify", "--manifest", str(tmp_path / "manifest.json")]) == 1
