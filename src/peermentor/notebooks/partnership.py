"""The partnership notebook's answers (Sears et al. 2017): the paper's four processes and the
supervisor's role beside this run's, from the published interview tables.

Tables are read and shown as the published CSV strings (a prevalence word, a count, a kappa
to its printed decimals): the notebook never recomputes or reformats a published cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

# The published interview tables the notebook reads: parameter names and default paths.
PARTNERSHIP_TABLES: dict[str, str] = {
    "prevalence": "results/tables/interviews/prevalence.csv",
    "cooccurrence": "results/tables/interviews/cooccurrence.csv",
    "agreement": "results/tables/interviews/agreement.csv",
    "saturation": "results/tables/interviews/saturation.csv",
    "quotes": "results/tables/interviews/quotes.csv",
    "joint_display": "results/tables/interviews/joint_display.csv",
    "coreq": "results/tables/interviews/coreq.csv",
    "partnership_replication": "results/tables/interviews/replication.csv",
}

# What the paper found, by theme id of the default mapping (config/interviews/partnership.yaml).
PAPER_FINDINGS: dict[str, str] = {
    "common_vision": "Sharing a common vision: keeping families together, while child safety "
    "comes first",
    "working_relationships": "Developing working relationships: refining roles, building trust",
    "open_minded_learning": "Learning with open-mindedness: valuing each member's knowledge, "
    "gaining skills, sharing the role",
    "partnership_benefits": "Identifying the benefits of the partnership: increased family "
    "engagement, empathy for families",
    "supervision": "Supervisors widened supervision to personal concerns; the supervisor's role "
    "was critical in fostering the worker/mentor alliance",
}
ROLES: tuple[str, ...] = ("all", "caseworker", "family_mentor", "supervisor")


def read_partnership_tables(paths: Mapping[str, str | Path]) -> dict[str, pd.DataFrame]:
    """The published interview tables (name -> path) as their printed strings."""
    missing = sorted(name for name in PARTNERSHIP_TABLES if name not in paths)
    if missing:
        raise KeyError(f"no path given for table(s) {missing}")
    return {
        name: pd.read_csv(path, dtype=str, keep_default_na=False) for name, path in paths.items()
    }


def shown_table(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The published strings of ``columns``, without row numbers (they mean nothing here)."""
    out = table[columns] if columns is not None else table.copy()
    out.index = [""] * len(out)
    return out


def processes_beside_paper(prevalence: pd.DataFrame) -> pd.DataFrame:
    """One row per paper finding: what the paper found, and this run's prevalence of that
    theme over all interviews and by role, as printed. A theme this run's mapping does not
    have says so."""
    cells = prevalence.set_index(["theme", "role"])["prevalence"]
    labels = prevalence.drop_duplicates("theme").set_index("theme")["label"]
    rows = []
    for theme, finding in PAPER_FINDINGS.items():
        row = {"the paper (Sears et al. 2017)": finding, "theme": labels.get(theme, theme)}
        for role in ROLES:
            row[role.replace("_", " ")] = cells.get((theme, role), "not in this run's themes")
        rows.append(row)
    return shown_table(pd.DataFrame(rows))


def sample_sentence(replication: pd.DataFrame) -> str:
    """The interviews by role, this run beside the paper (22: 9 caseworkers, 9 family
    mentors, 4 supervisors), from the partnership replication table."""
    value = replication.set_index("id")["computed"]
    paper = replication.set_index("id")["published"]

    def by_role(v: pd.Series) -> str:
        return (
            f"{_whole(v['n_interviews'])} interviews: {_whole(v['n_caseworker'])} caseworkers, "
            f"{_whole(v['n_family_mentor'])} family mentors, {_whole(v['n_supervisor'])} "
            "supervisors"
        )

    return f"**This run:** {by_role(value)}. **The paper:** {by_role(paper)}."


def agreement_sentence(replication: pd.DataFrame, agreement: pd.DataFrame) -> str:
    """Pooled kappa on the double-coded interviews, this run beside the paper's .90, and
    Krippendorff's alpha with its interval (document level), as printed."""
    rows = replication.set_index("id")
    kappa = rows.loc["pooled_kappa"]
    n = _whole(rows.loc["n_double_coded", "computed"])
    this_run = kappa["note"] or _kappa(kappa["computed"])
    sentence = (
        f"**Agreement** on the {n} double-coded interviews: pooled Cohen's kappa {this_run} "
        f"in this run; {_kappa(kappa['published'])} in the paper (12 double-coded transcripts)."
    )
    pooled = agreement[(agreement["level"] == "document") & (agreement["theme"] == "pooled")]
    if len(pooled) and pooled["alpha"].iloc[0]:
        p = pooled.iloc[0]
        sentence += (
            f" Krippendorff's alpha (nominal) {p['alpha']} "
            f"(bootstrap interval {p['alpha_ci_low']} to {p['alpha_ci_high']})."
        )
    return sentence


def quotes_markdown(quotes: pd.DataFrame) -> str:
    """The approved, de-identified quotes as block quotes with their theme and role; a
    sentence when none is approved."""
    if quotes.empty:
        return "No quote is approved for publication (`interviews.quotes.approved` is empty)."
    return "\n\n".join(
        f"> {q.text}\n>\n> -- {q.role.replace('_', ' ')}, on *{q.label}* (quote {q.quote})"
        for q in quotes.itertuples(index=False)
    )


def _kappa(value: str) -> str:
    """A kappa in a sentence at the paper's precision (".90" is printed 0.9 in a CSV)."""
    try:
        return f"{float(value):.2f}"
    except ValueError:
        return value


def _whole(value: str) -> str:
    """A count printed as a float ("22.0") shown as the whole number it is."""
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number:.0f}" if number == int(number) else value
