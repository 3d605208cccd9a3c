"""Rural / urban comparison of service measures (P4), and its clustering sensitivity.

The paper reports that services "differed significantly between rural and more urban
settings" without naming its tests, so every choice here is a parameter (config section
``stratify``). The choices and why:

- Family-level test per measure: Mann-Whitney U (two-sided; service counts are skewed
  and zero-heavy; normal approximation with tie and continuity correction, exact only
  for tiny tie-free strata) or Welch's t-test. The effect size is always Cliff's
  delta, P(rural > urban) - P(rural < urban), with a percentile bootstrap CI that
  resamples families within each stratum.
- Share of families receiving a service (value > 0, count measures only): Pearson
  chi-square without continuity correction, or Fisher's exact test when any expected
  cell count is below 5; effect = rural share - urban share with Newcombe's hybrid
  score CI (built from Wilson intervals, so it needs no bootstrap).
- Multiplicity: the continuous and the share-receiving tests of one run form ONE family
  (Holm or Benjamini-Hochberg over every estimable test), because both answer the same
  question "do services differ?" and a reader will scan them together.
- A stratum with fewer than ``min_cell_size`` families with a value makes the
  comparison not estimable: its statistics are left blank and it leaves the family.
  A measure with no variation (every family, or none, receiving in both strata) is
  described but not tested, and leaves the family too.

Families are nested in sites and rurality is assigned per site, so family-level tests
treat correlated families as independent and overstate the evidence. The clustering
sensitivity therefore re-tests each measure with rurality permuted across SITES (exact
enumeration when the assignments are few; statistic: difference of the rural and
urban means of site means, or the family-level Cliff's delta) and with site-clustered
standard errors. ``survives_clustering`` needs the family-level adjusted p AND the
permutation p, adjusted across measures with the same method, below alpha.
With few sites both are weak: with 6 sites of which 2 are rural there are only 15
assignments, so the smallest attainable permutation p is 1/15 = 0.067 and no measure
can "survive clustering" at alpha 0.05; cluster-robust SEs with 6 clusters are
anti-conservative. The output says so (``min_attainable_p``, ``permutation_can_reach_alpha``).

The package, by what a reader looks for:

- ``tables``: the strata, the configurable choices, the columns of the three P4 tables and
  the ``suppress_small_cells`` arguments the publish step uses for them.
- ``effects``: Cliff's delta, its bootstrap CI, the per-measure test, p-value adjustment.
- ``compare``: shares receiving a service (Newcombe CI) and ``compare_strata``, the
  comparison table.
- ``clustering``: the site permutation test, the site-clustered regression and
  ``clustering_sensitivity``.
- ``outcome``: unification at closure per stratum (``outcome_by_stratum``).

Publishing the tables (small-cell suppression, rounding) is ``peermentor.publish.rural_urban``.
"""

from peermentor.analysis.rural_urban.clustering import (
    clustering_sensitivity,
    site_clustered_regression,
    site_permutation_test,
    site_strata_reason,
)
from peermentor.analysis.rural_urban.compare import compare_share, compare_strata, newcombe_ci
from peermentor.analysis.rural_urban.effects import (
    adjust_pvalues,
    bootstrap_ci,
    cliffs_delta,
    compare_measure,
)
from peermentor.analysis.rural_urban.outcome import outcome_by_stratum
from peermentor.analysis.rural_urban.tables import (
    COMPARISON_COLUMN_GROUPS,
    COMPARISON_COLUMNS,
    COMPARISON_COUNT_COLUMNS,
    COMPARISON_DEPENDENT_COLUMNS,
    OUTCOME_COLUMN_GROUPS,
    OUTCOME_COUNT_COLUMNS,
    OUTCOME_DEPENDENT_COLUMNS,
    PERMUTATION_STATISTICS,
    SENSITIVITY_COLUMNS,
    STRATA,
    strata,
)

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_COLUMN_GROUPS",
    "COMPARISON_COUNT_COLUMNS",
    "COMPARISON_DEPENDENT_COLUMNS",
    "OUTCOME_COLUMN_GROUPS",
    "OUTCOME_COUNT_COLUMNS",
    "OUTCOME_DEPENDENT_COLUMNS",
    "PERMUTATION_STATISTICS",
    "SENSITIVITY_COLUMNS",
    "STRATA",
    "adjust_pvalues",
    "bootstrap_ci",
    "cliffs_delta",
    "clustering_sensitivity",
    "compare_measure",
    "compare_share",
    "compare_strata",
    "newcombe_ci",
    "outcome_by_stratum",
    "site_clustered_regression",
    "site_permutation_test",
    "site_strata_reason",
    "strata",
]
