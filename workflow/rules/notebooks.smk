# Notebooks: the narrative notebooks, executed with papermill and converted to HTML without code,
# in one process per notebook, and all the site notebooks in one process (peermentor.notebooks.render).
# The templates in notebooks/ are inputs; the executed notebook (execution timestamps removed,
# so reruns give identical files) and its HTML are outputs. Code is hidden;
# `snakemake results/notebooks/<name>.code.html` shows it.
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
        fig_rural_urban="results/figures/rural_urban.png",
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
    # On the critical path (the audit and the report wait for it): started first among ready jobs.
    priority: 4
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


# Every site's notebook in one job: one kernel and one HTML converter for all sites (starting a
# kernel, importing in it and loading nbconvert's templates cost seconds; a site's execution a
# fraction of one). The kernel is reset between sites, so each site's files are those a fresh
# kernel gives. Per-site inputs, outputs and logs are lists in the order of SITES.
rule site_notebooks:
    input:
        code=script_code("render_site_notebooks.py", "notebooks/site.ipynb"),
        notebook="notebooks/site.ipynb",
        reconciliation="results/tables/reconciliation.csv",
        service_profile="results/tables/service_profile.csv",
        early_engagement="results/tables/early_engagement.csv",
        family_profile="results/tables/family_profile.parquet",
        quarantine_families=expand("results/quarantine/{site}/families.csv", site=SITES),
        quarantine_contacts=expand("results/quarantine/{site}/contacts.csv", site=SITES),
        quarantine_mentors=expand("results/quarantine/{site}/mentors.csv", site=SITES),
    output:
        notebook=expand("results/notebooks/site_{site}.ipynb", site=SITES),
        html=[
            report(
                f"results/notebooks/site_{site}.html",
                caption="../report/nb_site.rst",
                category="Notebooks",
                subcategory="Sites",
                labels={"notebook": f"site {site}", "format": "HTML"},
            )
            for site in SITES
        ],
    log:
        job="logs/notebooks/sites.log",
        sites=expand("logs/notebooks/site_{site}.log", site=SITES),
    benchmark:
        "results/benchmarks/site_notebooks.tsv"
    # The longest job after combining: started early so it overlaps the critical path (before
    # the partnership notebook, which fits after the study notebook).
    priority: 3
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        # minutes: a kernel start, then well under 10 s a site
        runtime=5 + len(SITES) // 6,
    params:
        sites=SITES,
        parameters={
            "min_cell_size": config["disclosure"]["min_cell_size"],
            "study_name": config["study"]["name"],
        },
    message:
        "Executing the site notebook of each site ({params.sites}) and converting it to HTML"
    script:
        "../scripts/render_site_notebooks.py"


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
