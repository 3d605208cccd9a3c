"""The demo's coded-interview study, calibrated to Sears et al. (2017), with its truth.

22 phone interviews (9 caseworkers, 9 family mentors, 4 START supervisors) coded by two coders;
12 transcripts double-coded, with pooled document-level Cohen's kappa near .90 over the study's
13 theme codes. Each process is present in most interviews at rates that differ by role; the
supervision theme comes mostly from supervisors. Written as a REFI-QDA project (``refi``) with a
roster CSV beside it; the truth file holds, per document, the planted presence per coder and
theme and the coded units, so every published number can be recomputed independently.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from peermentor.demo.interview_text import DATES, NAMES, PHONES, PLACES, paragraph
from peermentor.demo.refi import Guids, project_xml, write_qdpx

ROLES = {"caseworker": 9, "family_mentor": 9, "supervisor": 4}
ROLE_WORDS = {"caseworker": "Caseworker", "family_mentor": "Family mentor",
              "supervisor": "START supervisor"}  # fmt: skip
PREFIX = {"caseworker": "CW", "family_mentor": "FM", "supervisor": "SUP"}
DOUBLE_CODED = {"caseworker": 5, "family_mentor": 5, "supervisor": 2}
CODERS = {"coder_a": "Coder A", "coder_b": "Coder B"}
TARGET_KAPPA = 0.90

# Tool code path -> theme id (None: a code the mapping leaves unmapped on purpose).
CODES = {
    "Common vision": "common_vision",
    "Common vision::Child safety first": "child_safety_first",
    "Working relationships": "working_relationships",
    "Working relationships::Refining roles": "refining_roles",
    "Working relationships::Building trust": "building_trust",
    "Open-minded learning": "open_minded_learning",
    "Open-minded learning::Valuing knowledge": "valuing_knowledge",
    "Open-minded learning::Gaining skills": "gaining_skills",
    "Open-minded learning::Sharing the role": "sharing_the_role",
    "Partnership benefits": "partnership_benefits",
    "Partnership benefits::Family engagement": "family_engagement",
    "Partnership benefits::Empathy for families": "empathy_for_families",
    "Supervision": "supervision",
    "Interview logistics": None,
}
THEME_CODE = {theme: code for code, theme in CODES.items() if theme}
PROCESS_OF = {
    "child_safety_first": "common_vision",
    "refining_roles": "working_relationships",
    "building_trust": "working_relationships",
    "valuing_knowledge": "open_minded_learning",
    "gaining_skills": "open_minded_learning",
    "sharing_the_role": "open_minded_learning",
    "family_engagement": "partnership_benefits",
    "empathy_for_families": "partnership_benefits",
}
# Chance that a coder codes a theme in an interview, by role (caseworker, mentor, supervisor).
RATES = {
    "common_vision": (0.6, 0.55, 0.5),
    "child_safety_first": (0.8, 0.5, 0.75),
    "working_relationships": (0.5, 0.55, 0.5),
    "refining_roles": (0.6, 0.55, 0.5),
    "building_trust": (0.65, 0.75, 0.5),
    "open_minded_learning": (0.45, 0.5, 0.5),
    "valuing_knowledge": (0.6, 0.65, 0.5),
    "gaining_skills": (0.55, 0.45, 0.25),
    "sharing_the_role": (0.5, 0.5, 0.25),
    "partnership_benefits": (0.45, 0.4, 0.5),
    "family_engagement": (0.75, 0.6, 0.75),
    "empathy_for_families": (0.65, 0.35, 0.5),
    "supervision": (0.2, 0.25, 1.0),
}
THEMES = list(RATES)


def build_interviews(
    *, seed: int, qdpx_path: str | Path, roster_path: str | Path, truth_path: str | Path
) -> dict:
    """Write the .qdpx, the roster and the truth; returns the truth."""
    rng = random.Random(seed)
    documents = _plan(rng)
    for document in documents:
        _write_text(document, rng)
        document["coded"] = {"coder_a": _coded_by_a(document)}
    _second_coder(documents, rng)
    guids = Guids(seed)
    project, texts = _project(documents, guids)
    write_qdpx(qdpx_path, project, texts)
    _write_roster(documents, roster_path)
    truth = _truth(documents)
    Path(truth_path).parent.mkdir(parents=True, exist_ok=True)
    Path(truth_path).write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    return truth


def _plan(rng: random.Random) -> list[dict]:
    """Roles in interview order, participants, which transcripts both coders code."""
    roles = [role for role, n in ROLES.items() for _ in range(n)]
    rng.shuffle(roles)
    counters = dict.fromkeys(ROLES, 0)
    double = {role: rng.sample(range(n), DOUBLE_CODED[role]) for role, n in ROLES.items()}
    documents = []
    for order, role in enumerate(roles, start=1):
        index = counters[role]
        counters[role] += 1
        documents.append(
            {
                "document": f"Interview {order:02d}",
                "participant": f"{PREFIX[role]}-{index + 1:02d}",
                "role": role,
                "order": order,
                "double_coded": index in double[role],
            }
        )
    return documents


def _write_text(document: dict, rng: random.Random) -> None:
    """Paragraphs: logistics first, then one or two per planted theme and some filler, shuffled."""
    column = list(ROLES).index(document["role"])
    planted = [t for t in THEMES if rng.random() < RATES[t][column]]
    body = [t for t in planted for _ in range(1 + (rng.random() < 0.3))]
    body += [None] * rng.randint(3, 6)
    rng.shuffle(body)
    topics = ["logistics", *body]
    paragraphs, identifiers = [], []
    for topic in topics:
        text, found = paragraph(rng, topic, identifying=rng.random() < 0.15)
        paragraphs.append(text)
        if found:
            identifiers.append(found)
    document["text"] = "\n\n".join(paragraphs) + "\n"
    document["topics"] = topics
    document["identifiers"] = identifiers
    starts, position = [], 0
    for text in paragraphs:
        starts.append((position, position + len(text)))
        position += len(text) + 2
    document["spans"] = starts


def _coded_by_a(document: dict) -> dict[str, list[int]]:
    """Coder A codes every paragraph about a theme (and the logistics paragraph, unmapped)."""
    coded: dict[str, list[int]] = {}
    for unit, topic in enumerate(document["topics"], start=1):
        if topic:
            coded.setdefault(topic, []).append(unit)
    return coded


def _second_coder(documents: list[dict], rng: random.Random) -> None:
    """Coder B agrees with A except on flipped (document, theme) pairs, chosen so that pooled
    document-level kappa over the 13 themes of the double-coded transcripts is nearest .90."""
    double = [d for d in documents if d["double_coded"]]
    pairs = [(i, t) for i in range(len(double)) for t in THEMES]
    rng.shuffle(pairs)
    a = [t in double[i]["coded"]["coder_a"] for i, t in pairs]
    best = min(range(len(pairs) // 4), key=lambda k: abs(_kappa(a, _flip(a, k)) - TARGET_KAPPA))
    flipped = set(pairs[:best])
    for i, document in enumerate(double):
        b = {t: list(u) for t, u in document["coded"]["coder_a"].items() if t == "logistics"}
        fillers = [u for u, topic in enumerate(document["topics"], start=1) if topic is None]
        for theme in THEMES:
            units = document["coded"]["coder_a"].get(theme)
            if (i, theme) in flipped:
                if not units:  # B sees the theme in a paragraph A left uncoded
                    b[theme] = [rng.choice(fillers)]
            elif units:
                extra = rng.random() < 0.1 and fillers  # B also codes a neighbouring paragraph
                b[theme] = sorted({*units, rng.choice(fillers)}) if extra else list(units)
        document["coded"]["coder_b"] = b
    documents_kappa = _kappa(a, _flip(a, best))
    for document in documents:
        document["kappa"] = round(documents_kappa, 6)


def _flip(values: list[bool], k: int) -> list[bool]:
    return [not v if i < k else v for i, v in enumerate(values)]


def _kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected)


def _project(documents: list[dict], guids: Guids) -> tuple[bytes, dict[str, str]]:
    users = {guid: name for guid, name in zip([guids(), guids()], CODERS.values(), strict=True)}
    user_of = dict(zip(CODERS, users, strict=True))
    code_guids = {path: guids() for path in CODES}
    tree: dict[str, dict] = {}
    for path in CODES:
        node = tree
        for level in path.split("::"):
            node = node.setdefault(level, {})
    code_of = {(t or "logistics"): code_guids[p] for p, t in CODES.items()}
    sources, cases, texts = [], [], {}
    for document in documents:
        guid = guids()
        selections = []
        for coder, coded in document["coded"].items():
            for theme, units in sorted(coded.items()):
                for unit in units:
                    start, end = document["spans"][unit - 1]
                    selections.append(
                        {
                            "guid": guids(),
                            "start": start,
                            "end": end,
                            "coding_guid": guids(),
                            "user": user_of[coder],
                            "code_guid": code_of[theme],
                        }
                    )
        sources.append({"guid": guid, "name": document["document"], "selections": selections})
        cases.append({"guid": guids(), "name": document["participant"], "sources": [guid]})
        texts[guid] = document["text"]
    xml = project_xml(
        users=users, code_tree=tree, code_guids=code_guids, sources=sources, cases=cases
    )
    return xml, texts


def _write_roster(documents: list[dict], path: str | Path) -> None:
    lines = ["document,participant,role,order"]
    for d in documents:
        lines.append(f"{d['document']},{d['participant']},{ROLE_WORDS[d['role']]},{d['order']}")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _truth(documents: list[dict]) -> dict:
    out = []
    for d in documents:
        coded = {
            coder: {t: sorted(units) for t, units in c.items() if t in RATES}
            for coder, c in d["coded"].items()
        }
        present = {
            coder: {t: t in c or any(PROCESS_OF.get(s) == t for s in c) for t in THEMES}
            for coder, c in coded.items()
        }
        out.append(
            {
                "document": d["document"],
                "participant": d["participant"],
                "role": d["role"],
                "order": d["order"],
                "double_coded": d["double_coded"],
                "n_units": len(d["spans"]),
                "coded": {coder: {t: t in c for t in THEMES} for coder, c in coded.items()},
                "present": present,
                "units": coded,
                "unmapped_codings": {
                    coder: len(c.get("logistics", [])) for coder, c in d["coded"].items()
                },
                "identifiers": d["identifiers"],
            }
        )
    return {
        "study": "Sears et al. (2017) partnership interviews, synthetic",
        "n_documents": len(out),
        "roles": dict(ROLES),
        "n_double_coded": sum(d["double_coded"] for d in out),
        "coders": list(CODERS),
        "themes": THEMES,
        "process_of": PROCESS_OF,
        "pooled_kappa_document": documents[0]["kappa"],
        "kappa_note": "Cohen's kappa pooled over (double-coded document, theme) pairs of the "
        "13 theme codes as coded (a process is not rolled up from its subthemes here)",
        "codes": {path: theme for path, theme in CODES.items()},
        "names": NAMES,
        "places": PLACES,
        "phones": PHONES,
        "dates": DATES,
        "documents": out,
    }
