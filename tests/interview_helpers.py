"""Tiny hand-written REFI-QDA projects for the interview tests, one quirk at a time."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

# Two users; GUIDs as tools write them (one braced and upper-case).
ANA = "11111111-1111-4111-8111-111111111111"
BEN = "22222222-2222-4222-8222-222222222222"
VISION = "aaaaaaaa-0000-4000-8000-000000000001"
SAFETY = "aaaaaaaa-0000-4000-8000-000000000002"
TRUST = "aaaaaaaa-0000-4000-8000-000000000003"
DOC1 = "dddddddd-0000-4000-8000-000000000001"
DOC2 = "dddddddd-0000-4000-8000-000000000002"

# Code points, not bytes: "é" and "☕" are one code point each, 2 and 3 bytes in UTF-8.
TEXT1 = "Café talk ☕ first.\n\nWe keep kids safe.\n\nTrust came slowly."
TEXT2 = "We shared one goal.\nThe mentor knew recovery."

USERS = f'<Users><User guid="{ANA}" name="Ana"/><User guid="{{{BEN.upper()}}}" name="Ben"/></Users>'
NESTED_CODES = f"""<CodeBook><Codes>
  <Code guid="{VISION}" name="Common vision" isCodable="true">
    <Code guid="{SAFETY}" name="Child safety first" isCodable="true"/>
  </Code>
  <Code guid="{TRUST}" name="Trust" isCodable="true"/>
</Codes></CodeBook>"""
# ATLAS.ti keeps the hierarchy in the name.
FLAT_CODES = f"""<CodeBook><Codes>
  <Code guid="{VISION}" name="Common vision" isCodable="true"/>
  <Code guid="{SAFETY}" name="Common vision::Child safety first" isCodable="true"/>
  <Code guid="{TRUST}" name="Trust" isCodable="true"/>
</Codes></CodeBook>"""


def selection(guid: int, start: int, end: int, user: str, code: str) -> str:
    return (
        f'<PlainTextSelection guid="eeeeeeee-0000-4000-8000-{guid:012d}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="cccccccc-0000-4000-8000-{guid:012d}" '
        f'creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


# Default codings: Ana codes "safe" paragraph as safety and "Trust ..." as trust in DOC1;
# Ben (braced, upper-case GUID in the Users list, lower-case here) codes safety too.
SELECTIONS1 = [
    selection(1, 20, 38, ANA, SAFETY),  # "We keep kids safe."
    selection(2, 40, 58, ANA, TRUST),  # "Trust came slowly."
    selection(3, 20, 38, BEN, SAFETY.upper()),
]
SELECTIONS2 = [selection(4, 0, 19, ANA, VISION)]  # "We shared one goal."


def project_xml(
    *,
    codes: str = NESTED_CODES,
    sources: str | None = None,
    cases: str = "",
    variables: str = "",
) -> str:
    if sources is None:
        sources = text_source(DOC1, "Interview 1", "internal://doc1.txt", SELECTIONS1)
        sources += text_source(DOC2, "Interview 2", "internal://doc2.txt", SELECTIONS2)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="fixture" origin="tests">'
        f"{USERS}{codes}{variables}{cases}<Sources>{sources}</Sources></Project>"
    )


def text_source(guid: str, name: str, path: str | None, selections, inline: str | None = None):
    attrs = f'guid="{guid}" name="{name}"' + (f' plainTextPath="{path}"' if path else "")
    content = f"<PlainTextContent>{inline}</PlainTextContent>" if inline is not None else ""
    return f"<TextSource {attrs}>{content}{''.join(selections)}</TextSource>"


def write_qdpx(path: Path, xml: str, files: dict[str, str | bytes] | None = None) -> Path:
    if files is None:
        files = {"sources/doc1.txt": TEXT1, "sources/doc2.txt": TEXT2}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    return path


def write_roster(path: Path, rows: list[tuple]) -> Path:
    lines = ["document,participant,role"] + [",".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


ROSTER = [("Interview 1", "CW-1", "Caseworker"), ("Interview 2", "FM-1", "family mentor")]

VISION_ID, WORK_ID = "common_vision", "working_relationships"
MAPPING = {
    "export": {"path": "", "format": "qdpx", "role_variable": None},
    "roster": {"path": "", "sheet": None, "columns": {}},
    "roles": {"caseworker": "caseworker", "family mentor": "family_mentor"},
    "coders": {"Ana": "coder_a", BEN: "coder_b"},
    "themes": [
        {"id": "common_vision", "label": "Vision", "kind": "process"},
        {"id": "child_safety_first", "label": "Safety", "kind": "subtheme", "process": VISION_ID},
        {"id": "working_relationships", "label": "Relationships", "kind": "process"},
        {"id": "building_trust", "label": "Trust", "kind": "subtheme", "process": WORK_ID},
    ],
    "codes": {
        "Common vision": "common_vision",
        "Common vision::Child safety first": "child_safety_first",
    },
    "units": "paragraphs",
}


def mapping(qdpx: Path, roster: Path | None, **changes) -> dict:
    out = copy.deepcopy(MAPPING)
    out["export"]["path"] = str(qdpx)
    if roster is None:
        out["roster"] = None
    else:
        out["roster"]["path"] = str(roster)
    for key, value in changes.items():
        out[key] = value
    return out
