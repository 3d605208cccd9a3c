"""The study's vocabulary: words that name contract columns and canonical values in exports.

Agencies name the same thing many ways (``FAM_NO``, ``Case Number``, ``FamilyID``;
``Reunified``, ``Intact``, ``U``). The draft matches export names and codes against
these word lists. A guess is only made when exactly one contract column or canonical
value fits; anything else is left as a TODO for the data team.
"""

from __future__ import annotations

import re

from peermentor import contract

ID_WORDS = frozenset({"id", "no", "nr", "number", "num", "key", "code", "ref", "identifier"})
DATE_WORDS = frozenset({"date", "dt", "on", "ts", "time", "timestamp", "day", "when", "at"})
MENTOR_WORDS = frozenset({"mentor", "fm", "employee", "emp", "staff", "worker", "peer"})
FAMILY_WORDS = frozenset({"family", "fam", "case", "household", "hh", "client"})
OPEN_WORDS = frozenset(
    {"open", "opened", "opening", "start", "started", "referral", "referred", "intake"}
    | {"admission", "admitted", "enrolled", "enrollment", "begin", "began"}
)
CLOSE_WORDS = frozenset(
    {"close", "closed", "closing", "closure", "end", "ended", "discharge", "discharged"}
)

# (table, contract column) -> (strong words, weak words). A name needs a strong word to match.
COLUMN_WORDS: dict[tuple[str, str], tuple[frozenset, frozenset]] = {
    ("families", "family_id"): (FAMILY_WORDS, ID_WORDS),
    ("families", "mentor_id"): (MENTOR_WORDS, ID_WORDS),
    ("families", "case_open_date"): (OPEN_WORDS, DATE_WORDS | {"case"}),
    ("families", "case_close_date"): (CLOSE_WORDS, DATE_WORDS | {"case"}),
    ("families", "outcome_at_closure"): (
        frozenset({"outcome", "disposition", "result", "reunified", "reunification"}),
        frozenset({"status", "close", "closure", "closing", "case", "placement"}),
    ),
    ("families", "n_children"): (
        frozenset({"children", "child", "kids", "kid", "minors"}),
        frozenset({"n", "num", "number", "count", "no", "nr", "total", "of"}),
    ),
    ("contacts", "contact_id"): (
        frozenset({"contact", "log", "visit", "encounter", "entry", "event", "session"}),
        ID_WORDS,
    ),
    ("contacts", "family_id"): (FAMILY_WORDS, ID_WORDS),
    ("contacts", "mentor_id"): (MENTOR_WORDS, ID_WORDS),
    ("contacts", "contact_date"): (DATE_WORDS, frozenset({"contact", "visit", "service"})),
    ("contacts", "duration_minutes"): (
        frozenset({"minutes", "mins", "min", "hours", "hrs", "hr", "hour", "duration"}),
        frozenset({"length", "time", "spent", "units"}),
    ),
    ("contacts", "mode"): (
        frozenset({"mode", "type", "method", "channel", "medium", "modality", "kind"}),
        frozenset({"contact", "visit"}),
    ),
    ("contacts", "with_parent"): (
        frozenset({"parent", "parents", "caregiver", "mother", "father", "adult"}),
        frozenset({"with", "present", "yn", "flag", "seen"}),
    ),
    ("contacts", "with_children"): (
        frozenset({"children", "child", "kids", "kid", "youth", "minors"}),
        frozenset({"with", "present", "yn", "flag", "seen"}),
    ),
    ("contacts", "collateral"): (
        frozenset({"collateral", "behalf", "onbehalf", "collat"}),
        frozenset({"yn", "flag", "on"}),
    ),
    ("contacts", "status"): (
        frozenset({"status", "result", "outcome", "attendance", "attended", "disposition"}),
        frozenset({"contact", "visit"}),
    ),
    ("mentors", "mentor_id"): (MENTOR_WORDS, ID_WORDS),
    ("mentors", "hire_date"): (
        frozenset({"hire", "hired", "hiring", "start", "started", "employed", "joined"}),
        DATE_WORDS,
    ),
    ("mentors", "end_date"): (
        frozenset({"end", "ended", "term", "terminated", "termination", "left", "leave"})
        | {"separation", "separated", "exit", "exited", "quit"},
        DATE_WORDS,
    ),
    ("mentors", "exit_reason"): (
        frozenset({"reason", "exit", "separation", "termination", "leaving"}),
        frozenset({"status", "code", "why", "term"}),
    ),
}

OWN_ID = {"families": "family_id", "contacts": "contact_id", "mentors": "mentor_id"}

# Words for the site mapping's other keys: code-list columns, the site of a shared file,
# a county code, and columns that hold free text or names (never printed, never read).
ACTIVITY_COLUMN_WORDS = frozenset({"service", "services", "activity", "activities", "act", "codes"})
SITE_WORDS = frozenset({"site", "program", "office", "region", "location", "agency", "branch"})
COUNTY_WORDS = frozenset({"county", "fips", "cnty", "rucc"})
FREE_TEXT_WORDS = frozenset(
    {"name", "nm", "note", "notes", "comment", "comments", "remark", "remarks", "narrative"}
    | {"description", "memo", "text", "caregiver", "address", "details", "summary"}
)
TABLE_WORDS: dict[str, frozenset] = {
    "families": frozenset({"family", "families", "case", "cases", "household", "households"}),
    "contacts": frozenset({"contact", "contacts", "log", "visits", "encounters", "services"}),
    "mentors": frozenset({"mentor", "mentors", "staff", "hr", "employees", "roster"}),
}

# Canonical values: keywords (any one identifies it) and phrases (the whole value).
VALUE_WORDS: dict[str, dict[str, frozenset]] = {
    "mode": {
        "face_to_face": frozenset({"face", "person", "f2f", "inperson", "ftf", "visit"}),
        "phone": frozenset({"phone", "telephone", "call", "tel", "phoned"}),
        "text_or_email": frozenset({"text", "email", "sms", "txt", "electronic", "texted"}),
        "other": frozenset({"other", "misc", "miscellaneous"}),
    },
    "status": {
        "completed": frozenset({"completed", "complete", "done", "attended", "held", "kept"}),
        "no_show": frozenset({"noshow", "missed", "absent"}),
        "refused": frozenset({"refused", "refusal", "declined", "refuse"}),
    },
    "outcome_at_closure": {
        "unified": frozenset(
            {"unified", "reunified", "reunification", "intact", "together", "reunited"}
        ),
        "separated": frozenset(
            {"separated", "separation", "removed", "removal", "placed", "placement", "foster"}
        ),
    },
    "exit_reason": {
        "still_employed": frozenset({"active", "employed", "current", "still", "ongoing"}),
        "promoted": frozenset({"promoted", "promotion"}),
        "left_for_advancement": frozenset({"career", "advancement", "advanced", "opportunity"}),
        "relapse": frozenset({"relapse", "relapsed"}),
        "boundary_violation": frozenset({"boundary", "boundaries"}),
        "policy_violation": frozenset({"policy"}),
        "other_exit": frozenset({"other", "misc"}),
    },
    "activities": {
        "recovery_coaching": frozenset({"recovery", "sobriety", "substance"}),
        "daily_living_coaching": frozenset({"daily", "living", "life", "skills", "household"}),
        "transportation": frozenset({"transportation", "transport", "ride", "rides", "travel"}),
        "resource_linkage": frozenset({"resource", "resources", "linkage", "link", "referral"}),
        "advocacy": frozenset({"advocacy", "advocate"}),
        "crisis_support": frozenset({"crisis", "emergency"}),
        "other": frozenset({"other", "misc"}),
    },
}
PHRASES: dict[str, dict[str, str]] = {
    "status": {"no show": "no_show", "did not attend": "no_show", "dna": "no_show"},
    "mode": {"in person": "face_to_face", "face to face": "face_to_face"},
}
NEGATIONS = frozenset({"not", "no", "non", "never", "without"})
CANONICAL: dict[str, tuple[str, ...]] = {
    "mode": contract.MODES,
    "status": contract.STATUSES,
    "outcome_at_closure": contract.OUTCOMES,
    "exit_reason": contract.EXIT_REASONS,
    "activities": contract.ACTIVITY_CODES,
}


def name_tokens(name: str) -> list[str]:
    """Words of an export column name: ``FamilyID`` -> family, id; ``CLOSE_DT`` -> close, dt."""
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", str(name))
    return [p.lower() for p in parts]


def value_tokens(value: str) -> list[str]:
    """Words of a code as written: ``Face-to-face`` -> face, to, face; ``F2F`` -> f2f."""
    return re.findall(r"[a-z0-9]+", str(value).lower())


def name_score(table: str, canonical: str, export_name: str) -> float:
    """How well an export column's name says it is ``table.canonical`` (0: not at all)."""
    words = name_tokens(export_name)
    if "".join(words) == canonical.replace("_", ""):
        return 10.0
    if words and set(words) <= ID_WORDS and OWN_ID.get(table) == canonical:
        return 4.0  # a bare "Id" or "Key" column identifies the table's own rows
    strong, weak = COLUMN_WORDS[(table, canonical)]
    hits = sum(3.0 for w in words if w in strong)
    if not hits:
        return 0.0
    return hits + sum(1.0 for w in words if w in weak)


def has_word(export_name: str, words: frozenset) -> bool:
    return any(w in words for w in name_tokens(export_name))


def guess_value(value: str, field: str) -> tuple[str | None, str]:
    """The canonical value an export code most likely means, and how it was recognised.

    ``how`` is ``canonical`` (already the contract's value), ``spelling`` (the canonical
    value written with other case or separators), ``word`` (a keyword or a phrase of exactly
    one canonical value: the draft marks it for a check), ``abbreviation`` (initials or a prefix of
    exactly one: worth a look), or ``unknown`` (no single answer: the draft writes TODO).
    """
    canonical = CANONICAL[field]
    if value in canonical:
        return value, "canonical"
    words = value_tokens(value)
    joined = "_".join(words)
    if joined in canonical:  # No-show, Face to face: the canonical value, written otherwise
        return joined, "spelling"
    phrase = PHRASES.get(field, {}).get(" ".join(words))
    if phrase:
        return phrase, "word"
    if NEGATIONS & set(words):  # "not reunified" must never become "unified"
        return None, "unknown"
    by_word = _unique(c for c, kw in VALUE_WORDS[field].items() if kw & set(words))
    if by_word:
        return by_word, "word"
    if len(words) == 1 and len(words[0]) <= 4:
        by_abbreviation = _abbreviation(words[0], field)
        if by_abbreviation:
            return by_abbreviation, "abbreviation"
    return None, "unknown"


def _abbreviation(code: str, field: str) -> str | None:
    """Initials (``RC`` recovery coaching) or a prefix (``PH`` phone); else a contraction
    (``TXT`` text). Only an abbreviation that fits exactly one canonical value counts."""
    fits = []
    for canonical, keywords in VALUE_WORDS[field].items():
        label = canonical.split("_")
        initials = {"".join(w[0] for w in label[:k]) for k in range(2, len(label) + 1)}
        if code in initials or any(k.startswith(code) for k in (*keywords, *label)):
            fits.append(canonical)
    if not fits:
        fits = [c for c, kw in VALUE_WORDS[field].items() if any(_contracts(code, k) for k in kw)]
    return _unique(fits)


def _contracts(code: str, word: str) -> bool:
    """``txt`` contracts ``text``: same first letter, letters in order."""
    if not word.startswith(code[0]):
        return False
    rest = iter(word)
    return all(ch in rest for ch in code)


def _unique(candidates) -> str | None:
    found = set(candidates)
    return found.pop() if len(found) == 1 else None
