"""The paper's visit gap (P5): face-to-face visits, unified minus separated families.

Huebner et al. (2018): intact families had about 14 more face-to-face visits.
``visit_gap`` gives the difference on closed cases with a Welch 95 % CI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from peermentor.analysis.outcome.frame import model_frame


def visit_gap(profile: pd.DataFrame, measure: str = "face_to_face_with_children") -> dict:
    """Mean ``measure`` in unified minus separated families (closed cases), Welch 95 % CI.

    The paper: intact families had about 14 more face-to-face visits.
    """
    frame = model_frame(profile, f"unified_at_closure ~ {measure}", cluster=None)
    unified = frame.loc[frame["unified_at_closure"] == 1, measure].to_numpy(dtype=float)
    separated = frame.loc[frame["unified_at_closure"] == 0, measure].to_numpy(dtype=float)
    diff, low, high, df, p = _welch(unified, separated)
    return {
        "measure": measure,
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "mean_unified": float(np.mean(unified)) if len(unified) else float("nan"),
        "mean_separated": float(np.mean(separated)) if len(separated) else float("nan"),
        "n_unified": len(unified),
        "n_separated": len(separated),
        "welch_df": df,
        "p_value": p,
        "excluded": frame.attrs["exclusions"],
    }


def _welch(a: np.ndarray, b: np.ndarray, level: float = 0.95):
    if len(a) < 2 or len(b) < 2:
        diff = float(np.mean(a) - np.mean(b)) if len(a) and len(b) else float("nan")
        return diff, float("nan"), float("nan"), float("nan"), float("nan")
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    diff = float(np.mean(a) - np.mean(b))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    p = float(2 * stats.t.sf(abs(diff / se), df))
    return diff, float(diff - half), float(diff + half), float(df), p
