"""``peermentor interviews inspect|draft``: what a coded export holds, and a first mapping file.

``inspect`` shows users, documents, the code tree with counts and the variables (values only
when few, like role words); never a transcript's text. ``draft`` writes the mapping file with
everything recognisable filled in and ``TODO`` where a person must decide: codes matched to the
study's themes by the words of their names, users with codings as coders, role words to roles.
The loader refuses a mapping that still holds a ``TODO``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from peermentor.errors import ConfigError
from peermentor.ingest.interviews.export import CODE_SEPARATOR
from peermentor.ingest.interviews.qdpx import read_qdpx
from peermentor.ingest.interviews.roster import read_table
from peermentor.onboard.yamltext import scalar

TODO = "TODO"
MAX_VALUES = 12  # a variable with more distinct values is free text (names): counted, not shown

# The study's themes (Sears et al. 2017) and the words that name them, most specific first.
THEMES = [
    ("common_vision", "Sharing a common vision", "process", None),
    ("child_safety_first", "Child safety comes first", "subtheme", "common_vision"),
    ("working_relationships", "Developing working relationships", "process", None),
    ("refining_roles", "Refining roles", "subtheme", "working_relationships"),
    ("building_trust", "Building trust", "subtheme", "working_relationships"),
    ("open_minded_learning", "Learning with open-mindedness", "process", None),
    ("valuing_knowledge", "Valuing each member's knowledge", "subtheme", "open_minded_learning"),
    ("gaining_skills", "Gaining skills", "subtheme", "open_minded_learning"),
    ("sharing_the_role", "Sharing the role", "subtheme", "open_minded_learning"),
    ("partnership_benefits", "Identifying the benefits of the partnership", "process", None),
    ("family_engagement", "Increased family engagement", "subtheme", "partnership_benefits"),
    ("empathy_for_families", "Empathy for families", "subtheme", "partnership_benefits"),
    ("supervision", "The supervisor's role", "supervision", None),
]
THEME_WORDS = [
    ("child_safety_first", r"safety|safe"),
    ("refining_roles", r"refin\w* roles?|roles"),
    ("building_trust", r"trust"),
    ("valuing_knowledge", r"knowledge|expertise"),
    ("gaining_skills", r"skills?"),
    ("sharing_the_role", r"shar\w* (the )?role|shared role"),
    ("family_engagement", r"engag\w*"),
    ("empathy_for_families", r"empath\w*|understanding families"),
    ("supervision", r"supervis\w*"),
    ("common_vision", r"vision|common goal|shared goal"),
    ("working_relationships", r"relationships?|teamwork"),
    ("open_minded_learning", r"open.?minded\w*|learning"),
    ("partnership_benefits", r"benefits?"),
]
ROLE_WORDS = [
    ("supervisor", r"supervisor"),
    ("family_mentor", r"mentor|peer"),
    ("caseworker", r"case ?worker|social worker|worker"),
]


def inspect_export(path: str | Path) -> dict:
    """Users, documents, codes with counts and variables of a REFI-QDA export; no text."""
    export = read_qdpx(path)
    codings = export.codings
    by_user = Counter(codings["user"])
    by_code = Counter(codings["tool_code"].dropna())
    by_doc = Counter(codings["document"])
    variables: dict[str, Counter] = {}
    for document in export.documents:
        for name, value in document.variables.items():
            variables.setdefault(name, Counter())[value] += 1
    return {
        "file": str(path),
        "tool": export.tool,
        "users": [
            {"guid": key, "name": name, "codings": by_user.get(key, 0)}
            for key, name in export.users.items()
        ],
        "documents": [
            {
                "name": d.name,
                "order": d.order,
                "characters": None if d.text is None else len(d.text),
                "codings": by_doc.get(d.key, 0),
                "has_case": d.case is not None,
            }
            for d in export.documents
        ],
        "codes": [
            {"path": code, "depth": code.count(CODE_SEPARATOR), "codings": by_code.get(code, 0)}
            for code in sorted(export.codes.values())
        ],
        "variables": {
            name: dict(sorted(values.items())) if len(values) <= MAX_VALUES else len(values)
            for name, values in variables.items()
        },
        "codings": len(codings),
        "unusable": dict(Counter(codings["reason"].dropna())),
    }


def inspect_text(summary: dict) -> str:
    lines = [f"{summary['file']} ({summary['tool']}): {summary['codings']} codings"]
    lines.append(f"users ({len(summary['users'])}):")
    lines += [f"  {u['name']} [{u['guid']}]: {u['codings']} codings" for u in summary["users"]]
    lines.append(f"documents ({len(summary['documents'])}):")
    for d in summary["documents"]:
        size = "text missing" if d["characters"] is None else f"{d['characters']} characters"
        lines.append(f"  {d['order']:>3}. {d['name']}: {size}, {d['codings']} codings")
    lines.append(f"codes ({len(summary['codes'])}), codings per code:")
    for code in summary["codes"]:
        name = code["path"].split(CODE_SEPARATOR)[-1]
        lines.append(f"  {'  ' * code['depth']}{name}: {code['codings']}")
    lines.append("variables:" if summary["variables"] else "variables: none (roles from a roster)")
    for name, values in summary["variables"].items():
        if isinstance(values, int):
            lines.append(f"  {name}: {values} distinct values (not shown)")
        else:
            lines.append(f"  {name}: " + ", ".join(f"{v} ({n})" for v, n in values.items()))
    if summary["unusable"]:
        lines.append(f"unusable codings: {summary['unusable']}")
    return "\n".join(lines)


def match_theme(code_path: str) -> str | None:
    """The study theme a code's own name (its last level) says, if it says one clearly."""
    name = code_path.split(CODE_SEPARATOR)[-1].lower()
    for theme, words in THEME_WORDS:
        if re.search(rf"\b({words})\b", name):
            return theme
    return None


def match_role(word: str) -> str | None:
    for role, words in ROLE_WORDS:
        if re.search(rf"\b({words})\b", word.lower()):
            return role
    return None


def draft_mapping(export_path: str | Path, roster_path: str | Path | None = None) -> dict:
    """The mapping as drafted (TODO where undecided) and what the draft found."""
    summary = inspect_export(export_path)
    role_variable = next((n for n in summary["variables"] if "role" in n.lower()), None)
    words: list[str] = []
    roster = None
    if roster_path is not None:
        table = read_table(roster_path, sheet=None, config_key="--roster")
        columns = {f: _column(table.columns, f) for f in ("document", "participant", "role")}
        columns["order"] = _column(table.columns, "order")
        roster = {"path": str(roster_path), "columns": columns}
        if columns["role"] in table:
            words = sorted(table[columns["role"]].dropna().unique())
    elif role_variable and isinstance(summary["variables"][role_variable], dict):
        words = sorted(summary["variables"][role_variable])
    coders = [u for u in summary["users"] if u["codings"]]
    return {
        "export": {"path": str(export_path), "format": "qdpx", "role_variable": role_variable},
        "roster": roster,
        "roles": {str(w): match_role(str(w)) or TODO for w in words} or {"TODO": TODO},
        "coders": {u["name"]: f"coder_{chr(ord('a') + i)}" for i, u in enumerate(coders)},
        "codes": {c["path"]: match_theme(c["path"]) or TODO for c in summary["codes"]},
        "counts": {c["path"]: c["codings"] for c in summary["codes"]},
    }


def _column(columns, field: str) -> str:
    return next((c for c in columns if field in c.lower()), TODO)


def render_mapping(draft: dict, source: str) -> str:
    """The mapping file's YAML, with a comment beside each code (its codings) and each TODO."""
    out = [
        f"# Interview mapping drafted by `peermentor interviews draft` from {source}.",
        "# Replace every TODO (docs/interviews.md explains each key); a code mapped to null",
        "# is left unmapped on purpose and counted in the reconciliation.",
        "export:",
        *(f"  {k}: {_value(v)}" for k, v in draft["export"].items()),
    ]
    if draft["roster"]:
        out += ["roster:", f"  path: {scalar(draft['roster']['path'])}", "  columns:"]
        out += [f"    {k}: {scalar(v)}" for k, v in draft["roster"]["columns"].items()]
    elif draft["export"]["role_variable"]:
        out.append("roster: null  # the roles come from the export's variable")
    else:
        out += ["roster:  # TODO: the roster (document, participant, role)", "  path: TODO"]
    out.append("roles:")
    out += [f"  {scalar(w)}: {scalar(r)}" for w, r in draft["roles"].items()]
    out.append("coders:  # users with codings; remove any who is not a coder")
    out += [f"  {scalar(name)}: {label}" for name, label in draft["coders"].items()]
    out.append("themes:")
    for theme, label, kind, process in THEMES:
        parent = f", process: {process}" if process else ""
        out.append(f"  - {{id: {theme}, label: {scalar(label)}, kind: {kind}{parent}}}")
    out.append("codes:")
    for code, theme in draft["codes"].items():
        out.append(f"  {scalar(code)}: {theme}  # {draft['counts'][code]} codings")
    out.append("units: paragraphs")
    text = "\n".join(out) + "\n"
    yaml.safe_load(text)  # must be valid YAML whatever the names hold
    return text


def _value(value) -> str:
    return "null" if value is None else scalar(value)


def write_mapping(draft: dict, out: str | Path, *, source: str, force: bool) -> dict:
    out = Path(out)
    if out.exists() and not force:
        raise ConfigError(f"{out} already exists: not overwritten (use --force to replace it)")
    text = render_mapping(draft, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return {
        "file": str(out),
        "codes": len(draft["codes"]),
        "todos": _count_todos(yaml.safe_load(text)),
    }


def _count_todos(node) -> int:
    if isinstance(node, dict):
        return sum(_count_todos(k) + _count_todos(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(_count_todos(v) for v in node)
    return int(node == TODO)
