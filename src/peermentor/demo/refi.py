"""Writing a REFI-QDA project (``.qdpx``) for the demo: the shape real tools export.

Users, a nested code book, text sources in ``sources/<guid>.txt`` named by
``plainTextPath="internal://<guid>.txt"``, one ``PlainTextSelection`` per coded span (positions
in code points, end exclusive), cases linked with ``SourceRef`` (no variables: the roster holds
the roles, as in most real exports). The zip is written byte-identically for one seed.
"""

from __future__ import annotations

import random
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree

NAMESPACE = "urn:QDA-XML:project:1.0"
_DATE = (2016, 6, 1, 0, 0, 0)  # fixed member timestamps: same seed, same bytes


class Guids:
    """Seeded GUIDs, so the same demo gets the same identifiers."""

    def __init__(self, seed: int):
        self._rng = random.Random(seed)

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def project_xml(
    *,
    users: dict[str, str],
    code_tree: dict[str, dict],
    code_guids: dict[str, str],
    sources: list[dict],
    cases: list[dict],
) -> bytes:
    """``project.qde``: users {guid: name}; code_tree {name: subtree}; code_guids {path: guid};
    sources [{guid, name, selections: [{guid, start, end, coding_guid, user, code_guid}]}];
    cases [{guid, name, sources: [guid]}]."""
    ElementTree.register_namespace("", NAMESPACE)
    root = _el("Project", name="partnership interviews (synthetic demo)", origin="peermentor demo")
    users_el = _sub(root, "Users")
    for guid, name in users.items():
        _sub(users_el, "User", guid=guid, name=name)
    codes_el = _sub(_sub(root, "CodeBook"), "Codes")
    _codes(codes_el, code_tree, code_guids, "")
    cases_el = _sub(root, "Cases")
    for case in cases:
        case_el = _sub(cases_el, "Case", guid=case["guid"], name=case["name"])
        for source in case["sources"]:
            _sub(case_el, "SourceRef", targetGUID=source)
    sources_el = _sub(root, "Sources")
    for source in sources:
        source_el = _sub(
            sources_el,
            "TextSource",
            guid=source["guid"],
            name=source["name"],
            plainTextPath=f"internal://{source['guid']}.txt",
        )
        for sel in source["selections"]:
            sel_el = _sub(
                source_el,
                "PlainTextSelection",
                guid=sel["guid"],
                startPosition=str(sel["start"]),
                endPosition=str(sel["end"]),
            )
            coding = _sub(sel_el, "Coding", guid=sel["coding_guid"], creatingUser=sel["user"])
            _sub(coding, "CodeRef", targetGUID=sel["code_guid"])
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _codes(parent, tree: dict[str, dict], guids: dict[str, str], prefix: str) -> None:
    for name, children in tree.items():
        path = f"{prefix}::{name}" if prefix else name
        code = _sub(parent, "Code", guid=guids[path], name=name, isCodable="true")
        _codes(code, children, guids, path)


def _el(tag: str, **attrs) -> ElementTree.Element:
    return ElementTree.Element(f"{{{NAMESPACE}}}{tag}", attrs)


def _sub(parent, tag: str, **attrs) -> ElementTree.Element:
    return ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)


def write_qdpx(path: str | Path, project: bytes, texts: dict[str, str]) -> None:
    """The zip: project.qde and sources/<guid>.txt (UTF-8), fixed dates and order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _DATE), project, zipfile.ZIP_DEFLATED)
        for guid, text in texts.items():
            info = zipfile.ZipInfo(f"sources/{guid}.txt", _DATE)
            archive.writestr(info, text.encode("utf-8"), zipfile.ZIP_DEFLATED)
