"""Theme presence: per coder and per interview, with the processes rolled up from their subthemes.

A theme is present for a coder in an interview when the coder applied it at least once; a
process is present when the process code or any of its subthemes is (the contract's rule, so
"sharing a common vision" counts an interview coded only with "child safety first"). Unmapped
codings (theme <NA>) count for no theme. An interview coded by several coders gets one
presence by ``presence_rule``:

- ``any_coder``: present when any of its coders found the theme (the union);
- ``all_coders``: present when every one of its coders did (the intersection);
- ``primary_coder``: the primary coder's presence; an interview the primary coder did not
  code keeps the union of the coders who did.

The coders of an interview are those with at least one coding in it (mapped or not), so a
coder who coded a transcript and found no study theme still counts, with every theme absent.
"""

from __future__ import annotations

import pandas as pd

from peermentor.errors import InputError

PRESENCE_RULES: tuple[str, ...] = ("any_coder", "all_coders", "primary_coder")
PRESENCE_COLUMNS: list[str] = ["document_id", "theme", "present"]
CODER_PRESENCE_COLUMNS: list[str] = ["document_id", "coder", "theme", "present"]


def theme_ancestors(themes: pd.DataFrame, roll_up: bool = True) -> pd.DataFrame:
    """Pairs (theme, counts_for): a coding with ``theme`` makes ``counts_for`` present.

    Every theme counts for itself, and (``roll_up``) a subtheme also for its process.
    """
    own = pd.DataFrame({"theme": themes["theme"], "counts_for": themes["theme"]})
    if not roll_up:
        return own.astype(str)
    sub = themes[themes["process"] != themes["theme"]]
    up = pd.DataFrame({"theme": sub["theme"], "counts_for": sub["process"]})
    return pd.concat([own, up], ignore_index=True).astype(str).drop_duplicates()


def check_themes(codings: pd.DataFrame, themes: pd.DataFrame, table: str = "codings") -> None:
    """Stop when a coding names a theme the themes table does not hold."""
    known = set(themes["theme"].astype(str))
    mapped = codings["theme"].dropna().astype(str)
    unknown = sorted(set(mapped) - known)
    if unknown:
        raise InputError(
            f"codings name themes that are not in the themes table: {unknown}",
            table=table,
            column="theme",
            config_key="themes and codes of the interview mapping file (interviews.mapping)",
        )


def coder_presence(
    codings: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    roll_up: bool = True,
) -> pd.DataFrame:
    """One row per (interview, coder of it, theme): present (bool), processes rolled up from
    their subthemes unless ``roll_up`` is false (the themes as coded).

    Every theme of ``themes`` appears for every coder of an interview; interviews without any
    coding have no rows here (``theme_presence`` marks them absent).
    """
    check_themes(codings, themes)
    coders = codings[["document_id", "coder"]].astype(str).drop_duplicates()
    coders = coders[coders["document_id"].isin(set(documents["document_id"].astype(str)))]
    grid = coders.merge(pd.DataFrame({"theme": themes["theme"].astype(str)}), how="cross")
    mapped = codings.dropna(subset=["theme"])[["document_id", "coder", "theme"]].astype(str)
    found = mapped.merge(theme_ancestors(themes, roll_up), on="theme")[
        ["document_id", "coder", "counts_for"]
    ].drop_duplicates()
    found = found.rename(columns={"counts_for": "theme"}).assign(present=True)
    out = grid.merge(found, on=["document_id", "coder", "theme"], how="left")
    out["present"] = out["present"].eq(True)
    return _in_order(out, documents, themes, extra=["coder"])[CODER_PRESENCE_COLUMNS]


def theme_presence(
    codings: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    rule: str = "any_coder",
    primary_coder: str | None = None,
) -> pd.DataFrame:
    """One row per (interview, theme) for every interview and theme: present (bool).

    ``rule``: one of ``PRESENCE_RULES`` (module docstring); ``primary_coder``: the coder
    label the ``primary_coder`` rule follows.
    """
    if rule not in PRESENCE_RULES:
        raise InputError(
            f"unknown presence rule {rule!r}; use one of {', '.join(PRESENCE_RULES)}",
            config_key="interviews.presence_rule",
        )
    if rule == "primary_coder" and not primary_coder:
        raise InputError(
            "the primary_coder rule needs the primary coder's label",
            config_key="interviews.primary_coder",
        )
    by_coder = coder_presence(codings, documents, themes)
    keys = ["document_id", "theme"]
    coders = sorted(codings["coder"].dropna().astype(str).unique())
    if rule == "primary_coder" and primary_coder not in coders:
        # Silently falling back to the union everywhere would hide a typo in the label.
        raise InputError(
            f"primary coder {primary_coder!r} coded no interview; coders: {', '.join(coders)}",
            config_key="interviews.primary_coder",
        )
    if rule == "primary_coder":
        is_primary = by_coder["coder"] == primary_coder
        has_primary = is_primary.groupby(by_coder["document_id"]).transform("any")
        by_coder = by_coder[is_primary | ~has_primary]
    how = "all" if rule == "all_coders" else "any"
    combined = by_coder.groupby(keys, sort=False)["present"].agg(how).reset_index()
    grid = (
        documents[["document_id"]]
        .astype(str)
        .merge(pd.DataFrame({"theme": themes["theme"].astype(str)}), how="cross")
    )
    out = grid.merge(combined, on=keys, how="left")
    out["present"] = out["present"].eq(True)
    return _in_order(out, documents, themes)[PRESENCE_COLUMNS]


def _in_order(
    table: pd.DataFrame,
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    extra: list[str] | None = None,
) -> pd.DataFrame:
    """Rows in interview order, then the coder, then the themes' display order."""
    doc_order = dict(zip(documents["document_id"].astype(str), documents["order"], strict=True))
    theme_order = dict(zip(themes["theme"].astype(str), themes["order"], strict=True))
    keys = table.assign(
        _doc=table["document_id"].map(doc_order), _theme=table["theme"].map(theme_order)
    )
    by = ["_doc", "document_id", *(extra or []), "_theme"]
    return (
        keys.sort_values(by, kind="stable").drop(columns=["_doc", "_theme"]).reset_index(drop=True)
    )
