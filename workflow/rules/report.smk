# Report: the replication table (each published figure beside this run's value).


rule replication_table:
    input:
        code=script_code("replication_table.py"),
        profile="results/tables/family_profile.parquet",
        comparison="results/tables/rural_urban.csv",
        early="results/interim/study/early_engagement_by_family.parquet",
        per_mentor="results/interim/study/workforce_by_mentor.parquet",
        model="results/interim/replication/model.json",
    output:
        replication=report(
            "results/tables/replication.csv",
            caption="../report/replication.rst",
            category="Replication",
        ),
    log:
        "logs/replication_table.log",
    benchmark:
        "results/benchmarks/replication_table.tsv"
    # Local on a cluster: reads small per-family and per-mentor tables, under a second.
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        n_contacts=config["early_engagement"]["n_contacts"],
        anchor=config["early_engagement"]["anchor"],
        count_statuses=config["profile"]["count_statuses"],
        hours_include_collateral=config["profile"]["hours_include_collateral"],
        data_cutoff=config["study"]["data_cutoff"],
        primary=config["model"]["primary"],
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
    message:
        "Putting each published figure beside this run's value"
    script:
        "../scripts/replication_table.py"


rule manifest:
    input:
        code=script_code("manifest.py"),
        raw=all_raw_files(),
        site_configs=expand("{dir}/{site}.yaml", dir=config["sites_dir"], site=SITES),
        results=manifest_outputs(),
    output:
        manifest=audit_only(
            "results/manifest.json",
            caption="../report/manifest.rst",
            category="Provenance",
        ),
    log:
        "logs/manifest.log",
    benchmark:
        "results/benchmarks/manifest.tsv"
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        config=config,
    message:
        "Writing the run manifest: checksums of every input and output, config, versions"
    script:
        "../scripts/manifest.py"
