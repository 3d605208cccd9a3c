# Notebooks: the narrative notebooks, executed with papermill and converted to HTML without code.
# The templates in notebooks/ are inputs; the executed notebook and its HTML are outputs. Between
# the two, `python -m peermentor.narrative strip` removes execution timestamps so reruns give
# identical files. Code is hidden; `snakemake results/notebooks/<name>.code.html` shows it.
import sys

from snakemake.settings.types import DeploymentMethod

# As for Snakemake's script: directive: the rule's conda env python under --use-conda, else the
# interpreter running Snakemake (a job's PATH need not hold an unactivated venv's python).
NOTEBOOK_PYTHON = (
    "python"
    if DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
    else sys.executable
)


rule study_notebook:
    input:
        code=package_code("narrative.py", "figures.py"),
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
        mem_mb=2000,
        runtime=10,
    params:
        python=NOTEBOOK_PYTHON,
        min_cell_size=config["disclosure"]["min_cell_size"],
        study_name=config["study"]["name"],
    message:
        "Executing the study notebook (P1-P6 for program leaders) and converting it to HTML"
    shell:
        "({params.python:q} -m papermill --kernel python3 --no-progress-bar --log-level WARNING"
        " -r replication {input.replication:q}"
        " -r service_profile {input.service_profile:q}"
        " -r early_engagement {input.early_engagement:q}"
        " -r rural_urban {input.rural_urban:q}"
        " -r rural_urban_clustering {input.rural_urban_clustering:q}"
        " -r workforce {input.workforce:q}"
        " -r coefficients {input.coefficients:q}"
        " -r predictor_ranking {input.predictor_ranking:q}"
        " -r visit_gap {input.visit_gap:q}"
        " -r fig_service_distribution {input.fig_service_distribution:q}"
        " -r fig_service_mix {input.fig_service_mix:q}"
        " -r fig_early_engagement {input.fig_early_engagement:q}"
        " -r fig_odds_ratios {input.fig_odds_ratios:q}"
        " -r fig_unification_curve {input.fig_unification_curve:q}"
        " -r fig_workforce_exits {input.fig_workforce_exits:q}"
        " -p min_cell_size {params.min_cell_size} -r study_name {params.study_name:q}"
        " {input.notebook:q} {output.notebook:q}"
        " && {params.python:q} -m peermentor.narrative strip {output.notebook:q}"
        " && {params.python:q} -m nbconvert --to html --no-input --log-level WARN"
        " --output-dir $(dirname {output.html:q}) --output $(basename {output.html:q} .html)"
        " {output.notebook:q}) > {log:q} 2>&1"


rule site_notebook:
    input:
        code=package_code("narrative.py", "figures.py"),
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
        mem_mb=2000,
        runtime=10,
    params:
        python=NOTEBOOK_PYTHON,
        min_cell_size=config["disclosure"]["min_cell_size"],
        study_name=config["study"]["name"],
    message:
        "Executing the site notebook for {wildcards.site} and converting it to HTML"
    shell:
        "({params.python:q} -m papermill --kernel python3 --no-progress-bar --log-level WARNING"
        " -r site_id {wildcards.site}"
        " -r reconciliation {input.reconciliation:q}"
        " -r service_profile {input.service_profile:q}"
        " -r early_engagement {input.early_engagement:q}"
        " -r family_profile {input.family_profile:q}"
        " -r quarantine_families {input.quarantine_families:q}"
        " -r quarantine_contacts {input.quarantine_contacts:q}"
        " -r quarantine_mentors {input.quarantine_mentors:q}"
        " -p min_cell_size {params.min_cell_size} -r study_name {params.study_name:q}"
        " {input.notebook:q} {output.notebook:q}"
        " && {params.python:q} -m peermentor.narrative strip {output.notebook:q}"
        " && {params.python:q} -m nbconvert --to html --no-input --log-level WARN"
        " --output-dir $(dirname {output.html:q}) --output $(basename {output.html:q} .html)"
        " {output.notebook:q}) > {log:q} 2>&1"


rule notebook_with_code:
    input:
        notebook="results/notebooks/{notebook}.ipynb",
    output:
        html="results/notebooks/{notebook}.code.html",
    log:
        "logs/notebooks/{notebook}.code.log",
    wildcard_constraints:
        notebook="study|site_[a-z][a-z0-9_]*",
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        python=NOTEBOOK_PYTHON,
    message:
        "Converting the executed notebook {wildcards.notebook} to HTML with its code shown"
    shell:
        "{params.python:q} -m nbconvert --to html --log-level WARN"
        " --output-dir $(dirname {output.html:q}) --output $(basename {output.html:q} .html)"
        " {input.notebook:q} > {log:q} 2>&1"
