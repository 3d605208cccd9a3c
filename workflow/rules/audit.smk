# Disclosure audit: an attacker over the published tables (docs/design.md section 10), and
# the interview strand's privacy check over every public output (tables, notebooks, SVG
# figures): no 8-word run of a transcript, configured name or place, or raw participant id
# (docs/partnership.md). The job fails, naming each finding in its log (never the leaked
# text); the public report is built only from a run whose audit passed.


rule audit_disclosure:
    input:
        code=script_code("audit_disclosure.py"),
        tables=[
            path
            for path in manifest_outputs()
            if path.endswith(".csv")
            and path.startswith(("results/tables/", "results/models/"))
        ],
        # The privacy check reads every public output, so it runs after them.
        public=[
            path
            for path in all_targets()
            if path.endswith((".html", ".svg")) and path.startswith("results/")
        ],
        # The transcripts' text, and what the approved quotes print (the only text allowed).
        interview_units=interview_table("units"),
        interview_codings=interview_table("codings"),
        interview_documents=interview_table("documents"),
        interview_themes=interview_table("themes"),
        roster=interview_roster_files(),
    output:
        audit=audit_only(
            "results/audit/disclosure_audit.csv",
            caption="../report/disclosure_audit.rst",
            category="Disclosure audit",
        ),
    log:
        "logs/audit_disclosure.log",
    benchmark:
        "results/benchmarks/audit_disclosure.tsv"
    # Local on a cluster: reads the small published CSVs, about a second.
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        # results/audit/disclosure_audit.csv -> results: the public tables and models
        results_dir=lambda w, output: Path(output[0]).parent.parent.as_posix(),
        min_cell_size=config["disclosure"]["min_cell_size"],
        interviews=config["interviews"] if INTERVIEWS else None,
        mapping=INTERVIEWS,
    message:
        "Trying to recover each suppressed count from the published tables"
    script:
        "../scripts/audit_disclosure.py"
