"""The partnership study's figures (Sears et al. 2017), from the published interview tables:
themes by role (heatmap) and the saturation curve.

The heatmap shows each cell as printed in the prevalence table, a count or a word (all, most,
about half, some, few, none); its colour is the share of the role's interviews for a count and
the word's rank for a word, so the figure reveals nothing the table does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from peermentor.figures.style import BLUE, ORANGE, new_figure, theme
from peermentor.notebooks import as_number

SEARS_LABEL = "Sears et al. (2017)"
ROLE_ORDER: tuple[str, ...] = ("all", "caseworker", "family_mentor", "supervisor")
# The words qualitative reports use, least to most; a word outside them is drawn grey.
WORD_ORDER: tuple[str, ...] = ("none", "few", "some", "about half", "most", "all")


def cell_level(prevalence: object, n_interviews: object) -> float:
    """The colour level (0..1) of a printed prevalence: its share of the role's interviews
    for a count, its rank among ``WORD_ORDER`` for a word, NaN for anything else."""
    count, n = as_number(prevalence), as_number(n_interviews)
    if count is not None:
        return count / n if n else np.nan
    word = str(prevalence).strip().lower()
    if word in WORD_ORDER:
        return WORD_ORDER.index(word) / (len(WORD_ORDER) - 1)
    return np.nan


def theme_role_heatmap(prevalence: pd.DataFrame) -> Figure:
    """Themes (rows, in table order) by role (columns): each cell as the table prints it."""
    themes = list(dict.fromkeys(prevalence["theme"]))
    roles = [r for r in ROLE_ORDER if r in set(prevalence["role"])]
    labels = prevalence.drop_duplicates("theme").set_index("theme")["label"]
    cells = prevalence.set_index(["theme", "role"])
    level = np.full((len(themes), len(roles)), np.nan)
    text = [["" for _ in roles] for _ in themes]
    for i, t in enumerate(themes):
        for j, r in enumerate(roles):
            if (t, r) in cells.index:
                row = cells.loc[(t, r)]
                level[i, j] = cell_level(row["prevalence"], row["n_interviews"])
                text[i][j] = str(row["prevalence"])
    n_by_role = prevalence.drop_duplicates("role").set_index("role")["n_interviews"]
    with theme():
        fig, (ax,) = new_figure(7.5, 0.42 * len(themes) + 1.8)
        cmap = colormaps["Blues"].with_extremes(bad="#dddddd")
        ax.imshow(np.ma.masked_invalid(level), cmap=cmap, vmin=0, vmax=1.25, aspect="auto")
        for i, j in np.ndindex(level.shape):
            dark = not np.isnan(level[i, j]) and level[i, j] > 0.7
            ax.text(j, i, text[i][j], ha="center", va="center", fontsize=8,
                    color="white" if dark else "#222222")  # fmt: skip
        ax.set_xticks(range(len(roles)), [f"{r.replace('_', ' ')}\n(n = {n_by_role[r]})"
                                          for r in roles])  # fmt: skip
        ax.set_yticks(range(len(themes)), [labels[t] for t in themes])
        ax.grid(False)
        ax.xaxis.tick_top()
        ax.set_title(f"Themes by role: interviews in which each theme is present\n"
                     f"{SEARS_LABEL}: four processes and supervision", fontsize=10)  # fmt: skip
    return fig


def saturation_curve(saturation: pd.DataFrame, *, paper_n: int = 22) -> Figure:
    """New themes per interview (bars) and themes found so far (line), in interview order."""
    order = pd.to_numeric(saturation["order"]).to_numpy()
    new = pd.to_numeric(saturation["n_new_themes"]).to_numpy()
    cumulative = pd.to_numeric(saturation["n_themes_cumulative"]).to_numpy()
    with theme():
        fig, (ax,) = new_figure(7.5, 3.6)
        ax.bar(order, new, color=ORANGE, width=0.7, label="new themes in this interview")
        ax.step(order, cumulative, where="mid", color=BLUE, label="themes found so far")
        ax.plot(order, cumulative, "o", color=BLUE, markersize=3)
        ax.set(xlabel="Interview (in interview order)", ylabel="Themes",
               xlim=(0.3, max(len(order), 1) + 0.7))  # fmt: skip
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="center right", fontsize=8)
        ax.set_title(f"Saturation: themes found over {len(order)} interviews "
                     f"({SEARS_LABEL}: {paper_n} interviews)")  # fmt: skip
    return fig
