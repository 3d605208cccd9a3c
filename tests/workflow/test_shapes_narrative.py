"""Study shapes through the study-level narrative, figures and the study notebook: a
simulated study is analysed and published as the workflow does (the adapters' calls, on
small studies), written to CSV, read back as the notebook reads it, and every sentence
and figure says ``not estimable: <reason>`` where the shape cannot support a statistic,
never "?" or "nan"."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from peermentor import figures
from peermentor import notebooks as narrative
from peermentor.analysis import outcome as M
from peermentor.analysis import rural_urban as st
from peermentor.analysis.clusters import CR3
from peermentor.analysis.engagement import (
    early_engagement,
    summarize_early_engagement,
    summarize_early_engagement_overall_and_sites,
)
from peermentor.analysis.profile import (
    family_profile,
    summarize_profile,
    summarize_profile_overall_and_sites,
    with_early_engagement,
)
from peermentor.analysis.workforce import mentor_workforce, summarize_workforce
from peermentor.demo.simulate import simulate_study
from peermentor.demo.sites import DemoSite
from peermentor.notebooks.render import render_notebook
from peermentor.publish.disclosure import (
    publish_early_summary,
    publish_profile_summary,
    publish_replication,
    publish_workforce_summary,
    suppress_small_cells,
)
from peermentor.publish.replication import p1_p3_p6_computed, p4_computed, replication_rows
from peermentor.publish.rural_urban import publish_comparison

ROOT = Path(__file__).resolve().parents[2]
CUTOFF = "2017-12-31"
MIN = 11
PRIMARY = (
    "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals"
    " + C(rurality) + months_of_service"
)
PLACEHOLDER = re.compile(r"\?|\bnan\b|\bNaN\b|<NA>")


def published_tables(sites, *, seed=3, scale=1, contacts=None, mentors=None, n_permutations=2000):
    """Every table the study notebook reads, built and published as the adapters do,
    then read back from CSV (markers and blanks as the notebook sees them)."""
    study = simulate_study(seed=seed, sites=sites, scale=scale)
    log = study.contacts if contacts is None else contacts(study.contacts)
    families = study.families
    profile = family_profile(families, log, data_cutoff=CUTOFF)
    early = early_engagement(log, families, data_cutoff=CUTOFF)
    profile = with_early_engagement(profile, early)
    if mentors is not None:
        profile["mentor_id"] = mentors(profile["mentor_id"])
    comparison = st.compare_strata(profile, n_boot=50)
    clustering = st.clustering_sensitivity(
        profile, comparison=comparison, n_permutations=n_permutations
    )
    fits = M.fit_models(profile, primary=PRIMARY, cluster="mentor_id")
    coefficients = M.tidy_coefficients(fits)
    frame = M.model_frame(profile, PRIMARY, "mentor_id")
    gap = M.visit_gap(profile)
    per_mentor = mentor_workforce(study.mentors, families, log, data_cutoff=CUTOFF)
    published_comparison = publish_comparison(comparison, profile, min_cell_size=MIN)
    computed = p1_p3_p6_computed(
        summarize_profile(profile),
        summarize_early_engagement(early, n_contacts=7),
        summarize_workforce(per_mentor),
    )
    p4, definitions = p4_computed(published_comparison)
    computed |= M.replication_values(coefficients, gap) | p4
    stable = int((per_mentor["outcome_group"] == "stable_or_advanced").sum())
    tables = {
        "replication": publish_replication(
            replication_rows(computed, definitions),
            bases={"pct_mentors_stable_or_advanced": (stable, len(per_mentor) - stable)},
            min_cell_size=MIN,
        ),
        "service_profile": publish_profile_summary(
            summarize_profile_overall_and_sites(profile), min_cell_size=MIN
        ),
        "early_engagement": publish_early_summary(
            summarize_early_engagement_overall_and_sites(early, n_contacts=7), min_cell_size=MIN
        ),
        "rural_urban": published_comparison,
        "rural_urban_clustering": clustering,
        "workforce": publish_workforce_summary(summarize_workforce(per_mentor), min_cell_size=MIN),
        "coefficients": suppress_small_cells(
            coefficients, count_columns=["n", "events", "clusters"], min_cell_size=MIN
        ),
        "predictor_ranking": M.rank_predictors(frame, PRIMARY, "mentor_id"),
        "visit_gap": suppress_small_cells(
            pd.DataFrame([{k: v for k, v in gap.items() if k != "excluded"}]),
            count_columns=["n_unified", "n_separated"],
            min_cell_size=MIN,
        ),
    }
    return {name: _through_csv(table) for name, table in tables.items()}


def _through_csv(table: pd.DataFrame) -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(table.to_csv(index=False)))


def study_sentences(tables) -> str:
    """Every study-level sentence the notebook prints."""
    return "\n".join(
        [
            *(narrative.replication_answer(tables["replication"], a) for a in ("P4", "P5", "P6")),
            narrative.rural_urban_answer(tables["rural_urban"], tables["rural_urban_clustering"]),
            narrative.outcome_answer(tables["predictor_ranking"], tables["visit_gap"]),
            narrative.inference_answer(tables["coefficients"]),
            narrative.replication_rows(tables["replication"]).to_string(),
            narrative.primary_coefficients(tables["coefficients"]).to_string(),
        ]
    )


def figure_texts(fig) -> str:
    text = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    plt.close(fig)
    return text.replace("\n", " ")


@pytest.fixture(scope="module")
def urban_only():
    return published_tables([DemoSite("only", "urban", 1, 1.0)])


@pytest.fixture(scope="module", params=["urban", "rural"])
def one_stratum(request, urban_only):
    if request.param == "urban":
        return "urban", urban_only
    return "rural", published_tables([DemoSite("only", "rural", 8, 1.0)])


def test_one_stratum_narrative_and_figures_say_not_estimable(one_stratum):
    stratum, tables = one_stratum
    note = f"not estimable: one stratum (all families {stratum})"
    text = study_sentences(tables)
    assert f"Rural versus urban families: {note}. No comparison was computed." in text
    p4 = narrative.replication_answer(tables["replication"], "P4")
    assert f"{note} in this run; a claim without a number" in p4
    assert f"Rurality: {note}; model fitted without this term." in text
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
    panel = figure_texts(figures.rural_urban_effects(tables["rural_urban"], min_cell_size=MIN))
    assert note in panel
    forest = figure_texts(figures.odds_ratio_forest(tables["coefficients"], min_cell_size=MIN))
    assert f"{note}; model fitted without this term" in forest


def test_two_sites_narrative_says_the_site_test_cannot_reach_alpha():
    tables = published_tables(
        [DemoSite("town", "urban", 1, 0.5), DemoSite("hills", "rural", 8, 0.5)]
    )
    sentence = narrative.site_sensitivity_sentence(tables["rural_urban_clustering"])
    assert "across the 2 sites (1 rural); all 2 assignments enumerated" in sentence
    assert "smallest attainable p = 1." in sentence
    assert "the site-level test cannot reach alpha 0.05: no measure can survive it" in sentence
    text = study_sentences(tables)
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)


def test_thirty_two_sites_narrative_names_the_monte_carlo_test():
    sites = [
        DemoSite(f"s{i:02d}", "rural" if i % 3 == 0 else "urban", 8 if i % 3 == 0 else 1, 1.0)
        for i in range(32)
    ]
    tables = published_tables(sites, scale=3, n_permutations=500)  # 2 mentors a site at least
    clustering = tables["rural_urban_clustering"]
    tested = clustering[clustering["p_permutation"].notna()]
    assert len(tested) and not tested["exact"].any()
    assert (tested["n_permutations_drawn"] == 500).all()
    sentence = narrative.site_sensitivity_sentence(clustering)
    assert "the 32 sites (11 rural)" in sentence
    assert "500 of 129024480 assignments drawn at random (seeded Monte Carlo" in sentence
    assert not PLACEHOLDER.search(study_sentences(tables))


def test_no_no_shows_narrative_says_the_predictor_is_not_estimable():
    def completed(contacts):
        return contacts.assign(status="completed")

    tables = published_tables(
        [DemoSite("town", "urban", 1, 0.5), DemoSite("hills", "rural", 8, 0.5)],
        contacts=completed,
    )
    note = (
        "not estimable: no variation: no family has a no-show or refusal; "
        "model fitted without this term"
    )
    p5 = narrative.replication_answer(tables["replication"], "P5")
    assert f"**Odds ratio of separation per no-show or refusal**: {note} in this run" in p5
    text = study_sentences(tables)
    assert f"No-shows or refusals: {note}." in text
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)


def test_six_mentors_narrative_relies_on_cr3():
    def six(mentor_id):
        codes = pd.factorize(mentor_id, sort=True)[0]
        return pd.Series([f"M{c % 6}" for c in codes], index=mentor_id.index)

    tables = published_tables(
        [DemoSite("town", "urban", 1, 0.5), DemoSite("hills", "rural", 8, 0.5)], mentors=six
    )
    text = narrative.inference_answer(tables["coefficients"])
    # 6 mentors is a count below the minimum cell size: shown as suppressed, still few.
    assert text.startswith("The primary model has only suppressed (<11) mentor clusters")
    assert f"read the {CR3} rows" in text
    shown = narrative.primary_coefficients(tables["coefficients"])
    assert CR3 in set(shown["SE variant"])


def test_study_notebook_runs_on_one_stratum_without_placeholders(urban_only, tmp_path):
    tables = urban_only
    parameters = {}
    for name, table in tables.items():
        path = tmp_path / f"{name}.csv"
        table.to_csv(path, index=False)
        parameters[name] = str(path)
    for name in narrative.STUDY_FIGURES:
        path = tmp_path / f"{name}.png"
        fig = figures.not_estimable_panel(name, "a figure the notebook embeds")
        fig.savefig(path)
        plt.close(fig)
        parameters[name] = str(path)
    with contextlib.chdir(tmp_path):
        notebook = render_notebook(
            ROOT / "notebooks/study.ipynb",
            tmp_path / "study.ipynb",
            tmp_path / "study.html",
            parameters={**parameters, "min_cell_size": MIN, "study_name": "One stratum"},
        )
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.id
            texts.append(str(output.get("text", "")))
            data = output.get("data", {})
            texts += [str(data[k]) for k in ("text/markdown", "text/plain") if k in data]
    text = "\n".join(texts)
    note = "not estimable: one stratum (all families urban)"
    assert f"{note} in this run; a claim without a number" in text  # the P4 replication bullet
    assert f"Rural versus urban families: {note}." in text
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
