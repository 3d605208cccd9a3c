# Rural-urban: rural versus urban families (P4), with a site-aware sensitivity analysis.


rule rural_urban:
    input:
        code=script_code("rural_urban.py"),
        profile="results/tables/family_profile.parquet",
    output:
        comparison=report(
            "results/tables/rural_urban.csv",
            caption="../report/rural_urban.rst",
            category="P4 Rural and urban",
        ),
        clustering=report(
            "results/tables/rural_urban_clustering.csv",
            caption="../report/rural_urban_clustering.rst",
            category="P4 Rural and urban",
        ),
        outcome=report(
            "results/tables/outcome_by_stratum.csv",
            caption="../report/outcome_by_stratum.rst",
            category="P4 Rural and urban",
        ),
    log:
        "logs/rural_urban.log",
    benchmark:
        "results/benchmarks/rural_urban.tsv"
    # On the critical path (the study notebook waits for it): started first among ready jobs.
    priority: 4
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        test=config["stratify"]["test"],
        adjust=config["stratify"]["adjust"],
        alpha=config["stratify"]["alpha"],
        n_bootstrap=config["stratify"]["n_bootstrap"],
        n_permutations=config["stratify"]["n_permutations"],
        permutation_statistic=config["stratify"]["permutation_statistic"],
        continuity_correction=config["stratify"]["continuity_correction"],
        seed=config["stratify"]["seed"],
        rucc_rural_threshold=config["rurality"]["rucc_rural_threshold"],
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
    message:
        "Comparing rural and urban families on every service measure (P4)"
    script:
        "../scripts/rural_urban.py"
