# Notebooks: the narrative notebooks, executed with papermill and converted to HTML without code,
# in one process per notebook (peermentor.notebooks.render). The templates in notebooks/ are inputs; the
# executed notebook (execution timestamps removed, so reruns give identical files) and its HTML
# are outputs. Code is hidden; `snakemake results/notebooks/<name>.code.html` shows it.
rule study_notebook:
    input:
        code=script_code("render_notebook.py", "notebooks/study.ipynb"),
        notebook="notebooks/study.ipynb",
        replication="results/tables/replication.csv",
        service_profile="results/tables/service_profile.csv",
        early_engagement="results/tables/early_engagement.csv",
        rural_urban="results/tables/rural_urban.csv",
        rural_urban_clustering="results/tables/rural_urban_clustering.csv",
        workforce="results/tables/workforce.csv",
        coefficients="results/models/coefficients.csv",
        predictor_ranking="results/models/predictor_ranking.csv",
        visit_gap="results/models/visit_gap.csv",
        fig_service_distribution="results/figures/service_distribution.png",
        fig_service_mix="results/figures/service_mix.png",
        fig_early_engagement="results/figures/early_engagement.png",
        fig_odds_ratios="results/figures/odds_ratios.png",
        fig_unification_curve="results/figures/unification_curve.png",
        fig_workforce_exits="results/figures/workforce_exits.png",
    output:
        notebook="results/notebooks/study.ipynb",
        html=report(
            "results/notebooks/study.html",
            caption="../report/nb_study.rst",
            category="Notebooks",
            subcategory="Study",
            labels={"notebook": "study", "format": "HTML"},
        ),
    log:
        "logs/notebooks/study.log",
    benchmark:
        "results/benchmarks/study_notebook.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        parameters={
            "min_cell_size": config["disclosure"]["min_cell_size"],
            "study_name": config["study"]["name"],
        },
    message:
        "Executing the study notebook (P1-P6 for program leaders) and converting it to HTML"
    script:
        "../scripts/render_notebook.py"


rule site_notebook:
    input:
        code=script_code("render_notebook.py", "notebooks/site.ipynb"),
        notebook="notebooks/site.ipynb",
        reconciliation="results/tables/reconciliation.csv",
        service_profile="results/tables/service_profile.csv",
        early_engagement="results/tables/early_engagement.csv",
        family_profile="results/tables/family_profile.parquet",
        quarantine_families="results/quarantine/{site}/families.csv",
        quarantine_contacts="results/quarantine/{site}/contacts.csv",
        quarantine_mentors="results/quarantine/{site}/mentors.csv",
    output:
        notebook="results/notebooks/site_{site}.ipynb",
        html=report(
            "results/notebooks/site_{site}.html",
            caption="../report/nb_site.rst",
            category="Notebooks",
            subcategory="Sites",
            labels={"notebook": "site {site}", "format": "HTML"},
        ),
    log:
        "logs/notebooks/site_{site}.log",
    benchmark:
        "results/benchmarks/site_notebook/{site}.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        parameters=lambda wildcards: {
            "site_id": wildcards.site,
            "min_cell_size": config["disclosure"]["min_cell_size"],
            "study_name": config["study"]["name"],
        },
    message:
        "Executing the site notebook for {wildcards.site} and converting it to HTML"
    script:
        "../scripts/render_notebook.py"


rule notebook_with_code:
    input:
        code=script_code("notebook_with_code.py"),
        notebook="results/notebooks/{notebook}.ipynb",
    output:
        html="results/notebooks/{notebook}.code.html",
    log:
        "logs/notebooks/{notebook}.code.log",
    wildcard_constraints:
        notebook="study|partnership|site_[a-z][a-z0-9_]*",
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Converting the executed notebook {wildcards.notebook} to HTML with its code shown"
    script:
        "../scripts/notebook_with_code.py"
