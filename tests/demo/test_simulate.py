"""The demo study simulator: contract shape, calibration to the paper, determinism, true effects."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from peermentor import contract
from peermentor.analysis.outcome import visit_gap
from peermentor.analysis.profile import family_profile
from peermentor.config import load_study
from peermentor.demo.calibration import MONTH_DAYS, OUTCOME_FORMULA
from peermentor.demo.simulate import Study, simulate_study
from peermentor.demo.sites import DEFAULT_SITES
from peermentor.onboard.describe import study_figures

ROOT = Path(__file__).resolve().parents[2]
# The calibration is checked with the pipeline's measures and the demo config's choices.
DEMO_STUDY = load_study(ROOT / "config/config.yaml", schema_dir=ROOT / "workflow/schemas")

EXPECTED_DTYPE = {"date": "datetime64[ns]", "int": "int64", "float": "float64", "bool": "bool"}


@pytest.fixture(scope="module")
def study() -> Study:
    return simulate_study()


@pytest.fixture(scope="module")
def figures(study: Study) -> dict:
    """The replication table's P1-P3 and P6 figures of the simulated tables."""
    tables = {t: getattr(study, t) for t in contract.TABLE_NAMES}
    return study_figures(tables, DEMO_STUDY)


@pytest.fixture(scope="module")
def profile(study: Study) -> pd.DataFrame:
    return family_profile(
        study.families,
        study.contacts,
        data_cutoff=DEMO_STUDY["study"]["data_cutoff"],
        **DEMO_STUDY["profile"],
    )


def csv_hash(study: Study) -> str:
    text = "".join(getattr(study, t).to_csv(index=False) for t in contract.TABLE_NAMES)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("table", contract.TABLE_NAMES)
def test_canonical_columns_then_free_text(study: Study, table: str) -> None:
    frame = getattr(study, table)
    assert list(frame.columns) == contract.columns(table) + list(Study.FREE_TEXT[table])
    for col in contract.TABLES[table]:
        dtype = frame[col.name].dtype
        if col.name == "rucc":
            assert dtype == "Int64"
        elif col.kind in ("string", "category"):
            assert dtype == "str", col.name
        else:
            assert dtype == EXPECTED_DTYPE[col.kind], col.name
        if col.kind == "date":
            assert (frame[col.name].dropna() == frame[col.name].dropna().dt.normalize()).all()
        if not col.nullable:
            assert frame[col.name].notna().all(), col.name
        if col.allowed:
            assert set(frame[col.name].dropna()) <= set(col.allowed), col.name
        if col.unique:
            assert frame[col.name].is_unique, col.name


def test_rows_sorted_deterministically(study: Study) -> None:
    families, contacts = study.families, study.contacts
    assert families["family_id"].is_monotonic_increasing
    keys = ["family_id", "contact_date", "contact_id"]
    assert contacts[keys].equals(contacts[keys].sort_values(keys, ignore_index=True))
    assert study.mentors["mentor_id"].is_monotonic_increasing


def test_contract_rules(study: Study) -> None:
    families, contacts, mentors = study.families, study.contacts, study.mentors
    assert contacts["duration_minutes"].between(0, 1440).all()
    assert families["n_children"].between(1, 15).all()
    assert contacts["family_id"].isin(families["family_id"]).all()
    assert contacts["mentor_id"].isin(mentors["mentor_id"]).all()
    assert families["mentor_id"].isin(mentors["mentor_id"]).all()
    closed = families["case_close_date"].notna()
    assert (families["outcome_at_closure"].notna() == closed).all()
    assert (families.loc[closed, "case_close_date"] >= families.loc[closed, "case_open_date"]).all()

    window = contacts.merge(families, on="family_id", suffixes=("", "_family"))
    end = window["case_close_date"].fillna(pd.Timestamp("2017-12-31"))
    assert window["contact_date"].between(window["case_open_date"], end).all()
    # a mentor works for the family's site, within employment
    home = mentors.set_index("mentor_id")["site_id"]
    assert (families["mentor_id"].map(home) == families["site_id"]).all()
    assert (window["mentor_id"].map(home) == window["site_id"]).all()
    employed = window.merge(mentors, on="mentor_id", suffixes=("", "_mentor"))
    assert (employed["contact_date"] >= employed["hire_date"]).all()
    assert (employed["contact_date"] <= employed["end_date"].fillna(end.max())).all()
    first_case = families.groupby("mentor_id")["case_open_date"].min()
    assert (
        mentors.set_index("mentor_id")["hire_date"].reindex(first_case.index) < first_case
    ).all()


def test_service_rules(study: Study) -> None:
    contacts = study.contacts
    done = contacts[contacts["status"] == "completed"]
    codes = done[list(contract.ACTIVITY_COLUMNS)]
    assert codes.any(axis=1).all()
    assert codes.sum(axis=1).mean() > 1.5  # multi-label
    collateral = done[done["collateral"]]
    assert not (collateral["with_parent"] | collateral["with_children"]).any()
    assert 0.10 <= done["collateral"].mean() <= 0.15
    assert 0.55 <= (done["mode"] == "face_to_face").mean() <= 0.60
    missed = contacts[contacts["status"] != "completed"]
    assert missed["duration_minutes"].max() <= 120
    assert (missed["duration_minutes"] == 0).mean() > 0.5


def test_mentors_per_site_and_exits(study: Study) -> None:
    mentors = study.mentors
    per_site = mentors["site_id"].value_counts()
    assert per_site.min() >= 2
    assert dict(per_site) == {s["site_id"]: s["n_mentors"] for s in study.truth["sites"]}
    stable = mentors["exit_reason"].isin(contract.STABLE_OR_ADVANCED)
    assert stable.sum() == 18
    assert set(mentors.loc[~stable, "exit_reason"]) <= set(contract.CHALLENGE_EXITS)
    assert (mentors["end_date"].isna() == (mentors["exit_reason"] == "still_employed")).all()
    assert (mentors["end_date"].dropna() > mentors["hire_date"][mentors["end_date"].notna()]).all()


def test_calibrated_to_the_paper(study: Study, figures: dict, profile: pd.DataFrame) -> None:
    targets = {
        "mean_contacts_per_family": 60.5,
        "mean_hours_per_family": 55.3,
        "mean_months_of_service": 15.0,
        "mean_days_to_7th_contact": 23.6,
        "mean_hours_first_7_contacts": 8.0,
        "mean_recovery_coaching_contacts": 40.2,
        "mean_daily_living_coaching_contacts": 38.5,
    }
    for name, target in targets.items():
        assert figures[name] == pytest.approx(target, rel=0.10), name
    assert figures["pct_mentors_stable_or_advanced"] == pytest.approx(100 * 18 / 28)
    closed = profile[profile["case_closed"]]
    assert closed["unified_at_closure"].mean() == pytest.approx(2 / 3, rel=0.10)
    assert visit_gap(profile)["difference"] == pytest.approx(14.0, rel=0.10)
    assert (len(study.families), len(study.mentors)) == (783, 28)
    # 45,184 logged contacts cannot go with 60.5 completed ones per family (57.7 per family in
    # all): the simulator keeps the per-family figures and lets the total run a little high
    assert len(study.contacts) == pytest.approx(45184, rel=0.15)
    assert 0.85 <= profile["case_closed"].mean() <= 0.92
    assert study.families["site_id"].nunique() == len(DEFAULT_SITES)


def test_the_pipeline_figures_match_a_plain_groupby(study: Study, figures: dict) -> None:
    done = study.contacts[study.contacts["status"] == "completed"]
    hours = done.groupby("family_id")["duration_minutes"].sum() / 60
    per_family = hours.reindex(study.families["family_id"], fill_value=0)
    assert figures["mean_hours_per_family"] == pytest.approx(per_family.mean())
    first7 = done.groupby("family_id").head(7).groupby("family_id")["contact_date"]
    days = (first7.max() - first7.min()).dt.days[done.groupby("family_id").size() >= 7]
    assert figures["mean_days_to_7th_contact"] == pytest.approx(days.mean())


# The truth file's figures (calibration.describe_study, plain numpy) against the pipeline's own.
SAME_FIGURE = {
    "mean_contacts_per_family": "mean_contacts_per_family",
    "mean_hours_per_family": "mean_hours_per_family",
    "mean_months_of_service": "mean_months_of_service",
    "mean_days_to_7th_contact": "mean_days_to_7th_contact",
    "mean_hours_first_7": "mean_hours_first_7_contacts",
    "mean_recovery_coaching": "mean_recovery_coaching_contacts",
    "mean_daily_living_coaching": "mean_daily_living_coaching_contacts",
}


def test_the_truth_file_agrees_with_the_pipeline_figures(
    study: Study, figures: dict, profile: pd.DataFrame
) -> None:
    realized = study.truth["realized"]
    for name, figure in SAME_FIGURE.items():
        assert realized[name] == pytest.approx(figures[figure], rel=1e-12), name
    share = figures["pct_mentors_stable_or_advanced"] / 100
    assert realized["mentor_stable_or_advanced_share"] == pytest.approx(share)
    gap = visit_gap(profile)["difference"]
    assert realized["face_to_face_with_children_gap"] == pytest.approx(gap, rel=1e-12)
    assert realized["n_contacts"] == len(study.contacts)


def test_rural_families_differ_only_where_the_truth_says(study: Study) -> None:
    done = study.contacts[study.contacts["status"] == "completed"]
    done = done.merge(study.families[["family_id", "rurality"]], on="family_id")
    by_place = done.groupby("rurality").agg(
        transportation=("act_transportation", "mean"), minutes=("duration_minutes", "mean")
    )
    assert by_place.loc["rural", "transportation"] > 1.6 * by_place.loc["urban", "transportation"]
    assert by_place.loc["rural", "minutes"] > 1.25 * by_place.loc["urban", "minutes"]
    counts = done.groupby(["rurality", "family_id"]).size().groupby("rurality").mean()
    assert counts["rural"] == pytest.approx(counts["urban"], rel=0.15)
    rural = study.truth["rural_differences"]
    assert "act_transportation" in rural["differs"] and "contacts" in rural["same"]


def test_truth_is_json_and_complete(study: Study) -> None:
    truth = json.loads(json.dumps(study.truth))
    assert truth["n_contacts"] == len(study.contacts)
    assert truth["odds_ratios"]["face_to_face_with_children"] == pytest.approx(1.09)
    assert 1 / truth["odds_ratios"]["no_shows_or_refusals"] == pytest.approx(1.24)
    assert set(truth["coefficients"]) == {
        "intercept",
        "face_to_face_with_children",
        "no_shows_or_refusals",
        "rural",
        "months_of_service",
    }


def test_same_seed_same_study_other_seed_differs(study: Study) -> None:
    again = simulate_study()
    for table in contract.TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(study, table), getattr(again, table))
    assert csv_hash(study) == csv_hash(again)
    assert csv_hash(study) != csv_hash(simulate_study(seed=7))


def test_scale_multiplies_families_and_mentors() -> None:
    doubled = simulate_study(scale=2)
    assert len(doubled.families) == 2 * 783
    assert len(doubled.mentors) == 2 * 28
    assert doubled.mentors["exit_reason"].isin(contract.STABLE_OR_ADVANCED).sum() == 36


def test_outcome_model_recovers_true_odds_ratios() -> None:
    study = simulate_study(scale=4)
    families, contacts = study.families, study.contacts
    ids = families["family_id"]
    done = contacts[contacts["status"] == "completed"]
    visits = done[(done["mode"] == "face_to_face") & done["with_children"]]
    missed = contacts[contacts["status"] != "completed"]
    data = families.assign(
        face_to_face_with_children=visits.groupby("family_id")
        .size()
        .reindex(ids, fill_value=0)
        .to_numpy(),
        no_shows_or_refusals=missed.groupby("family_id")
        .size()
        .reindex(ids, fill_value=0)
        .to_numpy(),
        months_of_service=(families["case_close_date"] - families["case_open_date"]).dt.days
        / MONTH_DAYS,
        unified_at_closure=(families["outcome_at_closure"] == "unified").astype(float),
    )[families["case_close_date"].notna()]
    fit = smf.logit(OUTCOME_FORMULA, data).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(data["mentor_id"])[0]}
    )
    ci = fit.conf_int()
    for term in ("face_to_face_with_children", "no_shows_or_refusals"):
        true = study.truth["coefficients"][term]
        assert ci.loc[term, 0] <= true <= ci.loc[term, 1], term
    assert np.exp(fit.params["face_to_face_with_children"]) == pytest.approx(1.09, abs=0.02)


def test_demo_sites_accepts_numbered_copies_of_the_demo_sites():
    from peermentor.demo.build import demo_sites
    from peermentor.errors import ConfigError

    kenton, copy = demo_sites(["kenton", "kenton_2"])
    assert copy.site_id == "kenton_2"
    assert (copy.rurality, copy.rucc, copy.weight) == (kenton.rurality, kenton.rucc, kenton.weight)
    with pytest.raises(ConfigError, match="'boone'"):
        demo_sites(["kenton", "boone"])
    with pytest.raises(ConfigError, match="kenton_x"):
        demo_sites(["kenton_x"])
