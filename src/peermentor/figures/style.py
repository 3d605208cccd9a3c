"""The figures' shared look and writing: theme, palette, Figure factory, ``save_figure``.

Also the helpers every figure family uses: a count for a title (``show_count``, the
small-cell marker below ``min_cell_size``), the hatched band drawn for a suppressed value,
and the text-only panel shown for a statistic that is not estimable.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from peermentor.io import atomic_path
from peermentor.notebooks import as_number
from peermentor.publish.disclosure import COMPLEMENTARY_MARKER, is_marker
from peermentor.publish.replication import PUBLISHED

DPI = 150
# seaborn's "colorblind" palette and its "whitegrid" style at "paper" scale x 1.1, written
# out so a figure job or notebook kernel does not pay seaborn's import (seaborn loads
# scipy.stats: about 2 s in each of a dozen jobs). tests/figures/test_figures.py checks both
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

# The paper's figures by id (its means and odds ratios, drawn for reference).
PAPER_VALUES = {fig.id: fig.published for fig in PUBLISHED}


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
    """Write ``fig`` as PNG and SVG, each atomically; reruns give identical bytes.

    Both are drawn with one layout (``_laid_out``): the SVG's panels sit exactly where the
    PNG's do, and no format pays for the layout again.
    """
    with theme(), _laid_out(fig):
        with atomic_path(png_path) as tmp:
            fig.savefig(tmp, format="png", dpi=DPI, metadata=PNG_METADATA)
        with atomic_path(svg_path) as tmp:
            fig.savefig(tmp, format="svg", metadata=SVG_METADATA)


def png_bytes(fig: Figure) -> bytes:
    """The PNG ``save_figure`` would write, in memory (for notebooks)."""
    buffer = io.BytesIO()
    with theme(), _laid_out(fig):
        fig.savefig(buffer, format="png", dpi=DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


@contextmanager
def _laid_out(fig: Figure) -> Iterator[None]:
    """The figure's constrained layout computed once, then drawn without a layout engine.

    With an engine set, every ``savefig`` runs it inside a draw that renders nothing, then
    draws again: per format, a layout (text measured at ``DPI``, the figure's own DPI) and a
    draw more than the picture needs. The engine is restored afterwards; the bytes are those
    a plain ``savefig`` writes (tested).
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    fig.set_layout_engine(None)
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def show_count(value: object, min_cell_size: int) -> str:
    """A count for a title: the small-cell marker when 1..min_cell_size-1, markers as given."""
    number = as_number(value)
    if number is None:
        return str(value) if is_marker(value) else "?"
    if 0 < number < min_cell_size:
        return f"<{min_cell_size}"
    return f"{number:,.0f}"


def suppressed_band(ax, y: float, height: float, marker: object, span: tuple[float, float]):
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
