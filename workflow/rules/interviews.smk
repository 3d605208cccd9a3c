# The partnership interviews (Sears et al. 2017): coded transcripts to themes by role.
# Only when interviews.enabled; the mapping file says what the export and roster are.


rule ingest_interviews:
    input:
        code=script_code("ingest_interviews.py"),
        mapping=interview_mapping_file,
        export=interview_export,
        roster=interview_roster_files,
    output:
        documents="results/interim/interviews/documents.parquet",
        units="results/interim/interviews/units.parquet",
        codings="results/interim/interviews/codings.parquet",
        themes="results/interim/interviews/themes.parquet",
        quarantine="results/quarantine/interviews/codings.csv",
        # Exact counts of quarantined and unmapped codings: the reviewers' report only.
        reconciliation=audit_only(
            "results/tables/interviews_reconciliation.csv",
            caption="../report/interviews_reconciliation.rst",
            category="Data quality",
        ),
    log:
        "logs/interviews/ingest_interviews.log",
    benchmark:
        "results/benchmarks/interviews/ingest_interviews.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        mapping=interview_mapping,
        pseudonymization=config["pseudonymization"],
    message:
        "Ingesting the coded interviews: codes to themes, roles from the roster, pseudonyms"
    script:
        "../scripts/ingest_interviews.py"
