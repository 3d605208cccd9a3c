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


# --- the analyses: presence, prevalence by role, co-occurrence, agreement, saturation,
# quotes, the replication rows and the COREQ items -----------------------------------------
# One job: on 22 interviews each analysis computes in well under a second, and a job of its
# own cost more than its statistics (a new interpreter, imports, Snakemake's preamble).
# Every intermediate and published table is still written for reviewers. Published tables
# under results/tables/interviews/ (words or counts, no interview ids, no text); exact
# counts and the coded segments are audit-only tables.


rule interview_analyses:
    input:
        code=script_code("interviews.py"),
        codings="results/interim/interviews/codings.parquet",
        units="results/interim/interviews/units.parquet",
        documents="results/interim/interviews/documents.parquet",
        themes="results/interim/interviews/themes.parquet",
        # The export is read again for the name of the tool that wrote it (COREQ item 27).
        export=interview_export,
    output:
        # Per interview: never public (an interview's themes with its role can point at a person).
        presence="results/interim/interviews/presence.parquet",
        prevalence=report(
            "results/tables/interviews/prevalence.csv",
            caption="../report/interview_prevalence.rst",
            category="Partnership (interviews)",
            subcategory="Themes",
        ),
        exact=audit_only(
            "results/tables/interviews_exact.csv",
            caption="../report/interview_exact.rst",
            category="Partnership (interviews)",
            subcategory="Audit",
        ),
        cooccurrence=report(
            "results/tables/interviews/cooccurrence.csv",
            caption="../report/interview_cooccurrence.rst",
            category="Partnership (interviews)",
            subcategory="Themes",
        ),
        agreement=report(
            "results/tables/interviews/agreement.csv",
            caption="../report/interview_agreement.rst",
            category="Partnership (interviews)",
            subcategory="Agreement",
        ),
        agreement_exact="results/interim/interviews/agreement.parquet",
        saturation=report(
            "results/tables/interviews/saturation.csv",
            caption="../report/interview_saturation.rst",
            category="Partnership (interviews)",
            subcategory="Themes",
        ),
        quotes=report(
            "results/tables/interviews/quotes.csv",
            caption="../report/interview_quotes.rst",
            category="Partnership (interviews)",
            subcategory="Themes",
        ),
        segments=audit_only(
            "results/tables/interviews_segments.csv",
            caption="../report/interview_segments.rst",
            category="Partnership (interviews)",
            subcategory="Audit",
        ),
        replication=report(
            "results/tables/interviews/replication.csv",
            caption="../report/interview_replication.rst",
            category="Partnership (interviews)",
            subcategory="Replication",
        ),
        coreq=report(
            "results/tables/interviews/coreq.csv",
            caption="../report/interview_coreq.rst",
            category="Partnership (interviews)",
            subcategory="Joint display",
        ),
    log:
        "logs/interviews/analyses.log",
    benchmark:
        "results/benchmarks/interviews/analyses.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        presence_rule=config["interviews"]["presence_rule"],
        primary_coder=config["interviews"]["primary_coder"],
        prevalence=config["interviews"]["prevalence"],
        agreement=config["interviews"]["agreement"],
        approved=config["interviews"]["quotes"]["approved"],
        deidentify=config["interviews"]["quotes"]["deidentify"],
        mapping=interview_mapping,
        min_cell_size=config["disclosure"]["min_cell_size"],
        decimals=config["disclosure"]["decimals"],
    message:
        "Analysing the coded interviews: presence (rule {params.presence_rule}), prevalence by "
        "role, co-occurrence, agreement, saturation, quotes, replication rows, COREQ items"
    script:
        "../scripts/interviews.py"


# --- WORKFLOW: the tables beside the analyses, the figures and the notebook ----------------
# They read the published tables only; the quantitative findings come from the published
# replication table: nothing is refitted.


rule joint_display:
    input:
        code=script_code("interviews.py"),
        replication="results/tables/replication.csv",
        prevalence="results/tables/interviews/prevalence.csv",
    output:
        joint_display=report(
            "results/tables/interviews/joint_display.csv",
            caption="../report/interview_joint_display.rst",
            category="Partnership (interviews)",
            subcategory="Joint display",
        ),
    log:
        "logs/interviews/joint_display.log",
    benchmark:
        "results/benchmarks/interviews/joint_display.tsv"
    # Short, and the partnership notebook waits for it: run as soon as it is ready, so the
    # notebook can follow the study notebook on one core while the site notebooks use the other.
    priority: 5
    localrule: True
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        links=config["interviews"]["joint_display"],
    message:
        "Setting the quantitative findings (P1-P6) beside the interview themes they speak to"
    script:
        "../scripts/interviews.py"


rule figure_interviews:
    input:
        code=script_code("figures.py"),
        prevalence="results/tables/interviews/prevalence.csv",
        saturation="results/tables/interviews/saturation.csv",
    output:
        heatmap_png=report(
            "results/figures/interview_themes_by_role.png",
            caption="../report/fig_interview_themes.rst",
            category="Partnership (interviews)",
            subcategory="Figures",
            labels={"figure": "themes by role", "format": "PNG"},
        ),
        heatmap_svg=report(
            "results/figures/interview_themes_by_role.svg",
            caption="../report/fig_interview_themes.rst",
            category="Partnership (interviews)",
            subcategory="Figures",
            labels={"figure": "themes by role", "format": "SVG"},
        ),
        saturation_png=report(
            "results/figures/interview_saturation.png",
            caption="../report/fig_interview_saturation.rst",
            category="Partnership (interviews)",
            subcategory="Figures",
            labels={"figure": "saturation curve", "format": "PNG"},
        ),
        saturation_svg=report(
            "results/figures/interview_saturation.svg",
            caption="../report/fig_interview_saturation.rst",
            category="Partnership (interviews)",
            subcategory="Figures",
            labels={"figure": "saturation curve", "format": "SVG"},
        ),
    log:
        "logs/figures/interviews.log",
    benchmark:
        "results/benchmarks/interviews/figures.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Drawing the themes by role and the saturation curve (partnership study)"
    script:
        "../scripts/figures.py"


rule partnership_notebook:
    input:
        code=script_code("render_notebook.py", "notebooks/partnership.ipynb"),
        notebook="notebooks/partnership.ipynb",
        prevalence="results/tables/interviews/prevalence.csv",
        cooccurrence="results/tables/interviews/cooccurrence.csv",
        agreement="results/tables/interviews/agreement.csv",
        saturation="results/tables/interviews/saturation.csv",
        quotes="results/tables/interviews/quotes.csv",
        joint_display="results/tables/interviews/joint_display.csv",
        coreq="results/tables/interviews/coreq.csv",
        partnership_replication="results/tables/interviews/replication.csv",
        fig_theme_roles="results/figures/interview_themes_by_role.png",
        fig_saturation="results/figures/interview_saturation.png",
    output:
        notebook="results/notebooks/partnership.ipynb",
        html=report(
            "results/notebooks/partnership.html",
            caption="../report/nb_partnership.rst",
            category="Notebooks",
            subcategory="Partnership",
            labels={"notebook": "partnership", "format": "HTML"},
        ),
    log:
        "logs/notebooks/partnership.log",
    benchmark:
        "results/benchmarks/interviews/notebook.tsv"
    # The audit waits for it: started before the manifest when both are ready, after the
    # site notebooks (on 2 cores it runs after the study notebook, beside the site notebooks).
    priority: 2
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        parameters={
            "study_name": config["study"]["name"],
            "report_as": config["interviews"]["prevalence"]["report_as"],
        },
    message:
        "Executing the partnership notebook (the paper's four processes beside this run's)"
    script:
        "../scripts/render_notebook.py"
