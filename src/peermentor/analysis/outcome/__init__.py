"""P5: predictors of family unification at case closure (logistic models, clustered errors)."""
