# Figures: every figure of the study (P1-P6), each as PNG and SVG under results/figures/, in
# one job. A figure computes in well under a second at any scale; a job per figure family
# paid a new interpreter and the imports of pandas, matplotlib and the figures package
# (about a second) five times. The figures draw what earlier stages wrote and never refit.


rule study_figures:
    input:
        code=script_code("figures.py"),
        profile="results/tables/family_profile.parquet",
        service_profile="results/tables/service_profile.csv",
        engagement_curve="results/interim/study/early_engagement_curve.parquet",
        early_engagement="results/tables/early_engagement.csv",
        comparison="results/tables/rural_urban.csv",
        coefficients="results/models/coefficients.csv",
        unification_curve="results/interim/models/unification_curve.json",
        workforce="results/tables/workforce.csv",
    output:
        service_distribution_png=report(
            "results/figures/service_distribution.png",
            caption="../report/fig_service_distribution.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "hours and contacts per family", "format": "PNG"},
        ),
        service_distribution_svg=report(
            "results/figures/service_distribution.svg",
            caption="../report/fig_service_distribution.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "hours and contacts per family", "format": "SVG"},
        ),
        service_mix_png=report(
            "results/figures/service_mix.png",
            caption="../report/fig_service_mix.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "service mix", "format": "PNG"},
        ),
        service_mix_svg=report(
            "results/figures/service_mix.svg",
            caption="../report/fig_service_mix.rst",
            category="P1-P2 Service profile",
            subcategory="Figures",
            labels={"figure": "service mix", "format": "SVG"},
        ),
        early_engagement_png=report(
            "results/figures/early_engagement.png",
            caption="../report/fig_early_engagement.rst",
            category="P3 Early engagement",
            subcategory="Figures",
            labels={"figure": "cumulative contacts, first 60 days", "format": "PNG"},
        ),
        early_engagement_svg=report(
            "results/figures/early_engagement.svg",
            caption="../report/fig_early_engagement.rst",
            category="P3 Early engagement",
            subcategory="Figures",
            labels={"figure": "cumulative contacts, first 60 days", "format": "SVG"},
        ),
        odds_ratios_png=report(
            "results/figures/odds_ratios.png",
            caption="../report/fig_odds_ratios.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "odds ratios across models", "format": "PNG"},
        ),
        odds_ratios_svg=report(
            "results/figures/odds_ratios.svg",
            caption="../report/fig_odds_ratios.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "odds ratios across models", "format": "SVG"},
        ),
        unification_curve_png=report(
            "results/figures/unification_curve.png",
            caption="../report/fig_unification_curve.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "predicted probability of unification", "format": "PNG"},
        ),
        unification_curve_svg=report(
            "results/figures/unification_curve.svg",
            caption="../report/fig_unification_curve.rst",
            category="P5 Outcome at closure",
            subcategory="Figures",
            labels={"figure": "predicted probability of unification", "format": "SVG"},
        ),
        workforce_exits_png=report(
            "results/figures/workforce_exits.png",
            caption="../report/fig_workforce_exits.rst",
            category="P6 Mentor workforce",
            subcategory="Figures",
            labels={"figure": "exits by reason", "format": "PNG"},
        ),
        workforce_exits_svg=report(
            "results/figures/workforce_exits.svg",
            caption="../report/fig_workforce_exits.rst",
            category="P6 Mentor workforce",
            subcategory="Figures",
            labels={"figure": "exits by reason", "format": "SVG"},
        ),
        rural_urban_png=report(
            "results/figures/rural_urban.png",
            caption="../report/fig_rural_urban.rst",
            category="P4 Rural and urban",
            subcategory="Figures",
            labels={"figure": "effect sizes", "format": "PNG"},
        ),
        rural_urban_svg=report(
            "results/figures/rural_urban.svg",
            caption="../report/fig_rural_urban.rst",
            category="P4 Rural and urban",
            subcategory="Figures",
            labels={"figure": "effect sizes", "format": "SVG"},
        ),
    log:
        "logs/figures/study.log",
    benchmark:
        "results/benchmarks/study_figures.tsv"
    # On the critical path (the study notebook waits for it): started first among ready jobs
    # (priorities: docs/performance.md).
    priority: 4
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
        "Drawing the figures: service profile (P1-P2), early engagement (P3), rural and urban "
        "(P4), outcome models (P5), mentor exits (P6)"
    script:
        "../scripts/figures.py"
