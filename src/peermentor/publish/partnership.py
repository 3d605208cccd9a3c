"""The partnership study's (Sears et al. 2017) tables beside its analyses: the paper's figures
beside this run's, the joint display (the quantitative findings P1-P6 beside the themes they
speak to) and the COREQ items the data can fill.

The joint display reads only published tables (the quantitative replication table and the
interview prevalence table), as printed: data flows forward and nothing is refitted.
The paper's own sample sizes (9/9/4 by role) are design facts it publishes; the interview
tables follow the interview policy (prevalence as words or counts, by config) rather than the
families' small-cell rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from peermentor.analysis.estimable import not_estimable
from peermentor.errors import ConfigError
from peermentor.publish.replication import PublishedFigure, replication_rows

ROLES: tuple[str, ...] = ("caseworker", "family_mentor", "supervisor")
ALL = "all"  # the prevalence table's row over every role

PARTNERSHIP_PUBLISHED: tuple[PublishedFigure, ...] = (
    PublishedFigure("n_interviews", "sample", "Interviews", 22, "interviews",
                    "interviews in the study, one per participant"),
    PublishedFigure("n_caseworker", "sample", "Interviews with caseworkers", 9, "interviews",
                    "interviews whose participant's role is caseworker"),
    PublishedFigure("n_family_mentor", "sample", "Interviews with family mentors", 9,
                    "interviews", "interviews whose participant's role is family_mentor"),
    PublishedFigure("n_supervisor", "sample", "Interviews with START supervisors", 4,
                    "interviews", "interviews whose participant's role is supervisor"),
    PublishedFigure("n_processes_present", "themes", "Partnership processes found (of four)", 4,
                    "processes", "processes present (the process or one of its subthemes) in "
                    "at least one interview"),
    PublishedFigure("n_double_coded", "agreement", "Transcripts double-coded", 12,
                    "interviews", "interviews coded by two or more configured coders"),
    PublishedFigure("pooled_kappa", "agreement", "Pooled Cohen's kappa", 0.90, "kappa",
                    "Cohen's kappa over every theme of the double-coded interviews, pooled, "
                    "document level"),
)  # fmt: skip


def partnership_computed(
    documents: pd.DataFrame,
    presence: pd.DataFrame,
    themes: pd.DataFrame,
    pooled_kappa: float | str,
) -> dict[str, float | str]:
    """This run's value of each figure in ``PARTNERSHIP_PUBLISHED``.

    ``documents``: the canonical documents table (role, double_coded); ``presence``:
    document_id, theme, present (bool; after the configured presence rule); ``themes``: the
    canonical themes table; ``pooled_kappa``: the pooled document-level kappa (a number, or a
    ``not estimable: ...`` note when no interview is double-coded).
    """
    roles = documents["role"].astype(str).value_counts()
    computed: dict[str, float | str] = {"n_interviews": float(len(documents))}
    computed |= {f"n_{role}": float(roles.get(role, 0)) for role in ROLES}
    # A process is present when the process code or any of its subthemes is.
    process_of = themes.set_index("theme")["process"]
    processes = set(themes.loc[themes["kind"] == "process", "theme"])
    present = presence.loc[presence["present"].astype(bool), "theme"].map(process_of)
    computed["n_processes_present"] = float(len(processes & set(present.dropna())))
    computed["n_double_coded"] = float(documents["double_coded"].astype(bool).sum())
    computed["pooled_kappa"] = (
        pooled_kappa if isinstance(pooled_kappa, str) else float(pooled_kappa)
    )
    return computed


def partnership_replication(computed: Mapping[str, float | str], decimals: int) -> pd.DataFrame:
    """The paper's figures beside this run's (the replication table's columns), rounded."""
    table = replication_rows(computed, published=PARTNERSHIP_PUBLISHED)
    for column in ("computed", "difference", "relative_difference"):
        table[column] = table[column].round(decimals) + 0.0  # -0.0 printed as 0, not -0
    return table


JOINT_COLUMNS: tuple[str, ...] = (
    "finding",
    "figure",
    "published",
    "this_run",
    "theme",
    "theme_label",
    ALL,
    *ROLES,
)


def joint_display(
    links: Sequence[Mapping],
    replication: pd.DataFrame,
    prevalence: pd.DataFrame,
) -> pd.DataFrame:
    """One row per linked quantitative figure and theme: the figure (published and this run)
    beside the theme's prevalence over all interviews and by role.

    ``links``: the config's ``interviews.joint_display`` (``finding``: P1..P6, ``themes``, and
    optionally ``figures``: replication ids; default every figure of the finding).
    ``replication`` and ``prevalence``: the published tables read as strings, shown as printed.
    """
    by_theme = _prevalence_by_theme(prevalence)
    rows = []
    for i, link in enumerate(links):
        key = f"interviews.joint_display[{i}]"
        figures = _linked_figures(replication, link, key)
        for theme in link["themes"]:
            if theme not in by_theme:
                raise ConfigError(
                    f"{key}.themes: {theme!r} is not a theme of the prevalence table "
                    f"(known: {', '.join(sorted(by_theme))}); fix config key {key}.themes"
                )
            for fig in figures.itertuples(index=False):
                rows.append(
                    {
                        "finding": link["finding"],
                        "figure": fig.figure,
                        "published": fig.published,
                        "this_run": fig.note if fig.note else fig.computed,
                        "theme": theme,
                        **by_theme[theme],
                    }
                )
    return pd.DataFrame(rows, columns=list(JOINT_COLUMNS))


def _prevalence_by_theme(prevalence: pd.DataFrame) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for theme, rows in prevalence.groupby("theme", sort=False):
        words = dict(zip(rows["role"], rows["prevalence"], strict=True))
        out[str(theme)] = {
            "theme_label": str(rows["label"].iloc[0]),
            **{role: words.get(role, "") for role in (ALL, *ROLES)},
        }
    return out


def _linked_figures(replication: pd.DataFrame, link: Mapping, key: str) -> pd.DataFrame:
    """The replication rows a link names (strings as printed; note blank when estimable)."""
    table = replication.astype(str).replace({"nan": ""})
    if "note" not in table:
        table["note"] = ""
    rows = table[table["analysis"] == link["finding"]]
    wanted = link.get("figures")
    if wanted:
        unknown = sorted(set(wanted) - set(rows["id"]))
        if unknown:
            raise ConfigError(
                f"{key}.figures: {unknown} are not figures of {link['finding']} in this run's "
                f"replication table (known: {', '.join(rows['id'])}); fix config key {key}.figures"
            )
        rows = rows.set_index("id").loc[list(wanted)].reset_index()
    if rows.empty:
        raise ConfigError(
            f"{key}.finding: {link['finding']!r} has no figure in this run's replication table; "
            f"fix config key {key}.finding"
        )
    return rows


def coreq_items(
    documents: pd.DataFrame,
    coders: Sequence[str],
    software: str,
    agreement: str,
    saturation: pd.DataFrame,
    n_quotes: int,
) -> pd.DataFrame:
    """The COREQ checklist items (Tong, Sainsbury & Craig 2007) this run's data can fill.

    ``agreement``: the sentence on agreement as published; ``saturation``: the published
    saturation table (order, n_new_themes, n_themes_cumulative).
    """
    roles = documents["role"].astype(str).value_counts()
    by_role = ", ".join(f"{role} {int(roles.get(role, 0))}" for role in ROLES)
    new = saturation[pd.to_numeric(saturation["n_new_themes"]) > 0]
    last_new = int(new["order"].astype(int).max()) if len(new) else 0
    total = int(pd.to_numeric(saturation["n_themes_cumulative"]).max()) if len(saturation) else 0
    after = len(saturation) - last_new
    items = [
        (12, "Sample size", f"{len(documents)} interviews"),
        (16, "Description of sample", f"by role: {by_role}"),
        (22, "Data saturation", f"{total} themes; the last new theme in interview {last_new} "
         f"of {len(saturation)} ({after} later interviews added none)"),
        (24, "Number of data coders", f"{len(coders)} ({', '.join(coders)}); "
         f"{int(documents['double_coded'].astype(bool).sum())} interviews double-coded"),
        (24, "Inter-coder agreement", agreement),
        (27, "Software", software),
        (29, "Quotations presented", f"{n_quotes} approved, de-identified quotes"),
    ]  # fmt: skip
    return pd.DataFrame(items, columns=["item", "topic", "this_run"])


def pooled_kappa(agreement: pd.DataFrame) -> float | str:
    """The pooled document-level kappa of the agreement table, or a not-estimable note."""
    row = agreement[(agreement["level"] == "document") & (agreement["theme"] == "pooled")]
    if row.empty:
        return not_estimable("no double-coded interview")
    kappa = float(row["kappa"].iloc[0])
    return kappa if pd.notna(kappa) else not_estimable(str(row["kappa_note"].iloc[0]))
