"""P3 figure: cumulative counted contacts over each family's first days.

No stage writes this curve's data, so ``cumulative_contacts_curve`` computes it here (and
is tested like every other analysis); ``early_engagement_curve`` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.publish.disclosure import is_marker
from peermentor.report.figures.style import (
    BLUE,
    GREY,
    PAPER_COLOUR,
    PAPER_LABEL,
    PAPER_VALUES,
    VERMILLION,
    new_figure,
    show_count,
    theme,
)
from peermentor.report.narrative import as_number


def cumulative_contacts_curve(
    contacts: pd.DataFrame,
    families: pd.DataFrame,
    *,
    days: int = 60,
    anchor: str = "first_contact",
    count_statuses: Sequence[str] = ("completed",),
    data_cutoff: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Cumulative counted contacts per family by calendar day 0..``days`` from the anchor.

    Rows: one per day with n_families, mean, q1, median, q3 across families. Families
    enter when their anchor is known (a first counted contact, or case opening) and
    they were followed for all ``days`` (case closure or the data cut-off at least
    ``days`` after the anchor), so a short case does not look like slow engagement.
    Contacts before a case-opening anchor (cleaning grace window) count on day 0.
    """
    if anchor not in ("first_contact", "case_open"):
        raise ValueError(f"anchor must be first_contact or case_open, not {anchor!r}")
    counted = _counted_contacts(contacts, families, count_statuses, data_cutoff)
    start = _anchor_days(counted, families, anchor)
    followed = _followed_families(families, start, days, data_cutoff)
    anchor_day = followed.reindex(counted["family_id"]).to_numpy()  # NaT: not followed
    offsets = pd.Series((counted["day"].to_numpy() - anchor_day) / np.timedelta64(1, "D"))
    keep = (offsets.notna() & (offsets <= days)).to_numpy()
    rows = pd.Index(followed.index).get_indexer(counted["family_id"].to_numpy()[keep])
    per_day = np.zeros((len(followed), days + 1))
    np.add.at(per_day, (rows, offsets[keep].clip(lower=0).astype(int).to_numpy()), 1)
    cumulative = per_day.cumsum(axis=1)
    return _curve_summary(cumulative, days)


def _counted_contacts(contacts, families, count_statuses, data_cutoff) -> pd.DataFrame:
    keep = contacts["status"].isin(list(count_statuses)) & contacts["family_id"].isin(
        families["family_id"]
    )
    if data_cutoff is not None:
        # Same rule as the family profile: contacts after the cut-off day are ignored.
        keep &= contacts["contact_date"] < pd.Timestamp(data_cutoff).normalize() + pd.Timedelta(
            days=1
        )
    counted = contacts.loc[keep, ["family_id", "contact_date"]]
    return counted.assign(day=counted["contact_date"].dt.normalize())


def _anchor_days(counted: pd.DataFrame, families: pd.DataFrame, anchor: str) -> pd.Series:
    if anchor == "first_contact":
        return counted.groupby("family_id")["day"].min()
    return families.set_index("family_id")["case_open_date"].dt.normalize()


def _followed_families(families, start: pd.Series, days: int, data_cutoff) -> pd.Series:
    """Anchor day of the families observed for ``days`` days after it (family_id index)."""
    end = families.set_index("family_id")["case_close_date"].dt.normalize()
    if data_cutoff is not None:
        cutoff = pd.Timestamp(data_cutoff).normalize()
        end = end.where(end <= cutoff, cutoff)  # open cases (NaT) are followed to the cut-off
    start = start.reindex(end.index)
    long_enough = end.isna() | ((end - start).dt.days >= days)
    return start[start.notna() & long_enough].sort_index()


def _curve_summary(cumulative: np.ndarray, days: int) -> pd.DataFrame:
    n = cumulative.shape[0]
    if n == 0:
        nan = np.full(days + 1, np.nan)
        return pd.DataFrame(
            {
                "day": np.arange(days + 1),
                "n_families": 0,
                "mean": nan,
                "q1": nan,
                "median": nan,
                "q3": nan,
            }
        )
    q1, median, q3 = np.quantile(cumulative, [0.25, 0.5, 0.75], axis=0)
    return pd.DataFrame(
        {
            "day": np.arange(days + 1),
            "n_families": n,
            "mean": cumulative.mean(axis=0),
            "q1": q1,
            "median": median,
            "q3": q3,
        }
    )


def early_engagement_curve(
    curve: pd.DataFrame,
    *,
    n_contacts: int = 7,
    anchor: str = "first_contact",
    observed_days_to_nth: object = None,
    label: str = "all sites",
    min_cell_size: int = 11,
) -> Figure:
    """Mean cumulative counted contacts with an interquartile band over the first days,
    the paper's "7 contacts in 23.6 days" and (when given) this run's mean days to the
    Nth contact from the published early-engagement table."""
    anchor_text = "first contact" if anchor == "first_contact" else "case opening"
    with theme():
        fig, (ax,) = new_figure(7.5, 4.4)
        ax.fill_between(
            curve["day"],
            curve["q1"],
            curve["q3"],
            color=BLUE,
            alpha=0.25,
            linewidth=0,
            label="interquartile range across families",
        )
        ax.plot(curve["day"], curve["mean"], color=BLUE, linewidth=2, label="mean")
        ax.axhline(n_contacts, color=GREY, linestyle=":", linewidth=1)
        ax.scatter(
            [PAPER_VALUES["mean_days_to_7th_contact"]],
            [7],
            marker="D",
            s=40,
            color=PAPER_COLOUR,
            zorder=4,
            label=f"{PAPER_LABEL}: 7 contacts in a mean "
            f"{PAPER_VALUES['mean_days_to_7th_contact']:g} days",
        )
        observed = as_number(observed_days_to_nth)
        if observed is not None:
            ax.scatter(
                [observed],
                [n_contacts],
                marker="o",
                s=40,
                color=VERMILLION,
                zorder=4,
                label=f"this run: {n_contacts} contacts in a mean {observed:.1f} days"
                " (families reaching them)",
            )
        elif is_marker(observed_days_to_nth):
            ax.text(
                0.98,
                0.04,
                f"this run's mean days to contact {n_contacts}: suppressed",
                transform=ax.transAxes,
                ha="right",
                fontsize=8,
            )
        days = int(curve["day"].max())
        ax.set(
            xlim=(0, days),
            ylim=(0, None),
            xlabel=f"Days since the {anchor_text} (days)",
            ylabel="Cumulative counted contacts (contacts)",
        )
        ax.legend(loc="upper left", fontsize=8)
        n = show_count(int(curve["n_families"].iloc[0]), min_cell_size)
        ax.set_title(
            f"Early engagement, {label}: the first {days} days "
            f"(n = {n} families followed {days}+ days)"
        )
    return fig
