# Clean: per site, quarantine unusable rows with a reason; then combine all sites.


rule clean_site:
    input:
        code=script_code("clean_site.py"),
        mapped=expand("results/interim/{{site}}/mapped/{table}.parquet", table=TABLES),
        problems=expand(
            "results/interim/{{site}}/mapped/{table}_problems.parquet", table=TABLES
        ),
    output:
        kept=expand("results/interim/{{site}}/{table}.parquet", table=TABLES),
        quarantine=expand("results/quarantine/{{site}}/{table}.csv", table=TABLES),
        reconciliation="results/interim/{site}/reconciliation.csv",
        data_quality="results/interim/{site}/data_quality.csv",
    log:
        "logs/clean/{site}.log",
    benchmark:
        "results/benchmarks/clean/{site}.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        site=lambda wildcards: wildcards.site,
        tables=TABLES,
        site_config=site_config_params,
        grace_days=config["cleaning"]["contact_window_grace_days"],
        max_quarantine_share=config["cleaning"]["max_quarantine_share"],
        data_cutoff=config["study"]["data_cutoff"],
    message:
        "Cleaning site {wildcards.site}: quarantining unusable rows with their reasons"
    script:
        "../scripts/clean_site.py"


rule combine_sites:
    input:
        code=script_code("combine_sites.py"),
        kept=expand("results/interim/{site}/{table}.parquet", site=SITES, table=TABLES),
        reconciliation=expand("results/interim/{site}/reconciliation.csv", site=SITES),
        data_quality=expand("results/interim/{site}/data_quality.csv", site=SITES),
    output:
        tables=expand("results/interim/study/{table}.parquet", table=TABLES),
        # Exact small counts of quarantined rows: the reviewers' report only.
        reconciliation=audit_only(
            "results/tables/reconciliation.csv",
            caption="../report/reconciliation.rst",
            category="Data quality",
        ),
        data_quality=audit_only(
            "results/tables/data_quality.csv",
            caption="../report/data_quality.rst",
            category="Data quality",
        ),
    log:
        "logs/combine_sites.log",
    benchmark:
        "results/benchmarks/combine_sites.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    # Streamed one site at a time: 0.6 GB at 100x (60 sites), see docs/combine.md.
    resources:
        mem_mb=1500,
        runtime=5,
    params:
        sites=SITES,
        tables=TABLES,
        files={site: site_files(SITE_CONFIGS[site]) for site in SITES},
    message:
        "Combining {params.sites} into study-level canonical tables"
    script:
        "../scripts/combine_sites.py"
