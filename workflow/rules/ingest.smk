# Ingest: one job per site reads its export and maps it onto the data contract.


rule ingest_site:
    input:
        code=package_code(
            "jobs/ingest.py",
            "contract.py",
            "ingest/rurality.py",
            "ingest/read.py",
            "ingest/mapping.py",
            "ingest/pseudonymize.py",
            "ingest/site.py",
        ),
        site_config=site_config_file,
        exports=site_raw_files,
    output:
        mapped=expand("results/interim/{{site}}/mapped/{table}.parquet", table=TABLES),
        problems=expand(
            "results/interim/{{site}}/mapped/{table}_problems.parquet", table=TABLES
        ),
    log:
        "logs/ingest/{site}.log",
    benchmark:
        "results/benchmarks/ingest/{site}.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        site_config=site_config_params,
        rucc_threshold=config["rurality"]["rucc_rural_threshold"],
        pseudonymization=config["pseudonymization"],
    message:
        "Ingesting site {wildcards.site}: reading, mapping and pseudonymizing its export"
    script:
        "../scripts/ingest_site.py"
