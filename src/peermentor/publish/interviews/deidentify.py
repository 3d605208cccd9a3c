"""De-identification of interview quotes: configured names and places, then patterns.

Rule-based on purpose: a named-entity model would have to be downloaded at run time, which the
data environment forbids, and its misses could not be audited. What is replaced, by a tag:

- e-mail addresses ``[email]``; street addresses and P.O. boxes ``[address]``;
- phone numbers ``[phone]`` (North American forms: (502) 555-0123, 502-555-0123,
  502.555.0123, +1 502 555 0123, 555-0123);
- dates ``[date]``: 3/14/2016, 2016-03-14, 14.3.16, March 14(th)(, 2016), 14 March 2016,
  March 2016 (month names capitalized, so "may" the verb is left alone);
- the configured names ``[name]`` and places ``[place]``: whole words only, case-insensitive,
  any run of blanks between the words of a multi-word entry, the longest entry first ("Al"
  is replaced in "Al's" but not inside "also" or "Alma").

The patterns run before the names, so a name inside an e-mail address goes with the address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TAGS: tuple[str, ...] = ("email", "address", "phone", "date", "name", "place")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Way|Place|Pl"
    r"|Pike|Highway|Hwy|Circle|Cir|Parkway|Pkwy|Terrace|Trail|Row|Square|Sq)\b\.?"
)

#: (tag, pattern) in the order they are applied.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "address",
        re.compile(
            rf"(?<!\w)\d{{1,6}}\s+(?:[A-Z0-9][\w'-]*\.?\s+){{1,4}}{_STREET_SUFFIX}"
            r"|(?<!\w)P\.?\s?O\.?\s+Box\s+\d+(?!\w)",
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
            r"|(?<![\w-])\d{3}-\d{4}(?![\w-])"
        ),
    ),
    (
        "date",
        re.compile(
            r"(?<![\w/.-])\d{4}-\d{1,2}-\d{1,2}(?![\w/-])"
            r"|(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/-])"
            rf"|(?<!\w){_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?(?!\w)"
            rf"|(?<!\w){_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?(?!\w)"
            rf"|(?<!\w){_MONTH}\s+\d{{4}}(?!\w)"
        ),
    ),
)


def tag(kind: str) -> str:
    """The bracketed replacement of one kind of identifier, e.g. "[name]"."""
    return f"[{kind}]"


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()


def term_pattern(
    names: Iterable[str], places: Iterable[str]
) -> tuple[re.Pattern[str] | None, dict]:
    """One whole-word, case-insensitive pattern of every configured term, longest first, and
    each term's tag (a term in both lists is a name)."""
    kinds: dict[str, str] = {}
    for kind, terms in (("place", places), ("name", names)):  # names last: they win
        for term in terms:
            if term and term.strip():
                kinds[_key(term)] = kind
    if not kinds:
        return None, kinds
    alternatives = [r"\s+".join(map(re.escape, k.split())) for k in kinds]
    alternatives.sort(key=len, reverse=True)
    # Not inside a word, and not the inside of a tag already written ("[name]").
    body = "|".join(alternatives)
    return re.compile(rf"(?<![\w\[])(?:{body})(?![\w\]])", re.IGNORECASE), kinds


def deidentify(text: str, *, names: Iterable[str] = (), places: Iterable[str] = ()) -> str:
    """``text`` with e-mails, addresses, phones, dates, then configured names and places
    replaced by their tags (module docstring)."""
    for kind, pattern in PATTERNS:
        text = pattern.sub(tag(kind), text)
    pattern, kinds = term_pattern(names, places)
    if pattern is None:
        return text
    # A match the casefold does not map back (rare Unicode case rules) is still a name.
    return pattern.sub(lambda m: tag(kinds.get(_key(m.group(0)), "name")), text)
