"""Disclosure audit: an attacker over the published tables (docs/design.md section 10).

``audit_disclosure(results_dir, min_cell_size)`` reads every public CSV under
``results_dir/tables`` and ``results_dir/models`` as printed text (the precision an
outside reader sees) and tries to recover each suppressed count (a cell "<11" or
"[c]") with these attacks:

- ``difference``: a total minus its shown parts, within a row (n_families =
  n_reached + n_not_reached, n_receiving + n_not_receiving, n_unified + n_separated)
  and across rows (site rows add up to the overall row of the same measure; exit
  reasons and outcome groups add up to all mentors);
- ``share``: a shown share times its shown denominator (share_reached x n_families,
  share_receiving, share_unified, share of mentors);
- ``mean_integrality``: a shown mean of whole-valued data (counts, calendar days) or
  data in known steps (hours in minutes) over a group whose n is suppressed: every n
  the suppressed count allows is tried and the count is recovered when only one n is
  consistent with the printed mean at its printed precision (the replication table's
  mean days to the 7th contact gives the n of families reaching 7);
- ``wilson_ci``: a shown Wilson interval (95 %) with its denominator pins the count,
  with its share pins the denominator;
- ``cliffs_delta``: Cliff's delta = 2U/(n1 n2) - 1 with U and delta printed gives
  n1 n2, hence a suppressed stratum n when the other is shown or the strata's sum is;
- ``linked_gap``: days to the Nth contact by stratum leave out each stratum's families
  not reaching N, which add up to the early-engagement table's overall n_not_reached:
  one stratum's shown n gives the other's back.

A recovered count is one that exactly one candidate value in 1..min_cell_size-1 fits
(or, for a complementary cell, one value at all). Each finding names the outputs and
cells that gave it away. Audit-only tables (``AUDIT_ONLY``: exact reconciliation
counts) belong in the reviewers' report and are not attacked; any other table that
shows a count of 1..min_cell_size-1 in an ``n_*`` or ``count`` column is a finding too.

Modules: ``attacker`` (the driver and ``AUDIT_ONLY``), ``cells`` (printed cells and their
precision), ``sums`` (difference and share attacks), ``statistics`` (mean integrality,
Wilson intervals, Cliff's delta).
"""

from peermentor.publish.audit.attacker import (
    AUDIT_ONLY,
    audit_disclosure,
    audit_table,
    findings_frame,
)
from peermentor.publish.audit.cells import Cell, Finding, fits_mean, half_width

__all__ = [
    "AUDIT_ONLY",
    "Cell",
    "Finding",
    "audit_disclosure",
    "audit_table",
    "findings_frame",
    "fits_mean",
    "half_width",
]
