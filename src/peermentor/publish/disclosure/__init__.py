"""Disclosure control: every published table goes through ``suppress_small_cells``.

Policy (CMS cell-size policy; docs/design.md section 7, ``disclosure.min_cell_size``):

1. Primary suppression. A count of families or mentors from 1 to ``min_cell_size - 1``
   is replaced by the marker ``f"<{min_cell_size}"`` (e.g. "<11"). Zero is shown, and
   so is a count equal to the threshold.
2. Complementary suppression. A suppressed cell must not be recoverable by
   subtraction from a shown total. Two kinds of additive groups are protected:
   - row groups: for each count column, the rows sharing the values of
     ``group_columns`` (all rows when only ``total_row_mask`` is given), excluding the
     total rows marked by ``total_row_mask``, whose cells sum to a total published here
     or elsewhere (e.g. per-site rows summing to the overall row);
   - column groups: ``column_groups`` maps a total column to the part columns that sum
     to it within a row (e.g. n_reached + n_not_reached = n_families).
   Within a group, while exactly one cell is suppressed, or the suppressed cells sum
   to less than ``min_cell_size`` (their sum would itself be a small, recoverable
   count), the smallest shown non-zero cell (first in row/column order on ties) is
   suppressed as well, with the marker ``COMPLEMENTARY_MARKER`` ("[c]") because it is
   not itself small. Zeros are used only when no non-zero cell is left. Row and column
   groups are repeated until nothing changes.
3. Dependent values. ``dependent_columns`` maps a count column to the columns derived
   from it (shares, means, SDs, CIs, tenure); they get the marker of their base count
   where it is suppressed (the small-cell marker wins over the complementary one).
   ``primary_dependent_columns`` maps a count to statistics over its group (means,
   SDs, quantiles, days to the Nth contact) that are hidden only where the count itself
   is small: a group hidden as a complement has at least ``min_cell_size`` members,
   and a mean over n of them printed at 1 decimal fits about 0.1 n whole totals (at
   least one for every candidate n), so it reveals neither n nor the small count. The
   publish helpers use it only when ``10 ** -decimals["mean"] * min_cell_size >= 1``.
   Shares (count / denominator) always follow their counts: they give the count back.

Suppressed and dependent columns come back as object dtype (numbers and marker
strings); integral counts are shown as integers. A ``suppressed`` column says whether
anything in the row was suppressed. The result is deterministic.

4. Fixed precision. Every published statistic is rounded (``round_published``) to the
   decimals of its kind (``DEFAULT_DECIMALS``, configurable as ``disclosure.decimals``):
   means, SDs, quantiles, days, hours and months 1 decimal; shares and CIs of shares 3
   decimals (0.1 percentage point); effects (Cliff's delta, share differences) 2; odds
   ratios 3 (1.095 per visit beside the paper's 1.09); test statistics (U) whole
   numbers; p-values 3 significant digits; model coefficients, SEs and LR chi2 3
   (``coefficient``). Counts are integers. The CSV holds each statistic printed with
   exactly its decimals (``format_published``: "0.80", "14.0", "1.000", "0.700", never
   "-0.00"), and every reader (notebooks, report) shows that text unchanged. Full float precision
   leaks: mean x n is an integer for exactly one n near a small suppressed count,
   which gives that count back. At 1 decimal a mean over n families fits about 0.1 n
   whole totals, so every candidate n fits once n is in the tens (the audit,
   ``peermentor audit-disclosure``, checks it on every run).
5. Statistics of a suppressed group are suppressed with it: a stratum's mean, SD,
   quantiles, U, Cliff's delta, effect CI and p-values take the marker of its n. Where
   the n is hidden only because its gap to a count published elsewhere is small
   (``suppress_linked_counts``: days to the Nth contact leaves out the few families not
   reaching N), the n is not small: only U goes with it (U and Cliff's delta give n1 n2),
   and, as for the complements of point 3, the descriptives go too only when means are
   printed finer than ``10 ** -decimals["mean"] * min_cell_size >= 1`` allows. The other
   stratum's n goes as well when its gap is not zero: the gaps add up to a published
   total. Nothing else is blanked: a share whose complement is small is suppressed only
   through its counts, never a whole table.

Linked tables (the same counts in several published tables, or nested categories such
as exit reasons within outcome groups) are protected only as far as each table's
groups are declared; the ``publish_*`` helpers (``tables``) declare them for the
study's summary tables.

Modules: ``suppression`` (points 1-3 and 5, the markers and ``is_marker``), ``precision``
(point 4), ``tables`` (the study's published tables).
"""

from peermentor.publish.disclosure.precision import (
    DEFAULT_DECIMALS,
    format_published,
    format_replication,
    round_published,
    round_replication,
    round_value,
    statistic_kind,
)
from peermentor.publish.disclosure.suppression import (
    COMPLEMENTARY_MARKER,
    is_marker,
    small_cell_marker,
    suppress_linked_counts,
    suppress_small_cells,
)
from peermentor.publish.disclosure.tables import (
    PROFILE_STATS,
    bound_near_complete_share,
    means_protect_complements,
    publish_early_summary,
    publish_profile_summary,
    publish_replication,
    publish_workforce_summary,
)

__all__ = [
    "COMPLEMENTARY_MARKER",
    "DEFAULT_DECIMALS",
    "PROFILE_STATS",
    "bound_near_complete_share",
    "format_published",
    "format_replication",
    "is_marker",
    "means_protect_complements",
    "publish_early_summary",
    "publish_profile_summary",
    "publish_replication",
    "publish_workforce_summary",
    "round_published",
    "round_replication",
    "round_value",
    "small_cell_marker",
    "statistic_kind",
    "suppress_linked_counts",
    "suppress_small_cells",
]
