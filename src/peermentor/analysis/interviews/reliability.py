"""Agreement statistics on reliability data: percentage agreement, Cohen's kappa, Krippendorff's
alpha (nominal) and its bootstrap interval.

Reliability data are a coders x items array; NaN marks an item a coder did not code. Every
statistic returns ``(value, note)``: the value is NaN and the note says why when the statistic
is undefined (no variation, too few items), so a theme every coder finds in every interview
gives a row with a reason, never a crash or a division by zero.

Krippendorff's alpha follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability":
with the coincidences o_ck summed over the items coded by two or more coders (pairable values),
n_c = sum_k o_ck and n = sum_c n_c, nominal alpha = 1 - (n - 1) D / (n^2 - sum_c n_c^2), where
D = sum over items of (m_u^2 - sum_c n_uc^2) / (m_u - 1) is the number of disagreeing pairable
pairs (m_u values in item u, n_uc of them equal to c). Alpha is a sum over items, so the
bootstrap only re-weights per-item sums (``ItemSums``): resampling items or whole documents
costs one matrix product per chunk of replicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_VARIATION = "no variation: every value is the same, so chance agreement is total"
TOO_FEW = "no item coded by two or more coders"
#: Replicates per chunk x resampled groups kept below this (memory of the weight matrix).
_CHUNK_CELLS = 4_000_000


def percent_agreement(data: np.ndarray) -> tuple[float, str]:
    """Share of the items coded by 2+ coders on which every one of them gave the same value."""
    data = np.asarray(data, dtype=float)
    coded = ~np.isnan(data)
    pairable = coded.sum(axis=0) >= 2
    if not pairable.any():
        return np.nan, TOO_FEW
    values = data[:, pairable]
    low = np.nanmin(values, axis=0)
    high = np.nanmax(values, axis=0)
    return float(np.mean(low == high)), ""


def cohens_kappa(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    """Cohen's kappa of two coders on the items both coded: (p_o - p_e) / (1 - p_e).

    p_o is the observed share of agreement and p_e the agreement expected from each coder's
    own marginal distribution. Undefined (NaN) when p_e = 1: both coders gave one and the
    same value to every item.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    if len(a) == 0:
        return np.nan, "no item coded by both coders"
    categories = np.union1d(a, b)
    p_a = np.array([np.mean(a == c) for c in categories])
    p_b = np.array([np.mean(b == c) for c in categories])
    p_o = float(np.mean(a == b))
    p_e = float(p_a @ p_b)
    if np.isclose(p_e, 1.0):
        return np.nan, NO_VARIATION
    return (p_o - p_e) / (1.0 - p_e), ""


def pairwise_kappa(data: np.ndarray) -> tuple[float, str]:
    """Cohen's kappa for two coders; for more, the mean of the pairwise kappas (Light 1971)."""
    data = np.asarray(data, dtype=float)
    if data.shape[0] < 2:
        return np.nan, "fewer than two coders"
    kappas, notes = [], []
    for i in range(data.shape[0]):
        for j in range(i + 1, data.shape[0]):
            value, note = cohens_kappa(data[i], data[j])
            kappas.append(value)
            notes.append(note)
    finite = [k for k in kappas if np.isfinite(k)]
    if not finite:
        return np.nan, notes[0]
    return float(np.mean(finite)), ""


@dataclass(frozen=True)
class ItemSums:
    """Per-item sums of alpha's terms, items coded by 2+ coders only.

    ``disagreements``: D_u, disagreeing pairable pairs of item u (weighted by 1 / (m_u - 1));
    ``values``: n_uc, item u's pairable values equal to category c (items x categories).
    """

    disagreements: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, data: np.ndarray) -> ItemSums:
        data = np.asarray(data, dtype=float)
        keep = (~np.isnan(data)).sum(axis=0) >= 2
        data = data[:, keep]
        categories = np.unique(data[~np.isnan(data)])
        counts = np.zeros((data.shape[1], len(categories)))
        for j, c in enumerate(categories):
            counts[:, j] = (data == c).sum(axis=0)
        m = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            disagreements = (m**2 - (counts**2).sum(axis=1)) / (m - 1)
        return cls(disagreements=np.nan_to_num(disagreements), values=counts)

    def grouped(self, groups: np.ndarray) -> ItemSums:
        """Sums per group of items (e.g. per document), for a cluster bootstrap."""
        _, index = np.unique(np.asarray(groups), return_inverse=True)
        n = int(index.max()) + 1 if len(index) else 0
        disagreements = np.bincount(index, weights=self.disagreements, minlength=n)
        values = np.zeros((n, self.values.shape[1]))
        np.add.at(values, index, self.values)
        return ItemSums(disagreements=disagreements, values=values)


def alpha_from_sums(disagreements: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Nominal alpha from summed D and n_c (last axis: categories); NaN where undefined."""
    n_c = np.asarray(values, dtype=float)
    n = n_c.sum(axis=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * np.asarray(disagreements, dtype=float) / expected
    return np.where((expected > 0) & (n >= 2), alpha, np.nan)


def krippendorff_alpha(data: np.ndarray) -> tuple[float, str]:
    """Krippendorff's alpha, nominal, of coders x items reliability data (NaN = not coded)."""
    sums = ItemSums.of(data)
    if len(sums.disagreements) == 0:
        return np.nan, TOO_FEW
    value = float(alpha_from_sums(sums.disagreements.sum(), sums.values.sum(axis=0)))
    if np.isnan(value):
        return np.nan, NO_VARIATION
    return value, ""


def bootstrap_alpha(
    data: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, str]:
    """Percentile interval of nominal alpha over resamples of items, or of groups of items.

    ``groups`` (one label per item, e.g. the document) resamples whole groups: the items of
    one interview are not independent. Replicates in which alpha is undefined (a resample
    without variation) are dropped and counted in the note.
    """
    data = np.asarray(data, dtype=float)
    sums = ItemSums.of(data)
    if groups is not None:
        keep = (~np.isnan(data)).sum(axis=0) >= 2
        sums = sums.grouped(np.asarray(groups)[keep])
    n_groups = len(sums.disagreements)
    if n_groups == 0 or sums.values.shape[1] == 0:
        return np.nan, np.nan, TOO_FEW
    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_CELLS // n_groups)
    alphas = []
    for start in range(0, n_bootstrap, chunk):
        reps = min(chunk, n_bootstrap - start)
        draws = rng.integers(0, n_groups, size=(reps, n_groups))
        # How often each group is drawn in each replicate, as one flat bincount.
        flat = (draws + n_groups * np.arange(reps)[:, None]).ravel()
        weights = np.bincount(flat, minlength=reps * n_groups).reshape(reps, n_groups) * 1.0
        alphas.append(alpha_from_sums(weights @ sums.disagreements, weights @ sums.values))
    values = np.concatenate(alphas)
    finite = values[np.isfinite(values)]
    dropped = len(values) - len(finite)
    note = f"{dropped} of {n_bootstrap} resamples without variation left out" if dropped else ""
    if len(finite) == 0:
        return np.nan, np.nan, NO_VARIATION
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return float(low), float(high), note
