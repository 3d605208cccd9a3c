# Figures: one rule per figure family, each figure as PNG and SVG under results/figures/.
# All share workflow/scripts/figures.py (the rule name picks the figure family).


rule figure_service_profile:
    input:
        code=script_code("figures.py"),
        profile="results/tables/family_profile.parquet",
        service_profile="results/tables/service_profile.csv",
    output:
        distribution_png=report(
            "results/figures/service_distribution.png",
            caption="../report/fig_service_distribution.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "hours and contacts per family", "format": "PNG"},
        ),
        distribution_svg=report(
            "results/figures/service_distribution.svg",
            caption="../report/fig_service_distribution.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "hours and contacts per family", "format": "SVG"},
        ),
        mix_png=report(
            "results/figures/service_mix.png",
            caption="../report/fig_service_mix.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "service mix", "format": "PNG"},
        ),
        mix_svg=report(
            "results/figures/service_mix.svg",
            caption="../report/fig_service_mix.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "service mix", "format": "SVG"},
        ),
    log:
        "logs/figures/service_profile.log",
    benchmark:
        "results/benchmarks/figure_service_profile.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        min_cell_size=config["disclosure"]["min_cell_size"],
    message:
        "Drawing hours and contacts per family and the service mix (P1-P2)"
    script:
        "../scripts/figures.py"


rule figure_early_engagement:
    input:
        code=script_code("figures.py"),
        curve="results/interim/study/early_engagement_curve.parquet",
        early_engagement="results/tables/early_engagement.csv",
    output:
        curve_png=report(
            "results/figures/early_engagement.png",
            caption="../report/fig_early_engagement.rst",
            category="P3 Early engagement",
            subcategory="Figures",
            labels={"figure": "cumulative contacts, first 60 days", "format": "PNG"},
        ),
        curve_svg=report(
            "results/figures/early_engagement.svg",
            caption="../report/fig_early_engagement.rst",
            category="P3 Early engagement",
            subcategory="Figures",
            labels={"figure": "cumulative contacts, first 60 days", "format": "SVG"},
        ),
    log:
        "logs/figures/early_engagement.log",
    benchmark:
        "results/benchmarks/figure_early_engagement.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        n_contacts=config["early_engagement"]["n_contacts"],
        anchor=config["early_engagement"]["anchor"],
        min_cell_size=config["disclosure"]["min_cell_size"],
    message:
        "Drawing cumulative contacts over each family's first 60 days (P3)"
    script:
        "../scripts/figures.py"


rule figure_outcome_models:
    input:
        code=script_code("figures.py"),
        coefficients="results/models/coefficients.csv",
        curve="results/interim/models/unification_curve.json",
    output:
        forest_png=report(
            "results/figures/odds_ratios.png",
            caption="../report/fig_odds_ratios.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "odds ratios across models", "format": "PNG"},
        ),
        forest_svg=report(
            "results/figures/odds_ratios.svg",
            caption="../report/fig_odds_ratios.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "odds ratios across models", "format": "SVG"},
        ),
        curve_png=report(
            "results/figures/unification_curve.png",
            caption="../report/fig_unification_curve.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "predicted probability of unification", "format": "PNG"},
        ),
        curve_svg=report(
            "results/figures/unification_curve.svg",
            caption="../report/fig_unification_curve.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "predicted probability of unification", "format": "SVG"},
        ),
    log:
        "logs/figures/outcome_models.log",
    benchmark:
        "results/benchmarks/figure_outcome_models.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        min_cell_size=config["disclosure"]["min_cell_size"],
    message:
        "Drawing odds ratios across models and the predicted probability of unification (P5)"
    script:
        "../scripts/figures.py"


rule figure_workforce:
    input:
        code=script_code("figures.py"),
        workforce="results/tables/workforce.csv",
    output:
        exits_png=report(
            "results/figures/workforce_exits.png",
            caption="../report/fig_workforce_exits.rst",
            category="P6 Mentor workforce",
            subcategory="Figures",
            labels={"figure": "exits by reason", "format": "PNG"},
        ),
        exits_svg=report(
            "results/figures/workforce_exits.svg",
            caption="../report/fig_workforce_exits.rst",
            category="P6 Mentor workforce",
            subcategory="Figures",
            labels={"figure": "exits by reason", "format": "SVG"},
        ),
    log:
        "logs/figures/workforce.log",
    benchmark:
        "results/benchmarks/figure_workforce.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        min_cell_size=config["disclosure"]["min_cell_size"],
    message:
        "Drawing mentor exits by reason from the published workforce table (P6)"
    script:
        "../scripts/figures.py"


rule figure_rural_urban:
    input:
        code=script_code("figures.py"),
        comparison="results/tables/rural_urban.csv",
    output:
        effects_png=report(
            "results/figures/rural_urban.png",
            caption="../report/fig_rural_urban.rst",
            category="P4 Rural and urban",
            subcategory="Figures",
            labels={"figure": "effect sizes", "format": "PNG"},
        ),
        effects_svg=report(
            "results/figures/rural_urban.svg",
            caption="../report/fig_rural_urban.rst",
            category="P4 Rural and urban",
            subcategory="Figures",
            labels={"figure": "effect sizes", "format": "SVG"},
        ),
    log:
        "logs/figures/rural_urban.log",
    benchmark:
        "results/benchmarks/figure_rural_urban.tsv"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        min_cell_size=config["disclosure"]["min_cell_size"],
    message:
        "Drawing rural versus urban effect sizes with their CIs (P4)"
    script:
        "../scripts/figures.py"
