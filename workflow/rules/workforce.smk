# Workforce: each mentor's career and caseload, and the published summary (P6).


rule workforce:
    input:
        code=script_code("workforce.py"),
        mentors="results/interim/study/mentors.parquet",
        families="results/interim/study/families.parquet",
        contacts="results/interim/study/contacts.parquet",
    output:
        per_mentor="results/interim/study/workforce_by_mentor.parquet",
        summary=report(
            "results/tables/workforce.csv",
            caption="../report/workforce.rst",
            category="P6 Mentor workforce",
        ),
    log:
        "logs/workforce.log",
    benchmark:
        "results/benchmarks/workforce.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=5,
    params:
        data_cutoff=config["study"]["data_cutoff"],
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
    message:
        "Summarizing mentor tenure and exits (P6)"
    script:
        "../scripts/workforce.py"
