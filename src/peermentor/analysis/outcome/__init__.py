"""P5: predictors of family unification at case closure (logistic models, clustered errors).

Modules, in the order a run uses them (``fit`` describes the models and the paper's figures):

    frame         model_frame: the closed cases a formula can use, each exclusion counted
    diagnostics   formula variables, design matrices, separation (LP), VIF, AUC, Hosmer-Lemeshow
    firth         Firth's penalized likelihood, the fallback under separation
    fit           FitResult; fit_logit (clustered or naive SEs), fit_gee, fit_models
    coefficients  tidy coefficients (CR1 and CR3 rows), inference used, replication values
    tables        exclusions, fit quality, the diagnostics table, the readable summaries
    ranking       rank_predictors: drop-one likelihood-ratio tests of each predictor
    gap           visit_gap: face-to-face visits, unified minus separated (Welch CI)
    curve         the predicted probability of unification over the headline predictor,
                  from the primary fit (the figure draws it; nothing refits)

The names used outside the package are re-exported here. Publishing (small counts of the
diagnostics table suppressed) is ``peermentor.publish.outcome``.
"""

from peermentor.analysis.outcome.coefficients import (
    TIDY_COLUMNS,
    replication_values,
    tidy_coefficients,
)
from peermentor.analysis.outcome.curve import (
    PredictionCurve,
    prediction_curve,
    typical_covariates,
    unification_curve,
)
from peermentor.analysis.outcome.diagnostics import (
    SeparationWarning,
    design_matrices,
    detect_separation,
    formula_variables,
)
from peermentor.analysis.outcome.firth import FirthResult, fit_firth
from peermentor.analysis.outcome.fit import (
    FitResult,
    fit_gee,
    fit_logit,
    fit_logit_clustered,
    fit_models,
)
from peermentor.analysis.outcome.frame import model_frame
from peermentor.analysis.outcome.gap import visit_gap
from peermentor.analysis.outcome.ranking import RANK_COLUMNS, rank_predictors
from peermentor.analysis.outcome.tables import (
    diagnostics_table,
    exclusions_table,
    fit_quality,
    model_summary_text,
)

__all__ = [
    "RANK_COLUMNS",
    "TIDY_COLUMNS",
    "FirthResult",
    "FitResult",
    "PredictionCurve",
    "SeparationWarning",
    "design_matrices",
    "detect_separation",
    "diagnostics_table",
    "exclusions_table",
    "fit_firth",
    "fit_gee",
    "fit_logit",
    "fit_logit_clustered",
    "fit_models",
    "fit_quality",
    "formula_variables",
    "model_frame",
    "model_summary_text",
    "prediction_curve",
    "rank_predictors",
    "replication_values",
    "tidy_coefficients",
    "typical_covariates",
    "unification_curve",
    "visit_gap",
]
