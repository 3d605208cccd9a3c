# Ingest: one job per site reads its export and maps it onto the data contract.


rule ingest_site:
    input:
        code=script_code("ingest_site.py"),
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
        tables=TABLES,
        site_config=site_config_params,
        rucc_threshold=config["rurality"]["rucc_rural_threshold"],
        pseudonymization=config["pseudonymization"],
    message:
        "Ingesting site {wildcards.site}: reading, mapping and pseudonymizing its export"
    script:
        "../scripts/ingest_site.py"


rule snapshot_sql:
    input:
        code=script_code("snapshot_sql.py"),
    output:
        snapshot="results/interim/{site}/snapshot/{table}.parquet",
        record="results/interim/{site}/snapshot/{table}.json",
    log:
        "logs/snapshot/{site}_{table}.log",
    benchmark:
        "results/benchmarks/snapshot/{site}_{table}.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        site=lambda wildcards: wildcards.site,
        table=lambda wildcards: wildcards.table,
        sql=sql_spec,
        read_token=sql_read_token,
    message:
        "Reading {wildcards.site}'s {wildcards.table} from its database into a snapshot"
    script:
        "../scripts/snapshot_sql.py"
