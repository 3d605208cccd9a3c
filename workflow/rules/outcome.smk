# Outcome: what predicts unification at case closure (P5).


rule outcome_models:
    input:
        code=script_code("outcome_models.py"),
        profile="results/tables/family_profile.parquet",
    output:
        coefficients=report(
            "results/models/coefficients.csv",
            caption="../report/coefficients.rst",
            category="P5 Outcome at closure",
        ),
        ranking=report(
            "results/models/predictor_ranking.csv",
            caption="../report/predictor_ranking.rst",
            category="P5 Outcome at closure",
        ),
        diagnostics=audit_only(
            "results/models/diagnostics.csv",
            caption="../report/model_diagnostics.rst",
            category="Diagnostics",
        ),
        visit_gap=report(
            "results/models/visit_gap.csv",
            caption="../report/visit_gap.rst",
            category="P5 Outcome at closure",
        ),
        summary=report(
            "results/models/summary.txt",
            caption="../report/model_summary.rst",
            category="P5 Outcome at closure",
        ),
        # statsmodels' full-precision text with exact counts: the audit report only.
        summaries=audit_only(
            "results/models/summaries.txt",
            caption="../report/model_summaries.rst",
            category="Diagnostics",
        ),
        computed="results/interim/replication/model.json",
        curve="results/interim/models/unification_curve.json",
    log:
        "logs/outcome_models.log",
    benchmark:
        "results/benchmarks/outcome_models.tsv"
    # On the critical path (the study notebook waits for it): started first among ready jobs.
    priority: 4
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        primary=config["model"]["primary"],
        cluster=config["model"]["cluster"],
        sensitivity=config["model"].get("sensitivity", {}),
        # The paper's headline predictor (P5), for the predicted unification curve; it
        # must be a term of model.primary.
        predictor="face_to_face_with_children",
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
    message:
        "Fitting the outcome models: primary, GEE, naive and sensitivity"
    script:
        "../scripts/outcome_models.py"
