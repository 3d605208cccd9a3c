"""An export, its mapping and roster -> the canonical interview tables, quarantine, reconciliation.

Nothing is lost silently: every coding of the export ends up mapped to a theme, unmapped (its
tool code counted in the reconciliation), or in the quarantine with its reason; the
reconciliation checks codings in = mapped + unmapped + quarantined. Documents and participants
are pseudonymized here, with the study's salt; the coded text stays in interim tables only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from peermentor.errors import InputError
from peermentor.ingest.interviews.export import Document, Export, normalize_guid
from peermentor.ingest.interviews.units import split_units, unit_of, units_frame
from peermentor.ingest.pseudonymize import pseudonymize

ROLES = ["caseworker", "family_mentor", "supervisor"]
NAMESPACE = "interviews"
QUARANTINE_COLUMNS = [
    "coding_id",
    "document_id",
    "coder",
    "tool_code",
    "start",
    "end",
    "reason",
    "element",
]


@dataclass
class InterviewTables:
    documents: pd.DataFrame
    units: pd.DataFrame
    codings: pd.DataFrame
    themes: pd.DataFrame
    quarantine: pd.DataFrame
    reconciliation: pd.DataFrame


def canonical_tables(
    export: Export, mapping: dict, roster: pd.DataFrame | None, *, salt: bytes
) -> InterviewTables:
    people = _participants(export, mapping, roster)
    kept = [d for d in export.documents if d.key in people and d.text is not None]
    ids = _pseudonyms([d.name for d in export.documents], salt, "document_id")
    codings = _checked_codings(export, mapping, people, ids)
    usable = codings[codings["reason"].isna()]
    units = [units_frame(ids[d.name], d.text, mapping["units"]) for d in kept]
    unit_frame = pd.concat(units, ignore_index=True) if units else _empty_units()
    documents = _documents(kept, people, ids, unit_frame, usable, salt)
    order = dict(zip(documents["document_id"], documents["order"], strict=True))
    usable = usable.assign(_order=usable["document_id"].map(order)).sort_values(
        ["_order", "start", "end", "coder", "coding_id"], kind="stable"
    )
    kept_codings = usable[
        ["coding_id", "document_id", "coder", "tool_code", "theme", "start", "end", "unit", "text"]
    ].reset_index(drop=True)
    quarantine = codings[codings["reason"].notna()][QUARANTINE_COLUMNS].reset_index(drop=True)
    return InterviewTables(
        documents=documents,
        units=unit_frame,
        codings=kept_codings,
        themes=themes_table(mapping["themes"]),
        quarantine=quarantine,
        reconciliation=reconciliation(len(export.codings), kept_codings, quarantine, export, kept),
    )


def themes_table(themes: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": [t["id"] for t in themes],
            "process": [t.get("process") or t["id"] for t in themes],
            "label": [t["label"] for t in themes],
            "kind": [t["kind"] for t in themes],
            "order": range(1, len(themes) + 1),
        }
    )


def _pseudonyms(names: list[str], salt: bytes, kind: str) -> dict[str, str]:
    hashed = pseudonymize(pd.Series(names, dtype=object), salt=salt, kind=kind, namespace=NAMESPACE)
    return dict(zip(names, hashed, strict=True))


# --- Who was interviewed: roster, cases, or the document itself ---------------------------------


def _participants(export: Export, mapping: dict, roster: pd.DataFrame | None) -> dict[str, dict]:
    """Document key -> {participant, role, order} for every document that can be used."""
    roles, variable = mapping["roles"], mapping["export"].get("role_variable")
    rows = _roster_rows(export.documents, roster) if roster is not None else {}
    found, unknown = {}, []
    for document in export.documents:
        row = rows.get(document.key)
        if roster is not None and row is None:
            continue  # not in the roster: its codings are quarantined
        word = document.variables.get(variable) if variable else None
        if word is None and row is not None:
            word = row["role"]
        role = roles.get(str(word).strip().lower()) if word is not None else None
        if role is None:
            unknown.append((row["source_row"] if row is not None else document.order, word))
            continue
        found[document.key] = {
            "participant": (
                row["participant"] if row is not None else (document.case or document.name)
            ),
            "role": role,
            "order": row["order"] if row is not None else pd.NA,
        }
    if unknown:
        raise InputError(
            "role word(s) not in roles: each interview needs a role",
            file=mapping["roster"]["path"] if roster is not None else export.file,
            column="role" if roster is not None else variable,
            values=unknown,
            config_key="roles",
            hint="map each role word onto caseworker, family_mentor or supervisor",
        )
    return found


def _roster_rows(documents: list[Document], roster: pd.DataFrame) -> dict[str, pd.Series]:
    """Export document key -> its roster row; a roster row naming no document stops the run."""
    by_name: dict[str, str] = {}
    for document in documents:
        for name in _names(document.name):
            by_name.setdefault(name, document.key)
    rows, missing = {}, []
    for _, row in roster.iterrows():
        key = next((by_name[n] for n in _names(row["document"]) if n in by_name), None)
        if key is None:
            missing.append((row["source_row"], row["document"]))
        else:
            rows[key] = row
    if missing:
        raise InputError(
            f"the roster lists {len(missing)} document(s) that the export does not hold",
            column="document",
            values=missing,
            config_key="roster.path or export.path",
            hint="the roster's document must be the document's name in the QDA tool",
        )
    return rows


def _names(name: str) -> list[str]:
    """A document as a roster may name it: exactly, in any case, or without its extension."""
    text = " ".join(str(name).split()).lower()
    return [text, PurePosixPath(text).stem]


# --- Codings: reasons, coders, themes, units ----------------------------------------------------


def _checked_codings(export: Export, mapping: dict, people: dict, ids: dict) -> pd.DataFrame:
    coders = _coder_lookup(export.users, mapping["coders"])
    codes = mapping["codes"]
    documents = {d.key: d for d in export.documents}
    spans = {
        key: split_units(d.text, mapping["units"])
        for key, d in documents.items()
        if d.text is not None
    }
    frame = export.codings.copy()
    frame["document_id"] = [
        ids[documents[key].name] if key in documents else None for key in frame["document"]
    ]
    frame["coder"] = [coders.get(user) for user in frame["user"]]
    frame["theme"] = pd.array([codes.get(c) for c in frame["tool_code"]], dtype="string")
    reasons, units, texts = [], [], []
    for row in frame.itertuples(index=False):
        document = documents.get(row.document)
        reason = row.reason if isinstance(row.reason, str) else None
        if reason is None and document is None:
            reason = "missing_source"
        if reason is None and row.document not in people:
            reason = "document_not_in_roster"
        if reason is None and not isinstance(row.coder, str):
            reason = "unknown_coder"
        if reason is None and (row.start < 0 or row.end <= row.start):
            reason = "invalid_span"
        if reason is None and row.end > len(document.text):
            reason = "position_beyond_text"
        reasons.append(reason)
        ok = reason is None
        units.append(unit_of(spans[row.document], row.start) if ok else pd.NA)
        texts.append(document.text[row.start : row.end] if ok else None)
    frame["reason"] = pd.array(reasons, dtype="string")
    frame["unit"] = pd.array(units, dtype="Int64")
    frame["text"] = texts
    return frame


def _coder_lookup(users: dict[str, str], coders: dict[str, str]) -> dict[str, str]:
    """Export user key -> coder label; the config names a user by GUID (any form) or name."""
    wanted = {normalize_guid(str(k)): label for k, label in coders.items()}
    wanted |= {str(k).strip().lower(): label for k, label in coders.items()}
    lookup = {}
    for key, name in users.items():
        label = wanted.get(key) or wanted.get(str(name).strip().lower())
        if label:
            lookup[key] = label
    for key, label in wanted.items():  # tables name coders directly, without a Users list
        lookup.setdefault(key, label)
    return lookup


# --- Tables ------------------------------------------------------------------------------------


def _documents(kept, people, ids, units, codings, salt) -> pd.DataFrame:
    participants = _pseudonyms(
        sorted({str(people[d.key]["participant"]) for d in kept}), salt, "participant_id"
    )
    given = pd.array([people[d.key]["order"] for d in kept], dtype="Int64")
    sort_key = [
        (int(given[i]) if not pd.isna(given[i]) else d.order, d.order) for i, d in enumerate(kept)
    ]
    ranked = sorted(range(len(kept)), key=lambda i: sort_key[i])
    rank = {kept[i].key: r for r, i in enumerate(ranked, start=1)}
    n_units = units.groupby("document_id").size()
    coders = codings.groupby("document_id")["coder"].nunique()
    frame = pd.DataFrame(
        {
            "document_id": [ids[d.name] for d in kept],
            "participant_id": [participants[str(people[d.key]["participant"])] for d in kept],
            "role": pd.Categorical([people[d.key]["role"] for d in kept], categories=ROLES),
            "order": [rank[d.key] for d in kept],
        }
    )
    frame["n_units"] = frame["document_id"].map(n_units).fillna(0).astype(int)
    frame["double_coded"] = frame["document_id"].map(coders).fillna(0).astype(int) >= 2
    return frame.sort_values("order").reset_index(drop=True)


def _empty_units() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in ["document_id", "unit", "start", "end", "text"]})


def reconciliation(n_in, codings, quarantine, export: Export, kept) -> pd.DataFrame:
    """codings in = mapped + unmapped + quarantined; per tool code, per reason; documents."""
    mapped = codings[codings["theme"].notna()]
    unmapped = codings[codings["theme"].isna()]
    rows = [
        ("documents", "in", pd.NA, len(export.documents)),
        ("documents", "kept", pd.NA, len(kept)),
        ("codings", "in", pd.NA, n_in),
        ("codings", "mapped", pd.NA, len(mapped)),
        ("codings", "unmapped", pd.NA, len(unmapped)),
        ("codings", "quarantined", pd.NA, len(quarantine)),
    ]
    for (code, theme), n in mapped.groupby(["tool_code", "theme"]).size().items():
        rows.append(("mapped", code, theme, n))
    for code, n in unmapped.groupby("tool_code").size().items():
        rows.append(("unmapped", code, pd.NA, n))
    for reason, n in quarantine.groupby("reason").size().items():
        rows.append(("quarantined", reason, pd.NA, n))
    if n_in != len(mapped) + len(unmapped) + len(quarantine):  # a bug, never the data's fault
        raise AssertionError("interview codings do not reconcile")
    return pd.DataFrame(rows, columns=["kind", "item", "theme", "codings"])
