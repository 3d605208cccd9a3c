# Profile: per-family service profile and early engagement (P1-P3), and their published summaries.


rule family_profile:
    input:
        code=script_code("family_profile.py"),
        families="results/interim/study/families.parquet",
        contacts="results/interim/study/contacts.parquet",
    output:
        profile="results/tables/family_profile.parquet",
        early="results/interim/study/early_engagement_by_family.parquet",
        early_curve="results/interim/study/early_engagement_curve.parquet",
    log:
        "logs/family_profile.log",
    benchmark:
        "results/benchmarks/family_profile.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2500,
        runtime=5,
    params:
        data_cutoff=config["study"]["data_cutoff"],
        count_statuses=config["profile"]["count_statuses"],
        hours_include_collateral=config["profile"]["hours_include_collateral"],
        n_contacts=config["early_engagement"]["n_contacts"],
        anchor=config["early_engagement"]["anchor"],
        # Days of the cumulative-contacts curve the P3 figure draws: the window the paper's
        # "7 contacts in 23.6 days" sits in; a figure setting, not an analysis choice, so
        # it is fixed here rather than in config.yaml.
        curve_days=60,
    message:
        "Computing each family's service profile and early engagement"
    script:
        "../scripts/family_profile.py"


rule service_summaries:
    input:
        code=script_code("service_summaries.py"),
        profile="results/tables/family_profile.parquet",
        early="results/interim/study/early_engagement_by_family.parquet",
    output:
        service_profile=report(
            "results/tables/service_profile.csv",
            caption="../report/service_profile.rst",
            category="P1-P2 Service profile",
        ),
        early_engagement=report(
            "results/tables/early_engagement.csv",
            caption="../report/early_engagement.rst",
            category="P3 Early engagement",
        ),
    log:
        "logs/service_summaries.log",
    benchmark:
        "results/benchmarks/service_summaries.tsv"
    # Local on a cluster: summaries of the per-family table, seconds even at 100x; queueing
    # a SLURM job for it would cost more than it runs.
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
        n_contacts=config["early_engagement"]["n_contacts"],
    message:
        "Summarizing service profile and early engagement, overall and per site"
    script:
        "../scripts/service_summaries.py"
