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

Figures draw what earlier stages wrote and never fit or summarize again: the predicted
probability of unification is the model step's table (``analysis.outcome.curve``), the
early-engagement curve the profile stage's (``analysis.engagement_curve``), the service
mix the published service profile's overall rows.

One module per analysis: ``service`` (P1-P2), ``early`` (P3), ``rural_urban`` (P4),
``outcome`` (P5), ``workforce`` (P6); ``style`` holds the theme, saving and the shared
panels. Callers use the names below as ``figures.<name>``.
"""

from peermentor.figures.early import early_engagement_curve
from peermentor.figures.outcome import odds_ratio_forest, unification_curve_figure
from peermentor.figures.rural_urban import rural_urban_effects
from peermentor.figures.service import service_distribution, service_mix
from peermentor.figures.style import (
    PALETTE,
    THEME_RC,
    not_estimable_panel,
    png_bytes,
    save_figure,
    show_count,
)
from peermentor.figures.workforce import workforce_exits

__all__ = [
    "PALETTE",
    "THEME_RC",
    "early_engagement_curve",
    "not_estimable_panel",
    "odds_ratio_forest",
    "png_bytes",
    "rural_urban_effects",
    "save_figure",
    "service_distribution",
    "service_mix",
    "show_count",
    "unification_curve_figure",
    "workforce_exits",
]
