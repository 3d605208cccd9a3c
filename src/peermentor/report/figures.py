"""The study's figures: DataFrames in, matplotlib Figures out (no pyplot, no file I/O).

Every function builds a ``matplotlib.figure.Figure`` under one theme (seaborn
"whitegrid", the colour-blind-safe "colorblind" palette, fixed sizes) and puts the
number of families or mentors in its title. ``save_figure`` is the only writer: PNG and
SVG, atomically, byte-identical on rerun (fixed DPI, no timestamps or version strings
in the metadata, a fixed SVG hash salt).

Disclosure control: published tables (CSV) carry suppression markers ("<11", "[c]")
in count and dependent columns. A suppressed value is drawn as a hatched band that
spans the whole axis and says "suppressed", so neither a number nor a bar length
reveals it. Shares computed here from row-level data go through the same ``publish``
step as the published tables first. A count shown in a title is replaced by the
small-cell marker when it is below ``min_cell_size``.

Data for figures that no stage writes (the early-engagement curve and the predicted
probability of unification) is computed by the ``*_curve`` functions below, so it is
tested like every other analysis.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peermentor.analysis.profile import summarize_profile
from peermentor.analysis.workforce import OUTCOME_GROUPS
from peermentor.contract import ACTIVITY_COLUMNS, EXIT_REASONS
from peermentor.io import atomic_path
from peermentor.publish.disclosure import COMPLEMENTARY_MARKER, is_marker, publish_profile_summary
from peermentor.publish.replication import PUBLISHED
from peermentor.report.narrative import as_number, is_true, measure_label

DPI = 150
# seaborn's "colorblind" palette and its "whitegrid" style at "paper" scale x 1.1, written
# out so a figure job or notebook kernel does not pay seaborn's import (seaborn loads
# scipy.stats: about 2 s in each of a dozen jobs). tests/test_figures.py checks both
# against the pinned seaborn, so an upgrade that changes them fails there.
COLORBLIND = (
    "#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
    "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9",
)  # fmt: skip
PALETTE = [mpl.colors.to_rgb(colour) for colour in COLORBLIND]
THEME_RC = {
    # sns.axes_style("whitegrid"), less "image.cmap" (seaborn's own colormap; no images here)
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out",
    "ytick.direction": "out", "xtick.color": ".15", "ytick.color": ".15",
    "axes.axisbelow": True, "grid.linestyle": "-", "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans",
                        "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white",
    "axes.edgecolor": ".8", "grid.color": ".8", "axes.spines.left": True,
    "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
    "xtick.bottom": False, "ytick.left": False,
    # sns.plotting_context("paper", font_scale=1.1)
    "axes.linewidth": 1.0, "grid.linewidth": 0.8, "lines.linewidth": 1.2,
    "lines.markersize": 4.8, "patch.linewidth": 0.8, "xtick.major.width": 1.0,
    "ytick.major.width": 1.0, "xtick.minor.width": 0.8, "ytick.minor.width": 0.8,
    "xtick.major.size": 4.8, "ytick.major.size": 4.8, "xtick.minor.size": 3.2,
    "ytick.minor.size": 3.2, "font.size": 10.56, "axes.labelsize": 10.56,
    "axes.titlesize": 10.56, "xtick.labelsize": 9.68, "ytick.labelsize": 9.68,
    "legend.fontsize": 9.68, "legend.title_fontsize": 10.56,
}  # fmt: skip
BLUE, ORANGE, GREEN, VERMILLION, PURPLE = (PALETTE[i] for i in range(5))
GREY, SKY = PALETTE[7], PALETTE[9]
PAPER_COLOUR = "black"
SUPPRESSED_FILL = "#eeeeee"
PAPER_LABEL = "Huebner et al. (2018)"

# Read at save time as well as at draw time, so save_figure applies them again.
BASE_RC = {
    "svg.hashsalt": "peermentor",  # fixed ids in SVG (clip paths, glyphs)
    "svg.fonttype": "path",  # text as paths: the SVG does not depend on installed fonts
    "font.family": "DejaVu Sans",  # shipped with matplotlib: same glyphs on every machine
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "hatch.color": "#555555",
    "legend.frameon": False,
    "axes.titlesize": 10,
    "figure.titlesize": 11,
}
PNG_METADATA = {"Software": None}  # the default names the matplotlib version
SVG_METADATA = {"Date": None, "Creator": None}  # the defaults hold a timestamp and version

_PUBLISHED = {fig.id: fig.published for fig in PUBLISHED}


# --- theme, saving, small helpers ----------------------------------------------------------


@contextmanager
def theme() -> Iterator[None]:
    """The study's look: seaborn whitegrid, colour-blind palette, fixed fonts and DPI."""
    rc = {
        **THEME_RC,
        **BASE_RC,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
    }
    with mpl.rc_context(rc):
        yield


def new_figure(width: float, height: float, ncols: int = 1, **subplots) -> tuple[Figure, list]:
    """A Figure of fixed size (inches) with constrained layout and ``ncols`` axes."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False, **subplots)[0]
    return fig, list(axes)


def save_figure(fig: Figure, png_path: str | Path, svg_path: str | Path) -> None:
    """Write ``fig`` as PNG and SVG, each atomically; reruns give identical bytes."""
    with theme():
        with atomic_path(png_path) as tmp:
            fig.savefig(tmp, format="png", dpi=DPI, metadata=PNG_METADATA)
        with atomic_path(svg_path) as tmp:
            fig.savefig(tmp, format="svg", metadata=SVG_METADATA)


def png_bytes(fig: Figure) -> bytes:
    """The PNG ``save_figure`` would write, in memory (for notebooks)."""
    buffer = io.BytesIO()
    with theme():
        fig.savefig(buffer, format="png", dpi=DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


def show_count(value: object, min_cell_size: int) -> str:
    """A count for a title: the small-cell marker when 1..min_cell_size-1, markers as given."""
    number = as_number(value)
    if number is None:
        return str(value) if is_marker(value) else "?"
    if 0 < number < min_cell_size:
        return f"<{min_cell_size}"
    return f"{number:,.0f}"


def _suppressed_band(ax, y: float, height: float, marker: object, span: tuple[float, float]):
    """A hatched band over the whole value axis: says "suppressed", shows no value."""
    low, high = span
    ax.barh(
        y,
        high - low,
        left=low,
        height=height,
        color=SUPPRESSED_FILL,
        hatch="///",
        edgecolor="#888888",
        linewidth=0.5,
        zorder=1,
    )
    kind = "complementary" if marker == COMPLEMENTARY_MARKER else f"{marker}"
    ax.text(
        (low + high) / 2,
        y,
        f"suppressed ({kind})",
        ha="center",
        va="center",
        fontsize=8,
        color="#333333",
        zorder=3,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
    )


# --- 1. hours and contacts per family (P1) -------------------------------------------------


def service_distribution(
    profile: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Histograms of contact hours and contacts per family, mean and median marked,
    with the paper's means (55.3 hours, 60.5 contacts) for reference."""
    panels = (
        ("hours", "Contact hours per family (hours)", "mean_hours_per_family"),
        ("contacts", "Counted contacts per family (contacts)", "mean_contacts_per_family"),
    )
    with theme():
        fig, axes = new_figure(9.0, 3.8, ncols=2)
        for ax, (column, xlabel, paper_id) in zip(axes, panels, strict=True):
            values = pd.to_numeric(profile[column]).dropna()
            ax.hist(values, bins=30, color=BLUE, alpha=0.6, edgecolor="white")
            _vline(ax, values.mean(), VERMILLION, "-", f"mean {values.mean():.1f}")
            _vline(ax, values.median(), ORANGE, "--", f"median {values.median():.1f}")
            paper = _PUBLISHED[paper_id]
            _vline(ax, paper, PAPER_COLOUR, ":", f"{PAPER_LABEL} mean {paper:g}")
            ax.set(xlabel=xlabel, ylabel="Families (count)")
            ax.set_xlim(left=0)
            ax.legend(loc="upper right", fontsize=8)
        n = show_count(len(profile), min_cell_size)
        fig.suptitle(f"Service per family, {label} (n = {n} families)")
    return fig


def _vline(ax, x: float, colour, style: str, label: str) -> None:
    ax.axvline(x, color=colour, linestyle=style, linewidth=1.5, label=label, zorder=3)


# --- 2. service mix (P2) -------------------------------------------------------------------


def service_mix_table(profile: pd.DataFrame, *, min_cell_size: int = 11) -> pd.DataFrame:
    """Per activity code, from row-level data: the overall rows of the published
    service-profile table (same summary, same publish step, so a share whose base is
    small is suppressed exactly as there)."""
    summary = summarize_profile(profile, measures=ACTIVITY_COLUMNS)
    summary.insert(0, "group_type", "overall")
    published = publish_profile_summary(summary, min_cell_size=min_cell_size)
    return published[["measure", "n_families", "n_receiving", "share_receiving", "mean"]]


def service_mix(
    summary: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Share of families receiving each activity, and mean contacts per family carrying it
    (activity codes are multi-label: one contact can count for several).

    ``summary`` holds published service-profile rows of ONE group (``service_mix_table``
    output, or a site's rows of ``service_profile.csv``); only its ``act_*`` measures are
    drawn. Site rows must come from the published table: their complementary
    suppression protects the other sites, which a site-only publish step would not.
    """
    table = summary[summary["measure"].isin(ACTIVITY_COLUMNS)].reset_index(drop=True)
    labels = [measure_label(m) for m in table["measure"]]
    y = np.arange(len(table))
    with theme():
        fig, (share_ax, mean_ax) = new_figure(9.0, 3.9, ncols=2, sharey=True)
        _bars_or_suppressed(share_ax, y, table["share_receiving"], scale=100, span=(0, 100))
        share_ax.set(xlabel="Families receiving the activity (%)", xlim=(0, 100))
        means = [as_number(v) for v in table["mean"]]
        top = 1.15 * max([m for m in means if m is not None] + [45.0])
        _bars_or_suppressed(mean_ax, y, table["mean"], scale=1, span=(0, top), colour=GREEN)
        _paper_coaching_marks(mean_ax, list(table["measure"]))
        mean_ax.set(xlabel="Mean contacts per family (contacts)", xlim=(0, top))
        mean_ax.legend(loc="lower right", fontsize=8)
        share_ax.set_yticks(y, labels)
        share_ax.invert_yaxis()
        n = show_count(table["n_families"].iloc[0] if len(table) else 0, min_cell_size)
        fig.suptitle(f"Service mix by activity code, {label} (n = {n} families)")
    return fig


def _bars_or_suppressed(ax, y, values, *, scale: float, span, colour=BLUE) -> None:
    for position, value in zip(y, values, strict=True):
        bound = str(value).startswith(">=")  # publish.bound_near_complete_share
        number = float(str(value)[2:]) if bound else as_number(value)
        if number is None:
            _suppressed_band(ax, position, 0.7, value, span)
            continue
        ax.barh(position, number * scale, height=0.7, color=colour, zorder=2)
        label = f" {'≥ ' if bound else ''}{number * scale:.1f}"
        ax.text(number * scale, position, label, va="center", fontsize=8)


def _paper_coaching_marks(ax, measures: list[str]) -> None:
    marks = {
        "act_recovery_coaching": _PUBLISHED["mean_recovery_coaching_contacts"],
        "act_daily_living_coaching": _PUBLISHED["mean_daily_living_coaching_contacts"],
    }
    points = [(value, measures.index(m)) for m, value in marks.items() if m in measures]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(
            xs, ys, marker="D", color=PAPER_COLOUR, s=22, zorder=4, label=f"{PAPER_LABEL} mean"
        )


# --- 3. early engagement (P3) --------------------------------------------------------------


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
            [_PUBLISHED["mean_days_to_7th_contact"]],
            [7],
            marker="D",
            s=40,
            color=PAPER_COLOUR,
            zorder=4,
            label=f"{PAPER_LABEL}: 7 contacts in a mean "
            f"{_PUBLISHED['mean_days_to_7th_contact']:g} days",
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


# --- 4. rural vs urban (P4) ----------------------------------------------------------------


def rural_urban_effects(
    comparison: pd.DataFrame, *, label: str = "all sites", min_cell_size: int = 11
) -> Figure:
    """Cliff's delta (rural vs urban) with its CI per measure, significant ones highlighted.

    ``comparison`` is ``stratify.compare_strata`` output or the published
    ``rural_urban.csv`` (markers allowed). Only rows whose effect is Cliff's delta are
    drawn (the share-receiving rows have a different scale); rows that are not
    estimable or suppressed say so instead of showing a value.
    """
    rows = comparison[comparison["effect_measure"] == "cliffs_delta"].reset_index(drop=True)
    reason = _shared_not_estimable(rows)
    if reason:
        return not_estimable_panel(f"Rural vs urban, {label}", reason)
    y = np.arange(len(rows))
    with theme():
        fig, (ax,) = new_figure(7.5, max(3.0, 1.6 + 0.27 * len(rows)))
        ax.axvline(0, color=GREY, linewidth=1, zorder=1)
        for position, row in zip(y, rows.itertuples(index=False), strict=True):
            _effect_row(ax, position, row)
        ax.set_yticks(y, [measure_label(m) for m in rows["measure"]])
        for tick, significant in zip(ax.get_yticklabels(), rows["significant"], strict=True):
            if is_true(significant):
                tick.set_fontweight("bold")
        ax.invert_yaxis()
        ax.set(
            xlim=(-1, 1),
            xlabel="Cliff's delta, rural vs urban families (-1 to 1; > 0: rural higher)",
        )
        _significance_legend(fig, ax, rows)
        ax.set_title(f"Rural vs urban, {label} ({_strata_sizes(rows, min_cell_size)})")
    return fig


def _shared_not_estimable(rows: pd.DataFrame) -> str:
    """The note every row shares when no row is estimable (e.g. one stratum), or ""."""
    if rows.empty or "note" not in rows or rows["estimable"].map(is_true).any():
        return "" if not rows.empty else "not estimable: no measure in the comparison"
    notes = set(rows["note"].dropna())
    return notes.pop() if len(notes) == 1 and str(next(iter(notes))).startswith("not est") else ""


def not_estimable_panel(title: str, reason: str) -> Figure:
    """A readable figure for a statistic the study cannot support: its title and the
    ``not estimable: <reason>`` text, no axes to misread."""
    with theme():
        fig, (ax,) = new_figure(7.5, 2.6)
        ax.set_axis_off()
        ax.text(0.5, 0.5, textwrap.fill(reason, 70), ha="center", va="center", fontsize=11,
                transform=ax.transAxes)  # fmt: skip
        ax.set_title(title)
    return fig


def _effect_row(ax, position: float, row) -> None:
    effect, low, high = (as_number(v) for v in (row.effect, row.effect_low, row.effect_high))
    if not is_true(row.estimable) or effect is None:
        note = getattr(row, "note", "")
        note = note if isinstance(note, str) and note.startswith("not est") else "not estimable"
        reason = "suppressed" if is_marker(row.effect) else note
        ax.text(0, position, reason, ha="center", va="center", fontsize=8, color="#555555")
        return
    colour = VERMILLION if is_true(row.significant) else BLUE
    if low is not None and high is not None:
        ax.hlines(position, low, high, color=colour, linewidth=2, zorder=2)
    ax.scatter([effect], [position], color=colour, s=25, zorder=3)


def _significance_legend(fig: Figure, ax, rows: pd.DataFrame) -> None:
    adjust = rows["adjust"].dropna().iloc[0] if rows["adjust"].notna().any() else "adjusted"
    ax.scatter([], [], color=VERMILLION, label=f"significant ({adjust}-adjusted p), 95 % CI")
    ax.scatter([], [], color=BLUE, label="not significant, 95 % CI")
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)


def _strata_sizes(rows: pd.DataFrame, min_cell_size: int) -> str:
    first = rows[rows["measure"] == "contacts"]
    first = first if len(first) else rows.head(1)
    if first.empty:
        return "no measures"
    rural = show_count(first["n_rural"].iloc[0], min_cell_size)
    urban = show_count(first["n_urban"].iloc[0], min_cell_size)
    return f"n = {rural} rural, {urban} urban families"


# --- 5. odds ratios across models (P5) -----------------------------------------------------

MODEL_STYLES = {
    "cluster": "cluster-robust SE",
    "gee-robust": "GEE robust SE",
    "nonrobust": "model-based SE",
}
METHODS = {"mle": "maximum likelihood", "firth": "Firth penalized likelihood", "gee": "GEE"}
TERM_UNITS = {
    "face_to_face_with_children": "per contact",
    "no_shows_or_refusals": "per no-show or refusal",
    "months_of_service": "per month",
}


def odds_ratio_forest(coefficients: pd.DataFrame, *, min_cell_size: int = 11) -> Figure:
    """Odds ratios of unification with 95 % CIs, every term (no intercept) of every model
    and variance (``se_variant``: the CR3 jackknife beside CR1); log scale, OR = 1
    marked; the paper's two odds ratios for reference. A term no model could estimate
    shows its ``not estimable: <reason>`` note on its row."""
    table = coefficients[~coefficients["term"].isin(["Intercept", "(not estimated)"])]
    variant = table["se_variant"] if "se_variant" in table else pd.Series("", index=table.index)
    series = list(dict.fromkeys(zip(table["model"], variant, strict=True)))
    terms = list(dict.fromkeys(table["term"]))
    offsets = np.linspace(-0.3, 0.3, len(series)) if len(series) > 1 else np.zeros(1)
    with theme():
        fig, (ax,) = new_figure(8.0, 2.2 + 0.6 * max(len(terms), 1))
        ax.axvline(1, color=GREY, linewidth=1, zorder=1)
        for key, offset, marker, colour in zip(series, offsets, "osD^vPX*", PALETTE, strict=False):
            rows = table[(table["model"] == key[0]) & (variant == key[1])]
            _model_points(ax, rows, terms, offset, marker, colour)
        _not_estimable_terms(ax, table, terms)
        _paper_odds_ratios(ax, terms)
        _log_axis(ax)
        ax.set_yticks(range(len(terms)), [textwrap.fill(_term_label(t), 34) for t in terms])
        ax.invert_yaxis()
        ax.set_xlabel("Odds ratio of unification (log scale; 95 % CI)")
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        fig.suptitle(
            f"What predicts unification: odds ratios across models\n"
            f"({_model_sizes(coefficients, min_cell_size)})"
        )
    return fig


def _log_axis(ax) -> None:
    """Log scale with plain tick labels (0.2, 0.5, 1, 2) instead of powers of ten."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(mpl.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())


def _not_estimable_terms(ax, table: pd.DataFrame, terms: list[str]) -> None:
    odds = pd.to_numeric(table["odds_ratio"], errors="coerce")
    for term in terms:
        here = table["term"] == term
        if odds[here].notna().any():
            continue
        column = table["note"] if "note" in table else pd.Series(dtype=object)
        notes = [n for n in column[here].dropna() if str(n).startswith("not est")]
        text = textwrap.fill(notes[0] if notes else "not estimable", 60)
        # x in axes fractions (the panel's middle), y on the term's row.
        ax.text(0.5, terms.index(term), text, transform=ax.get_yaxis_transform(), ha="center",
                va="center", fontsize=8, color="#555555")  # fmt: skip


def _model_points(ax, rows: pd.DataFrame, terms, offset, marker, colour) -> None:
    first = rows.iloc[0]
    style = MODEL_STYLES.get(first["cov_type"], first["cov_type"])
    if str(first.get("se_variant", "")).startswith("CR3"):
        style = "CR3 jackknife SE, t(G-1)"
    label = f"{first['model']} ({style})"
    for row in rows.itertuples(index=False):
        odds, low, high = (as_number(v) for v in (row.odds_ratio, row.or_low, row.or_high))
        if odds is None:
            continue
        y = terms.index(row.term) + offset
        if low is not None and high is not None:
            ax.hlines(y, low, high, color=colour, linewidth=1.8, zorder=2)
        ax.scatter([odds], [y], marker=marker, color=colour, s=28, zorder=3, label=label)
        label = None  # one legend entry per model


def _paper_odds_ratios(ax, terms: list[str]) -> None:
    # The paper's 1.24 is the OR of separation per no-show; unification's OR is its inverse.
    paper = {
        "face_to_face_with_children": _PUBLISHED["or_face_to_face_with_children"],
        "no_shows_or_refusals": 1 / _PUBLISHED["or_no_show_or_refusal_separation"],
    }
    points = [(value, terms.index(t)) for t, value in paper.items() if t in terms]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(xs, ys, marker="x", color=PAPER_COLOUR, s=50, zorder=4, label=PAPER_LABEL)


def _term_label(term: str) -> str:
    unit = TERM_UNITS.get(term) or ("per 1 a month" if term.endswith("_per_month") else None)
    label = measure_label(term)
    if term.startswith("C("):
        return f"{label} (vs reference level)"
    return f"{label} ({unit})" if unit else label


def _model_sizes(coefficients: pd.DataFrame, min_cell_size: int) -> str:
    primary = coefficients[coefficients["model"] == "primary"]
    first = (primary if len(primary) else coefficients).iloc[0]
    n = show_count(first["n"], min_cell_size)
    clusters = show_count(first["clusters"], min_cell_size)
    return f"primary model: n = {n} closed cases, {clusters} mentors"


# --- 6. predicted probability of unification (P5) -------------------------------------------


@dataclass
class PredictionCurve:
    """Predicted probability of unification over a grid of one predictor."""

    frame: pd.DataFrame  # predictor value, probability, ci_low, ci_high
    predictor: str
    held: dict[str, object]  # the other covariates: value and how it was chosen
    formula: str
    n: int
    events: int
    clusters: int | None
    cov_type: str
    method: str
    level: float
    notes: list[str] = field(default_factory=list)


def unification_curve(
    profile: pd.DataFrame,
    formula: str,
    cluster: str,
    *,
    predictor: str = "face_to_face_with_children",
    grid: Sequence[float] | None = None,
    level: float = 0.95,
) -> PredictionCurve:
    """Refit the primary model (cluster-robust) and predict unification over ``predictor``.

    Other numeric covariates are held at their mean over the model's families and
    categorical ones at their reference (first sorted) level. The CI is a Wald interval
    on the linear predictor, se = sqrt(x' V x) with V the model's covariance (clustered by
    ``cluster``; model-based under the Firth fallback), mapped through the logistic
    function: the delta method on the logit scale, which keeps the band inside 0..1.
    The default grid runs from 0 to the 99th percentile of the predictor.
    """
    # Imported here: statsmodels, patsy and scipy.stats cost seconds that only this needs.
    import patsy
    from scipy import stats
    from scipy.special import expit

    from peermentor.analysis.estimable import estimable_terms, not_estimable
    from peermentor.analysis.outcome.diagnostics import design_matrices
    from peermentor.analysis.outcome.model import fit_logit_clustered, model_frame

    frame = model_frame(profile, formula, cluster)
    formula, dropped = estimable_terms(frame, formula)
    if predictor in dropped:
        raise ValueError(f"{predictor}: {not_estimable(dropped[predictor])}")
    fit = fit_logit_clustered(frame, formula, cluster, jackknife=False)
    fit.warnings += [f"{term}: {not_estimable(reason)}" for term, reason in dropped.items()]
    if fit.result is None:
        raise ValueError(f"model {formula!r} could not be fitted: {'; '.join(fit.warnings)}")
    _, design = design_matrices(frame, formula)
    beta = np.asarray(pd.Series(fit.result.params).reindex(design.columns), dtype=float)
    cov = _covariance(fit.result, design.columns)
    held = typical_covariates(frame, formula, predictor)
    values = _grid(frame[predictor], grid)
    new = pd.DataFrame({var: [info["value"]] * len(values) for var, info in held.items()})
    new[predictor] = values
    (x,) = patsy.build_design_matrices([design.design_info], new, return_type="dataframe")
    eta = x.to_numpy() @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", x.to_numpy(), cov, x.to_numpy()))
    z = stats.norm.ppf(0.5 + level / 2)
    table = pd.DataFrame(
        {
            predictor: values,
            "probability": expit(eta),
            "ci_low": expit(eta - z * se),
            "ci_high": expit(eta + z * se),
        }
    )
    return PredictionCurve(
        table,
        predictor,
        held,
        formula,
        fit.n,
        fit.events,
        fit.clusters,
        fit.cov_type,
        fit.method,
        level,
        list(fit.warnings),
    )


def typical_covariates(frame: pd.DataFrame, formula: str, predictor: str) -> dict[str, dict]:
    """Each other right-hand-side variable: its mean (numeric) or reference level."""
    from peermentor.analysis.outcome.diagnostics import formula_variables

    _, variables = formula_variables(formula, frame.columns)
    held = {}
    for var in (v for v in variables if v != predictor):
        column = frame[var]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            held[var] = {"value": float(column.mean()), "how": "mean"}
        else:
            # patsy's default treatment coding takes the first sorted level as reference.
            held[var] = {"value": sorted(column.dropna().unique())[0], "how": "reference level"}
    return held


def _covariance(result, columns: pd.Index) -> np.ndarray:
    cov = result.cov if hasattr(result, "cov") else result.cov_params()
    return pd.DataFrame(cov, index=columns, columns=columns).to_numpy(dtype=float)


def _grid(values: pd.Series, grid: Sequence[float] | None) -> np.ndarray:
    if grid is not None:
        return np.asarray(grid, dtype=float)
    top = float(np.quantile(values.to_numpy(dtype=float), 0.99))
    return np.linspace(0.0, max(top, 1.0), 101)


def unification_curve_figure(curve: PredictionCurve, *, min_cell_size: int = 11) -> Figure:
    """The predicted probability with its CI band; the held covariates are stated."""
    data = curve.frame
    x = data[curve.predictor]
    with theme():
        fig, (ax,) = new_figure(7.5, 4.6)
        ax.fill_between(
            x,
            data["ci_low"],
            data["ci_high"],
            color=BLUE,
            alpha=0.25,
            linewidth=0,
            label=f"{curve.level:.0%} CI ({MODEL_STYLES.get(curve.cov_type, curve.cov_type)})",
        )
        ax.plot(x, data["probability"], color=BLUE, linewidth=2, label="predicted probability")
        ax.set(
            ylim=(0, 1),
            xlim=(float(x.min()), float(x.max())),
            xlabel=f"{measure_label(curve.predictor)} during the case (contacts)",
            ylabel="Probability of unification at closure",
        )
        held = "; ".join(
            f"{measure_label(var)} = {_held_value(info['value'])} ({info['how']})"
            for var, info in curve.held.items()
        )
        ax.text(
            0.98,
            0.04,
            f"Held: {held}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            wrap=True,
        )
        ax.legend(loc="upper left", fontsize=8)
        n = show_count(curve.n, min_cell_size)
        clusters = show_count(curve.clusters, min_cell_size)
        ax.set_title(
            f"Unification by {measure_label(curve.predictor).lower()}\n"
            f"(primary model, {METHODS.get(curve.method, curve.method)}; n = {n} closed cases, "
            f"{clusters} mentors)"
        )
    return fig


def _held_value(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


# --- 7. mentor workforce (P6) ---------------------------------------------------------------

GROUP_COLOURS = {"stable_or_advanced": GREEN, "challenge": VERMILLION, "other": GREY}
_GROUP_OF = {
    "still_employed": "stable_or_advanced",
    "promoted": "stable_or_advanced",
    "left_for_advancement": "stable_or_advanced",
    "relapse": "challenge",
    "boundary_violation": "challenge",
    "policy_violation": "challenge",
}


def workforce_exits(workforce: pd.DataFrame, *, min_cell_size: int = 11) -> Figure:
    """Mentors by exit reason and by outcome group (published workforce table).

    Suppressed counts are hatched bands across the axis labelled "suppressed", never
    numbers or bar lengths.
    """
    overall = workforce[workforce["row_type"] == "overall"]
    total = as_number(overall["count"].iloc[0]) if len(overall) else None
    reasons = _ordered(workforce, "exit_reason", EXIT_REASONS)
    groups = _ordered(workforce, "outcome_group", OUTCOME_GROUPS)
    span = (0.0, total if total else max([*_shown_counts(workforce), 1.0]))
    with theme():
        fig, axes = new_figure(9.0, 4.2, ncols=2, width_ratios=[1.4, 1.0])
        for ax, rows, colour_of in (
            (axes[0], reasons, lambda c: GROUP_COLOURS[_GROUP_OF.get(c, "other")]),
            (axes[1], groups, lambda c: GROUP_COLOURS.get(c, GREY)),
        ):
            _count_bars(ax, rows, span, colour_of)
            ax.set(xlim=span, xlabel="Mentors (count)")
        for group, colour in GROUP_COLOURS.items():
            axes[0].barh([], [], color=colour, label=group.replace("_", " "))
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        axes[0].set_title("By exit reason")
        axes[1].set_title("By outcome group")
        n = overall["count"].iloc[0] if len(overall) else None
        size = "no mentors" if n is None else f"n = {show_count(n, min_cell_size)} mentors"
        paper = _PUBLISHED["pct_mentors_stable_or_advanced"]
        fig.suptitle(
            f"Mentor workforce: how employment ended ({size})"
            f"\n{PAPER_LABEL}: 18 of 28 ({paper:g} %) stable or advanced"
        )
    return fig


def _ordered(workforce: pd.DataFrame, row_type: str, order: Sequence[str]) -> pd.DataFrame:
    rows = workforce[workforce["row_type"] == row_type]
    rank = {c: i for i, c in enumerate(order)}
    return rows.sort_values("category", key=lambda s: s.map(rank).fillna(len(rank)))


def _shown_counts(workforce: pd.DataFrame) -> list[float]:
    return [n for n in (as_number(v) for v in workforce["count"]) if n is not None]


def _count_bars(ax, rows: pd.DataFrame, span, colour_of) -> None:
    y = np.arange(len(rows))
    for position, (category, count) in zip(
        y, zip(rows["category"], rows["count"], strict=True), strict=True
    ):
        number = as_number(count)
        if number is None:
            _suppressed_band(ax, position, 0.7, count, span)
            continue
        ax.barh(position, number, height=0.7, color=colour_of(category), zorder=2)
        ax.text(number, position, f" {number:.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [c.replace("_", " ") for c in rows["category"]])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
