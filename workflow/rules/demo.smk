# The embedded synthetic study: generated only when demo.enabled and its files are missing.


if config["demo"]["enabled"]:

    rule demo_data:
        input:
            code=script_code("demo_data.py"),
        output:
            truth=config["demo"]["truth_file"],
            exports=all_raw_files(),
            interviews=interview_demo_files(),
        log:
            "logs/demo_data.log",
        benchmark:
            "results/benchmarks/demo_data.tsv"
        conda:
            "../../environment.yml"
        threads: 1
        resources:
            mem_mb=4000,
            runtime=47,
        params:
            seed=config["demo"]["seed"],
            scale=config["demo"]["scale"],
            data_cutoff=config["study"]["data_cutoff"],
            sites=SITE_CONFIGS,
            shape=config["demo"],
            interviews=interview_demo_paths(),
        message:
            "Generating the synthetic demo study (seed {params.seed}, scale {params.scale})"
        script:
            "../scripts/demo_data.py"
