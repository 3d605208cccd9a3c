"""Prevalence of each theme by role, co-occurrence of themes within interviews, saturation.

All three read the presence table (``theme_presence``: document_id, theme, present) after the
configured presence rule, so every number here counts interviews, never codings.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

ROLES: tuple[str, ...] = ("caseworker", "family_mentor", "supervisor")
ALL_ROLES = "all"  # the row over every interview
PREVALENCE_COLUMNS: list[str] = [
    "theme",
    "label",
    "kind",
    "role",
    "n_interviews",
    "n_present",
    "share",
]
COOCCURRENCE_COLUMNS: list[str] = [
    "theme_a",
    "theme_b",
    "n_a",
    "n_b",
    "n_both",
    "n_either",
    "jaccard",
]
SATURATION_COLUMNS: list[str] = [
    "order",
    "document_id",
    "n_themes_present",
    "n_new_themes",
    "new_themes",
    "n_themes_cumulative",
]


def prevalence_by_role(
    presence: pd.DataFrame, documents: pd.DataFrame, themes: pd.DataFrame
) -> pd.DataFrame:
    """Per theme (display order) and role (all, then caseworker, family_mentor, supervisor):
    interviews in the role, interviews with the theme present, their share.

    A role without interviews has n_interviews 0 and an empty (NaN) share.
    """
    roles = documents[["document_id", "role"]].astype(str)
    table = presence.assign(document_id=presence["document_id"].astype(str)).merge(
        roles, on="document_id", how="inner"
    )
    both = pd.concat([table, table.assign(role=ALL_ROLES)], ignore_index=True)
    counts = both.groupby(["theme", "role"])["present"].sum()
    sizes = pd.concat([roles["role"], pd.Series([ALL_ROLES] * len(roles))]).value_counts()
    rows = []
    for t in themes.sort_values("order", kind="stable").itertuples(index=False):
        for role in (ALL_ROLES, *ROLES):
            n = int(sizes.get(role, 0))
            k = int(counts.get((t.theme, role), 0))
            rows.append([t.theme, t.label, t.kind, role, n, k, k / n if n else np.nan])
    return pd.DataFrame(rows, columns=PREVALENCE_COLUMNS)


def theme_cooccurrence(presence: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Every pair of themes (display order): interviews with each, with both, with either,
    and the Jaccard index n_both / n_either (NaN when neither theme occurs)."""
    wide = presence.pivot_table(
        index="document_id", columns="theme", values="present", aggfunc="max"
    )
    ordered = [str(t) for t in themes.sort_values("order", kind="stable")["theme"]]
    wide = wide.reindex(columns=ordered).eq(True)
    rows = []
    for a, b in combinations(ordered, 2):
        n_both = int((wide[a] & wide[b]).sum())
        n_either = int((wide[a] | wide[b]).sum())
        jaccard = n_both / n_either if n_either else np.nan
        rows.append([a, b, int(wide[a].sum()), int(wide[b].sum()), n_both, n_either, jaccard])
    return pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)


def theme_saturation(
    presence: pd.DataFrame, documents: pd.DataFrame, themes: pd.DataFrame
) -> pd.DataFrame:
    """Interviews in interview order (``documents.order``): themes present, themes not seen in
    any earlier interview (count and ids in display order, ';'-joined) and themes so far."""
    theme_order = dict(zip(themes["theme"].astype(str), themes["order"], strict=True))
    present = presence[presence["present"].astype(bool)]
    by_doc = present.groupby(present["document_id"].astype(str))["theme"].agg(
        lambda s: sorted(set(map(str, s)), key=theme_order.__getitem__)
    )
    seen: set[str] = set()
    rows = []
    docs = documents.assign(document_id=documents["document_id"].astype(str))
    for doc in docs.sort_values(["order", "document_id"], kind="stable").itertuples(index=False):
        found = by_doc.get(doc.document_id, [])
        new = [t for t in found if t not in seen]
        seen.update(new)
        rows.append([int(doc.order), doc.document_id, len(found), len(new), ";".join(new),
                     len(seen)])  # fmt: skip
    return pd.DataFrame(rows, columns=SATURATION_COLUMNS)
