"""The interview strand's privacy check: what no public output may hold (docs/design.md section 11).

Three kinds of leak, searched in the text of every public output (CSV tables, HTML notebooks,
the SVG figures, whose text matplotlib keeps in comments even when glyphs are drawn as paths):

- ``transcript_text``: any run of ``run_length`` (8) consecutive words that also occurs in a
  transcript unit. Words are compared case-folded, after HTML entities are decoded, so markup
  and escaping do not hide a quote; a run inside a config-approved, de-identified quote is not
  a leak when its words no longer match the transcript (the names in it were replaced).
- ``name``: a configured name or place (``interviews.quotes.deidentify``), as a whole word.
- ``participant_id``: a raw participant id or raw document name from the roster, as a whole word.

A finding names the file, the line and the kind, and what was matched only by its index in the
configured list or by the transcript unit: the report of a leak must not repeat the leak.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

RUN_LENGTH = 8
_WORD = re.compile(r"\w+", re.UNICODE)
# Public outputs by folder of the results dir: (folder, glob pattern).
PUBLIC_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("tables", "**/*.csv"),
    ("models", "*.csv"),
    ("notebooks", "*.html"),
    ("figures", "*.svg"),
)


@dataclass(frozen=True)
class PrivacyFinding:
    """A piece of interview data found in a public output."""

    file: str
    line: int
    kind: str  # transcript_text | name | participant_id
    what: str  # which unit, configured name or roster row matched; never the text itself

    def as_row(self) -> dict:
        return {"file": self.file, "line": self.line, "kind": self.kind, "what": self.what}


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` (HTML entities decoded, as in a public output)."""
    return _folded_words(html.unescape(text))


def _folded_words(text: str) -> list[str]:
    """``[w.casefold() for w in _WORD.findall(text)]``, folded in one call: case folding maps
    each character on its own (no context) and maps none to or from a newline, so folding
    the words joined by newlines and splitting there gives the same list (the HTML of a run
    has some 200,000 words; one call instead of one per word)."""
    found = _WORD.findall(text)
    return "\n".join(found).casefold().split("\n") if found else []


def transcript_runs(
    units: Iterable[tuple[str, str]],
    run_length: int = RUN_LENGTH,
    approved: Iterable[str] = (),
) -> dict[tuple[str, ...], str]:
    """Every run of ``run_length`` words of the units, to the unit (label) it first occurs in.

    ``units``: (label, text) pairs, e.g. ("unit 3 of document 5f2c...", text). ``approved``:
    the config-approved quotes as the public report prints them (de-identified); their runs
    may appear in public.
    """
    runs: dict[tuple[str, ...], str] = {}
    for label, text in units:
        for run in _runs(words(text), run_length):
            runs.setdefault(run, label)
    for quote in approved:
        for run in _runs(words(quote), run_length):
            runs.pop(run, None)
    return runs


def _runs(tokens: list[str], run_length: int) -> Iterable[tuple[str, ...]]:
    return (tuple(tokens[i : i + run_length]) for i in range(len(tokens) - run_length + 1))


def find_leaks(
    outputs: Mapping[str, str],
    runs: Mapping[tuple[str, ...], str],
    *,
    names: Sequence[str] = (),
    raw_ids: Sequence[str] = (),
    run_length: int = RUN_LENGTH,
) -> list[PrivacyFinding]:
    """Transcript runs, configured names and raw ids found in ``outputs`` (file -> text).

    One finding per file, kind and matched item, at the line of its first occurrence. Runs
    are searched over the whole file, so a quote wrapped over lines is still found.
    """
    # One pass per kind over each file (a roster of 500 ids is one alternation, not 500 scans).
    lists = [
        ("name", "configured name or place", [str(n) for n in names]),
        ("participant_id", "roster identifier", [str(r) for r in raw_ids]),
    ]
    patterns = [(kind, label, items, _any_whole_word(items)) for kind, label, items in lists]
    # A run is looked up only where its first word is (about 1 word in 20 of an output).
    first_words = {run[0] for run in runs}
    findings: list[PrivacyFinding] = []
    for file, text in outputs.items():
        decoded = html.unescape(text)
        tokens = _folded_words(decoded)
        last = len(tokens) - run_length
        seen = set()
        starts = None  # where each word starts: found only for a file with a finding
        for i in [i for i, token in enumerate(tokens) if token in first_words]:
            if i > last:
                break
            label = runs.get(tuple(tokens[i : i + run_length]))
            if label is not None and label not in seen:
                seen.add(label)
                starts = starts or [m.start() for m in _WORD.finditer(decoded)]
                line = _line(decoded, starts[i])
                findings.append(PrivacyFinding(file, line, "transcript_text", label))
        for kind, label, items, pattern in patterns:
            findings += _listed(file, decoded, kind, label, items, pattern)
    return findings


def _listed(file, text, kind, label, items, pattern) -> list[PrivacyFinding]:
    """The first occurrence of each listed item in ``text``, by its position in the list."""
    if pattern is None:
        return []
    position = {_normal(item): i for i, item in reversed(list(enumerate(items)))}
    found: dict[int, PrivacyFinding] = {}
    for match in pattern.finditer(text):
        i = position[_normal(match.group())]
        if i not in found:
            found[i] = PrivacyFinding(file, _line(text, match.start()), kind, f"{label} #{i + 1}")
    return [found[i] for i in sorted(found)]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _any_whole_word(items: Sequence[str]) -> re.Pattern | None:
    """Any of ``items`` as a whole word or phrase, case-insensitive, any whitespace between
    words; longest first, so a name is not cut short by another it starts with."""
    bodies = sorted(
        {r"\s+".join(re.escape(part) for part in item.split()) for item in items if item.strip()},
        key=len,
        reverse=True,
    )
    if not bodies:
        return None
    # The lookahead only restates what the alternation needs (its first character, matched
    # as case-insensitively as the items are), so the matches are the same; it lets the
    # engine skip most positions without trying every item there (7 times faster on 60 ids).
    firsts = "".join(sorted({re.escape(item.strip()[0]) for item in items if item.strip()}))
    return re.compile(rf"(?<!\w)(?=[{firsts}])(?:{'|'.join(bodies)})(?!\w)", re.IGNORECASE)


def public_outputs(results_dir: Path, audit_only: Iterable[str] = ()) -> dict[str, str]:
    """The text of every public output under ``results_dir``, by path relative to it.

    ``audit_only``: file names (e.g. the coded segments with their text) that belong in the
    reviewers' report only and are not public.
    """
    skip = set(audit_only)
    outputs = {}
    for folder, pattern in PUBLIC_OUTPUTS:
        for path in sorted((Path(results_dir) / folder).glob(pattern)):
            if path.is_file() and path.name not in skip:
                key = path.relative_to(results_dir).as_posix()
                text = path.read_text(encoding="utf-8", errors="replace")
                outputs[key] = _EMBEDDED.sub("data:embedded", text)
    return outputs


# Figures embedded in HTML as base64: letters and digits by chance, not text anyone reads.
_EMBEDDED = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
