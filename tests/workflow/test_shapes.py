"""The matrix of study shapes (issue 16): small generated studies through the whole workflow.

Each study of ``peermentor.demo.shapes.SHAPES`` runs once (report included) in a temp directory;
shapes that do not interfere share a study (``mixed_sites`` holds a clean site, a site under the
minimum cell size, a site whose cases are all open and a mentor two sites' roster both list).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from e2e_helpers import copy_project, snakemake
from published_checks import negative_zeros, notebook_mismatches, rank_test_mismatches

from peermentor.demo.shapes import SHAPES, apply_shape

pytestmark = pytest.mark.e2e

RUNS = ["mixed_sites", "plain_two_sites", "one_urban_site", "one_rural_site", "many_sites"]
MIN_CELL = 11


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Each shape's project, run on first use: {shape: (dir, run, report run)}."""
    done: dict[str, tuple[Path, object, object]] = {}

    def run(shape: str, *, check: bool = True):
        if shape not in done:
            workdir = copy_project(tmp_path_factory.mktemp(shape))
            apply_shape(workdir, shape)
            main = snakemake(workdir, check=check)
            report = snakemake(workdir, "--report", "results/report.html", check=check) if (
                main.returncode == 0
            ) else None  # fmt: skip
            done[shape] = (workdir, main, report)
        return done[shape]

    return run


@pytest.fixture(params=RUNS)
def study(request, runs) -> Path:
    return runs(request.param)[0]


def html_pages(workdir: Path) -> list[Path]:
    return sorted((workdir / "results/notebooks").glob("*.html"))


def html_text(page: Path) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page.read_text(), "html.parser").get_text(" ")


# --- generic invariants, every shape -------------------------------------------------------


def test_runs_to_the_report(study):
    assert (study / "results/report.html").stat().st_size > 10_000
    sites = SHAPES[study.name.rstrip("0123456789")]["sites"]
    # The study, one page per site, and the partnership interviews (enabled in every shape).
    expected = {"study", "partnership"} | {f"site_{s}" for s in sites}
    assert {p.stem for p in html_pages(study)} == expected


def test_every_target_of_rule_all_exists(study):
    result = snakemake(study, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_reconciliation_balances(study):
    recon = pd.read_csv(study / "results/tables/reconciliation.csv")
    rows_out = recon["rows_kept"] + recon["rows_quarantined"] + recon["rows_excluded_by_study_rule"]
    assert (recon["rows_read"] == rows_out).all()
    assert (recon["rows_in"] == recon["rows_read"] + recon["rows_empty_skipped"]).all()
    assert recon["balanced"].all()


def test_data_quality_table_has_every_check_of_every_site(study):
    from peermentor.clean.quality import CHECKS

    quality = pd.read_csv(study / "results/tables/data_quality.csv")
    recon = pd.read_csv(study / "results/tables/reconciliation.csv")
    assert len(quality) == len(CHECKS) * recon["site_id"].nunique()
    assert (quality["rows_flagged"] <= quality["rows_checked"]).all()


def test_no_traceback_in_any_log(study):
    for log in (study / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log


# A number that is missing shows as nan / None / NaN, or a sentence keeps a "?" placeholder.
MISSING_WORD = re.compile(r"(?<![\w.-])(nan|NaN|None|<NA>|NaT)(?![\w-])")
PLACEHOLDER = re.compile(r"(?:[=:(]|\bthe|\bp)\s*\?(?=[\s,.;)])")


def missing_numbers(page: Path) -> list[str]:
    text = html_text(page)
    return MISSING_WORD.findall(text) + PLACEHOLDER.findall(text)


def test_no_missing_number_shows_in_site_notebooks(study):
    for page in html_pages(study):
        if page.name != "study.html":
            assert not missing_numbers(page), (page.name, missing_numbers(page)[:5])


def test_no_missing_number_shows_in_the_study_notebook(study):
    page = study / "results/notebooks/study.html"
    assert not missing_numbers(page), missing_numbers(page)[:5]


def test_no_missing_marker_in_tables(study):
    for path in (study / "results/tables").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            bad = frame[column].isin(["nan", "NaN", "None", "?", "<NA>"])
            assert not bad.any(), (path.name, column, frame.loc[bad, column].head().tolist())


def test_published_numbers_are_exact_and_read_as_published(study):
    """Issue 23: no negative zero; each published rank test is scipy's on the exact values
    (no tie split by float noise); the study notebook's numbers are the CSVs' strings."""
    results = study / "results"
    assert not negative_zeros(results)
    _, wrong = rank_test_mismatches(results)
    assert not wrong, wrong
    checked, wrong = notebook_mismatches(results)
    assert checked > 20 and not wrong, wrong[:3]


# --- mixed_sites: clean site, tiny site, all-open site, shared roster (agreeing) -----------


def test_clean_site_shows_zero_quarantine_and_its_notebook(runs):
    workdir = runs("mixed_sites")[0]
    recon = pd.read_csv(workdir / "results/tables/reconciliation.csv")
    clean = recon[recon["site_id"] == "jefferson_1"]
    assert len(clean) == 3 and (clean["rows_quarantined"] == 0).all()
    text = html_text(workdir / "results/notebooks/site_jefferson_1.html")
    assert "Reconciliation, site jefferson_1" in text


def test_shared_roster_mentor_kept_once(runs):
    workdir = runs("mixed_sites")[0]
    log = (workdir / "logs/combine_sites.log").read_text()
    assert "listed by sites jefferson_1, kenton_1 with the same record" in log
    mentors = pd.read_parquet(workdir / "results/interim/study/mentors.parquet")
    assert mentors["mentor_id"].is_unique
    kept = sum(
        len(pd.read_parquet(workdir / f"results/interim/{site}/mentors.parquet"))
        for site in SHAPES["mixed_sites"]["sites"]
    )
    assert len(mentors) == kept - 1


def test_all_open_site_gives_no_outcome_and_says_so(runs):
    workdir = runs("mixed_sites")[0]
    profile = pd.read_parquet(workdir / "results/tables/family_profile.parquet")
    fayette = profile[profile["site_id"] == "fayette_1"]
    assert len(fayette) > 0 and not fayette["case_closed"].any()
    assert fayette["unified_at_closure"].isna().all()
    assert (workdir / "results/models/coefficients.csv").stat().st_size > 0
    text = html_text(workdir / "results/notebooks/site_fayette_1.html")
    assert "were still open at the data cut-off: the site has no outcome at closure" in text


def test_site_under_the_minimum_cell_size_is_suppressed(runs):
    workdir = runs("mixed_sites")[0]
    profile = pd.read_parquet(workdir / "results/tables/family_profile.parquet")
    assert 0 < (profile["site_id"] == "daviess_1").sum() < MIN_CELL
    service = pd.read_csv(workdir / "results/tables/service_profile.csv", dtype=str)
    tiny = service[(service["group_type"] == "site") & (service["group"] == "daviess_1")]
    assert len(tiny) > 0 and (tiny["n_families"] == f"<{MIN_CELL}").all()
    text = html_text(workdir / "results/notebooks/site_daviess_1.html")
    assert f"fewer than {MIN_CELL} families: no histogram" in text


# --- plain_two_sites: no defects, no exits; one rural and one urban site ---------------------


def test_no_defects_quarantine_and_reconciliation_show_zeros(runs):
    """plain_two_sites and many_sites have no defects at all."""
    workdir = runs("plain_two_sites")[0]
    recon = pd.read_csv(workdir / "results/tables/reconciliation.csv")
    assert (recon["rows_quarantined"] == 0).all()
    assert (recon.filter(like="quarantined_") == 0).all().all()
    for path in (workdir / "results/quarantine").rglob("*.csv"):
        assert pd.read_csv(path).empty, path


def test_no_exits_reach_the_study_tables(runs):
    workdir = runs("plain_two_sites")[0]
    mentors = pd.read_parquet(workdir / "results/interim/study/mentors.parquet")
    assert mentors["end_date"].isna().all()
    assert set(mentors["exit_reason"].astype(str)) == {"still_employed"}


def test_two_sites_sensitivity_cannot_reach_alpha(runs):
    workdir = runs("plain_two_sites")[0]
    text = html_text(workdir / "results/notebooks/study.html")
    assert "With 2 sites (1 rural) the site-level test cannot reach alpha 0.05" in text
    clustering = pd.read_csv(workdir / "results/tables/rural_urban_clustering.csv")
    assert clustering["note"].str.startswith("cannot reach alpha 0.05: 2 sites (1 rural)").all()


# --- no no-shows anywhere (plain_two_sites): a constant predictor ---------------------------


def test_no_no_shows_reach_the_study_tables(runs):
    workdir = runs("plain_two_sites")[0]
    contacts = pd.read_parquet(workdir / "results/interim/study/contacts.parquet")
    assert set(contacts["status"].astype(str)) == {"completed"}


def test_no_no_shows_runs_to_the_report(runs):
    workdir, main, report = runs("plain_two_sites")
    assert main.returncode == 0, main.stderr[-2000:]
    assert report.returncode == 0
    dry = snakemake(workdir, "-n", check=False)
    assert "Nothing to be done" in dry.stdout + dry.stderr
    for log in (workdir / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log
    for page in html_pages(workdir):
        assert not MISSING_WORD.findall(html_text(page)), page.name


def test_constant_no_show_predictor_is_not_estimable(runs):
    workdir = runs("plain_two_sites")[0]
    coefficients = pd.read_csv(workdir / "results/models/coefficients.csv")
    rows = coefficients[coefficients.astype(str).apply(lambda c: c.str.contains("no_shows")).any(
        axis=1
    )]  # fmt: skip
    assert len(rows) > 0
    assert rows["note"].astype(str).str.startswith("not estimable:").all()


# --- one stratum (one urban site, few mentors; one rural site) --------------------------------


@pytest.mark.parametrize("shape", ["one_urban_site", "one_rural_site"])
def test_one_stratum_is_not_estimable(runs, shape):
    workdir = runs(shape)[0]
    text = html_text(workdir / "results/notebooks/study.html")
    assert "not estimable: one stratum" in text
    replication = (workdir / "results/tables/replication.csv").read_text()
    assert "not estimable: one stratum" in replication


def test_few_mentors_get_few_cluster_inference(runs):
    workdir = runs("one_urban_site")[0]
    coefficients = pd.read_csv(workdir / "results/models/coefficients.csv")
    variants = set(coefficients["se_variant"].dropna())
    assert any("CR1" in v for v in variants) and any("CR3 jackknife" in v for v in variants)
    inference = pd.read_csv(workdir / "results/models/diagnostics.csv").astype(str)
    assert inference.apply(lambda c: c.str.contains("CR3")).any().any()


# --- many small sites ----------------------------------------------------------------------


def test_many_sites_permutation_is_monte_carlo(runs):
    workdir = runs("many_sites")[0]
    text = html_text(workdir / "results/notebooks/study.html").lower()
    assert "monte carlo" in text


def test_many_sites_all_ingested(runs):
    workdir = runs("many_sites")[0]
    recon = pd.read_csv(workdir / "results/tables/reconciliation.csv")
    assert recon["site_id"].nunique() == len(SHAPES["many_sites"]["sites"]) >= 10


# --- a mentor two sites' roster lists with different records: a clear stop -----------------


def test_disagreeing_roster_stops_naming_sites_file_and_rows(runs):
    workdir, main, _ = runs("roster_disagrees", check=False)
    assert main.returncode != 0
    log = (workdir / "logs/combine_sites.log").read_text()
    assert "is listed by sites jefferson_1 and kenton_1 in their shared roster" in log
    assert re.search(r"site jefferson_1: data/raw/shared/mentors_hr\.csv row \d+", log)
    assert re.search(r"site kenton_1: data/raw/shared/mentors_hr\.csv row \d+", log)
    assert "hire_date" in log and "a bug, please report" not in log
    assert "Traceback" not in log
