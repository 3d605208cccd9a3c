"""Reading a REFI-QDA project (``.qdpx``), the exchange format of NVivo, ATLAS.ti, MAXQDA, ...

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and a
sources folder. What real exports do differently from the specification's example
(docs/design.md section 11), and what this reader accepts:

- the folder is ``sources/`` or ``Sources/`` (matched case-insensitively);
- ``plainTextPath`` is ``internal://<file>`` or a bare file name; or the text is inline in
  ``PlainTextContent``; a text file may start with a byte-order mark;
- positions count Unicode code points of the text, end exclusive (never bytes);
- a ``Coding`` directly under a ``TextSource`` codes the whole document;
- codes nest (``Code`` in ``Code``) or carry their hierarchy in the name (ATLAS.ti's
  ``parent::child``); either way a code's path joins its levels with ``::``;
- GUIDs are upper- or lower-case and may be braced: normalized before matching;
- cases link to their sources with ``SourceRef`` and may hold variables (a role, perhaps).

The XML is validated first against the REFI-QDA ``Project.xsd`` shipped beside this module
(QDA-XML 1.0, 18 March 2019, MIT licence, www.qdasoftware.org; docs/interviews.md says where the
copy comes from).
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from peermentor.errors import InputError
from peermentor.ingest.interviews.export import (
    CODE_SEPARATOR,
    Document,
    Export,
    codings_frame,
    normalize_guid,
)

NAMESPACE = "urn:QDA-XML:project:1.0"
SCHEMA_FILE = Path(__file__).with_name("Project.xsd")
_NS = {"q": NAMESPACE}
_SOURCE_TYPES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


if TYPE_CHECKING:
    import xmlschema


@functools.cache
def project_schema() -> xmlschema.XMLSchema:
    # Imported here: only reading a .qdpx needs it (0.15 s), not every job that imports the
    # interview package, such as the privacy audit with a roster to read the ids from.
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_FILE))


def read_qdpx(path: str | Path) -> Export:
    """The project's users, code tree, text sources, cases and codings."""
    path = Path(path)
    members, xml = _open(path)
    root = _parse(path, xml)
    validate_project(root, path)
    users = {
        normalize_guid(u.get("guid")): u.get("name") or u.get("id") or u.get("guid")
        for u in root.iterfind("q:Users/q:User", _NS)
    }
    codes = _code_paths(root.find("q:CodeBook/q:Codes", _NS))
    variables = {
        normalize_guid(v.get("guid")): v.get("name")
        for v in root.iterfind("q:Variables/q:Variable", _NS)
    }
    cases = _cases(root, variables)
    documents, rows = [], []
    for order, source in enumerate(root.iterfind("q:Sources/q:TextSource", _NS), start=1):
        document = _document(source, order, members, cases, variables)
        documents.append(document)
        rows += _source_codings(source, document, codes)
    for kind in _SOURCE_TYPES:  # codings of pictures, PDFs, audio: counted, not used
        for source in root.iterfind(f"q:Sources/q:{kind}", _NS):
            rows += [
                _coding_row(c, normalize_guid(source.get("guid")), None, None, codes, kind)
                | {"reason": "not_a_text_source"}
                for c in source.iter(f"{{{NAMESPACE}}}Coding")
            ]
    return Export(
        file=str(path),
        tool=root.get("origin") or "REFI-QDA",
        users=users,
        codes=codes,
        documents=documents,
        codings=codings_frame(rows),
    )


def _open(path: Path) -> tuple[dict[str, bytes], bytes]:
    """Members of the zip by lower-cased name (folders differ in case between tools)."""
    if not path.is_file():
        raise InputError("file not found", file=str(path), config_key="export.path")
    if not zipfile.is_zipfile(path):
        raise InputError(
            "not a REFI-QDA project: a .qdpx is a zip archive and this file is not one",
            file=str(path),
            hint="export the project again as REFI-QDA (.qdpx), or set export.format",
        )
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        qde = [n for n in names if PurePosixPath(n).name.lower() == "project.qde"]
        if not qde:
            raise InputError(
                "the zip holds no project.qde, so it is not a REFI-QDA project",
                file=str(path),
                hint="export the project again as REFI-QDA (.qdpx)",
            )
        members = {n.lower(): archive.read(n) for n in names if n != qde[0]}
        return members, archive.read(qde[0])


def _parse(path: Path, xml: bytes) -> ElementTree.Element:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as err:
        raise InputError(f"project.qde is not well-formed XML ({err})", file=str(path)) from None
    if root.tag != f"{{{NAMESPACE}}}Project":
        raise InputError(
            f"project.qde's root element is {root.tag!r}, not Project in the namespace {NAMESPACE}",
            file=str(path),
        )
    return root


def validate_project(root: ElementTree.Element, path: str | Path) -> None:
    """The XML against the REFI-QDA schema; the first problems with their elements."""
    errors = list(project_schema().iter_errors(root))
    if not errors:
        return
    shown = "; ".join(
        f"element {(e.path or '').replace(f'{{{NAMESPACE}}}', '')}: {_reason(e)}"
        for e in errors[:3]
    )
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    raise InputError(
        f"project.qde does not follow the REFI-QDA schema (Project.xsd): {shown}{more}",
        file=str(path),
        hint="the exporting tool wrote an invalid project; export it again or report it",
    )


def _reason(err: xmlschema.XMLSchemaValidationError) -> str:
    return " ".join(str(err.reason or err.message).split())[:200]


def _code_paths(codes: ElementTree.Element | None) -> dict[str, str]:
    """Code GUID -> full path: nested names joined by '::' (ATLAS.ti writes them in the name)."""
    paths: dict[str, str] = {}

    def walk(parent: ElementTree.Element, prefix: str) -> None:
        for code in parent.iterfind("q:Code", _NS):
            name = " ".join((code.get("name") or "").split())
            path = f"{prefix}{CODE_SEPARATOR}{name}" if prefix else name
            path = CODE_SEPARATOR.join(part.strip() for part in path.split(CODE_SEPARATOR))
            paths[normalize_guid(code.get("guid"))] = path
            walk(code, path)

    if codes is not None:
        walk(codes, "")
    return paths


def _cases(root: ElementTree.Element, names: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """Source GUID -> (case name, case variables), through each case's SourceRef."""
    linked = {}
    for case in root.iterfind("q:Cases/q:Case", _NS):
        values = _variable_values(case, names)
        for ref in case.iterfind("q:SourceRef", _NS):
            linked[normalize_guid(ref.get("targetGUID"))] = (case.get("name"), values)
    return linked


def _variable_values(element: ElementTree.Element, names: dict) -> dict[str, str]:
    values = {}
    for value in element.iterfind("q:VariableValue", _NS):
        ref = value.find("q:VariableRef", _NS)
        name = names.get(normalize_guid(ref.get("targetGUID")) if ref is not None else None)
        held = [child.text for child in value if child.tag != f"{{{NAMESPACE}}}VariableRef"]
        if name and held and held[0] is not None:
            values[name] = held[0].strip()
    return values


def _document(source, order: int, members: dict, cases: dict, names: dict) -> Document:
    key = normalize_guid(source.get("guid"))
    case_name, variables = cases.get(key, (None, {}))
    variables = {**variables, **_variable_values(source, names)}
    inline = source.find("q:PlainTextContent", _NS)
    if inline is not None:
        text = inline.text or ""
    else:
        text = _source_text(source.get("plainTextPath"), members)
    return Document(
        key=key,
        name=source.get("name") or _file_name(source.get("plainTextPath")) or key,
        order=order,
        text=text,
        case=case_name,
        variables=variables,
    )


def _file_name(plain_path: str | None) -> str | None:
    """A source without a name (QualCoder's exports) is known by its text file's name."""
    return plain_path.rsplit("/", 1)[-1] if plain_path else None


def _source_text(plain_path: str | None, members: dict[str, bytes]) -> str | None:
    """The text ``plainTextPath`` names, in the sources folder whatever its case; None: absent."""
    if not plain_path:
        return None
    name = plain_path.split("://", 1)[1] if plain_path.startswith("internal://") else plain_path
    name = name.replace("\\", "/").lstrip("/").lower()
    for candidate in (f"sources/{name}", name):
        if candidate in members:
            return members[candidate].decode("utf-8-sig")
    return None


def _source_codings(source, document: Document, codes: dict[str, str]) -> list[dict]:
    rows = []
    length = None if document.text is None else len(document.text)
    for coding in source.iterfind("q:Coding", _NS):  # on the whole document
        rows.append(_coding_row(coding, document.key, 0, length, codes, "TextSource/Coding"))
    for selection in source.iterfind("q:PlainTextSelection", _NS):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        where = f"PlainTextSelection[@guid={normalize_guid(selection.get('guid'))}]/Coding"
        for coding in selection.iterfind("q:Coding", _NS):
            rows.append(_coding_row(coding, document.key, start, end, codes, where))
    for row in rows:
        if row["reason"] is None and document.text is None:
            row["reason"] = "missing_source"
    return rows


def _coding_row(coding, document: str, start, end, codes: dict[str, str], where: str) -> dict:
    guid = normalize_guid(coding.get("guid"))
    ref = coding.find("q:CodeRef", _NS)
    target = normalize_guid(ref.get("targetGUID"))
    return {
        "coding_id": guid,
        "document": document,
        "user": normalize_guid(coding.get("creatingUser")),
        "tool_code": codes.get(target),
        "start": start,
        "end": end,
        "element": f"{where}[@guid={guid}]",
        "reason": None if target in codes else "unknown_code",
    }
