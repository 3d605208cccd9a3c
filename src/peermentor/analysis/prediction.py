"""The predicted unification curve as a record: what the model step writes and the figure
draws (``analysis.outcome.curve`` computes it).

A module of its own so that reading the record does not import the models: the figure jobs
would otherwise load statsmodels and scipy, about a second per job, for a dataclass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd


@dataclass
class PredictionCurve:
    """Predicted probability of unification over a grid of one predictor.

    ``not_estimable`` holds the reason when the primary model cannot give the curve
    (the predictor dropped, the fit failed); ``frame`` is then empty.
    """

    frame: pd.DataFrame  # predictor value, probability, ci_low, ci_high
    predictor: str
    held: dict[str, dict]  # the other covariates: value and how it was chosen
    formula: str
    n: int
    events: int
    clusters: int | None
    cov_type: str
    method: str
    level: float
    notes: list[str] = field(default_factory=list)
    not_estimable: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready, in an order-keeping form (the writer sorts object keys, and the figure
        lists the held covariates in the formula's order); floats keep every digit."""
        record = asdict(self)
        record["frame"] = {
            "columns": list(self.frame.columns),
            "rows": [[_plain(v) for v in row] for row in self.frame.itertuples(index=False)],
        }
        record["held"] = [
            [var, _plain(info["value"]), info["how"]] for var, info in self.held.items()
        ]
        return record

    @classmethod
    def from_dict(cls, record: dict) -> PredictionCurve:
        frame = pd.DataFrame(record["frame"]["rows"], columns=record["frame"]["columns"])
        held = {var: {"value": value, "how": how} for var, value, how in record["held"]}
        return cls(**{**record, "frame": frame.astype(float), "held": held})


def _plain(value: object) -> object:
    """numpy scalars as Python ones, for ``json``."""
    return value.item() if isinstance(value, np.generic) else value
