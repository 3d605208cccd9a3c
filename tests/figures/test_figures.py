"""Figures: every figure builds from study-shaped data, respects suppression, and saves
byte-identically; the data behind the two computed figures is checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from matplotlib.figure import Figure
from profile_helpers import synthetic_profile
from scipy.special import expit

from peermentor import figures
from peermentor import notebooks as narrative
from peermentor.analysis.engagement_curve import cumulative_contacts_curve
from peermentor.analysis.outcome import (
    PredictionCurve,
    fit_logit_clustered,
    fit_models,
    model_frame,
    prediction_curve,
    unification_curve,
)
from peermentor.analysis.profile import summarize_profile
from peermentor.analysis.rural_urban import (
    COMPARISON_COLUMN_GROUPS,
    COMPARISON_COUNT_COLUMNS,
    COMPARISON_DEPENDENT_COLUMNS,
    compare_strata,
)
from peermentor.analysis.workforce import summarize_workforce
from peermentor.contract import ACTIVITY_COLUMNS
from peermentor.figures import style
from peermentor.publish.disclosure import (
    publish_profile_summary,
    publish_workforce_summary,
    suppress_small_cells,
)

FORMULA = "unified_at_closure ~ face_to_face_with_children + no_shows_or_refusals + C(rurality)"


@pytest.fixture(scope="module")
def profile() -> pd.DataFrame:
    return synthetic_profile()


def published_mix(profile: pd.DataFrame, *, min_cell_size: int = 11) -> pd.DataFrame:
    """The overall activity rows of service_profile.csv, as the service_summaries job
    publishes them and the figure job reads them back (strings)."""
    summary = summarize_profile(profile, measures=ACTIVITY_COLUMNS)
    summary.insert(0, "group_type", "overall")
    published = publish_profile_summary(summary, min_cell_size=min_cell_size)
    from io import StringIO

    text = published.to_csv(index=False)
    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)


def texts(fig: Figure) -> list[str]:
    """Every text drawn on the figure (titles, labels, annotations, tick labels)."""
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def coefficients_table(profile: pd.DataFrame) -> pd.DataFrame:
    from peermentor.analysis.outcome import tidy_coefficients

    frame = model_frame(profile, FORMULA, "mentor_id")
    return tidy_coefficients([fit_logit_clustered(frame, FORMULA, "mentor_id")])


def workforce_table(exit_reasons: list[str], min_cell_size: int = 11) -> pd.DataFrame:
    per_mentor = pd.DataFrame({"exit_reason": exit_reasons, "tenure_months": 12.0})
    per_mentor["outcome_group"] = np.where(
        per_mentor["exit_reason"].isin(["relapse", "boundary_violation", "policy_violation"]),
        "challenge",
        "stable_or_advanced",
    )
    published = publish_workforce_summary(
        summarize_workforce(per_mentor), min_cell_size=min_cell_size
    )
    return _through_csv(published)


def _through_csv(table: pd.DataFrame) -> pd.DataFrame:
    """As the workflow reads a published table back: markers become strings."""
    from io import StringIO

    buffer = StringIO()
    table.to_csv(buffer, index=False)
    return pd.read_csv(StringIO(buffer.getvalue()))


# --- every figure --------------------------------------------------------------------------


def all_figures(profile: pd.DataFrame) -> dict[str, Figure]:
    contacts, families = tiny_contacts()
    comparison = compare_strata(profile, ["contacts", "hours"], n_boot=50)
    curve = unification_curve(profile, FORMULA, "mentor_id")
    return {
        "service_distribution": figures.service_distribution(profile),
        "service_mix": figures.service_mix(published_mix(profile)),
        "early_engagement": figures.early_engagement_curve(
            cumulative_contacts_curve(contacts, families, days=10),
            observed_days_to_nth=23.8,
        ),
        "rural_urban": figures.rural_urban_effects(comparison),
        "odds_ratios": figures.odds_ratio_forest(coefficients_table(profile)),
        "unification_curve": figures.unification_curve_figure(curve),
        "workforce_exits": figures.workforce_exits(workforce_table(["promoted"] * 28)),
    }


@pytest.fixture(scope="module")
def drawn(profile) -> dict[str, Figure]:
    return all_figures(profile)


def test_every_figure_states_n_and_labels_its_axes(drawn):
    for name, fig in drawn.items():
        assert isinstance(fig, Figure), name
        assert any("n = " in text for text in texts(fig)), name
        for ax in fig.axes:
            assert ax.get_xlabel(), (name, "x label")


def test_figures_have_fixed_sizes(drawn):
    for name, fig in drawn.items():
        width, height = fig.get_size_inches()
        assert 6 <= width <= 10 and 3 <= height <= 12, name


def test_saved_figures_are_byte_identical_and_carry_no_timestamp(profile, drawn, tmp_path):
    first, second = drawn, all_figures(profile)  # two independent drawings
    for name in first:
        paths = []
        for run, fig in (("a", first[name]), ("b", second[name])):
            png, svg = tmp_path / f"{name}_{run}.png", tmp_path / f"{name}_{run}.svg"
            figures.save_figure(fig, png, svg)
            paths.append((png, svg))
        (png_a, svg_a), (png_b, svg_b) = paths
        assert png_a.read_bytes() == png_b.read_bytes(), name
        assert svg_a.read_bytes() == svg_b.read_bytes(), name
        assert b"Software" not in png_a.read_bytes() and b"Matplotlib v" not in png_a.read_bytes()
        svg = svg_a.read_text()
        assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert not list(tmp_path.glob("*.tmp")), "atomic writes leave no temporary file"


def test_a_figure_is_laid_out_once_and_the_svg_keeps_the_pngs_layout(profile, tmp_path):
    fig = all_figures(profile)["service_mix"]
    engine = fig.get_layout_engine()
    runs = []
    original = type(engine).execute
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(engine), "execute", lambda self, f: runs.append(f) or original(self, f))
        figures.save_figure(fig, tmp_path / "m.png", tmp_path / "m.svg")
    assert len(runs) == 1  # the PNG's; the SVG is drawn with the same positions
    assert fig.get_layout_engine() is engine  # restored for later saves
    laid_out = [ax.get_position().bounds for ax in fig.axes]
    figures.save_figure(fig, tmp_path / "m2.png", tmp_path / "m2.svg")
    assert [ax.get_position().bounds for ax in fig.axes] == laid_out
    assert (tmp_path / "m2.svg").read_bytes() == (tmp_path / "m.svg").read_bytes()


def test_each_format_is_drawn_once_with_the_bytes_of_a_plain_savefig(profile, tmp_path):
    # A plain savefig with the layout engine set lays out and draws inside print_figure
    # (a draw that renders nothing, then the real one); save_figure lays out once and draws
    # each format once. The PNGs must not differ by a byte.
    ours, plain = all_figures(profile), all_figures(profile)
    draws = []
    original = Figure.draw
    for name, fig in ours.items():
        draws.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Figure, "draw", lambda self, r: draws.append(r) or original(self, r))
            figures.save_figure(fig, tmp_path / f"{name}.png", tmp_path / f"{name}.svg")
        assert len(draws) == 2, name  # the PNG and the SVG
        with style.theme():
            plain[name].savefig(
                tmp_path / f"{name}_plain.png", format="png", dpi=style.DPI,
                metadata=style.PNG_METADATA,
            )  # fmt: skip
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png == (tmp_path / f"{name}_plain.png").read_bytes(), name


def test_png_bytes_equal_the_saved_png(drawn, tmp_path):
    fig = drawn["workforce_exits"]
    figures.save_figure(fig, tmp_path / "w.png", tmp_path / "w.svg")
    assert figures.png_bytes(fig) == (tmp_path / "w.png").read_bytes()


# --- disclosure control ----------------------------------------------------------------------


def test_service_mix_shows_a_small_base_share_as_suppressed(profile):
    profile = profile.copy()
    profile.loc[:4, "act_recovery_coaching"] = 0  # 5 families without it: a small count
    table = published_mix(profile, min_cell_size=11)
    row = table.set_index("measure").loc["act_recovery_coaching"]
    # Issue 18: only the complement is small, so the share is shown as a lower bound.
    n = len(profile)
    bound = math.floor((n - 10) / n * 1000) / 1000
    assert row["share_receiving"] == f">={bound:.3f}"
    fig = figures.service_mix(table)
    shown = texts(fig)
    assert f" ≥ {100 * bound:.1f}" in shown
    hidden = f"{100 * (len(profile) - 5) / len(profile):.1f}"
    assert not any(hidden in text for text in shown)


def test_service_mix_draws_published_site_rows_as_they_are():
    rows = pd.DataFrame(
        {
            "measure": ["act_recovery_coaching", "act_advocacy"],
            "n_families": [116, 116],
            "n_receiving": ["[c]", 40],
            "share_receiving": ["[c]", 40 / 116],
            "mean": [45.0, 1.2],
        }
    )
    shown = texts(figures.service_mix(rows, label="site kenton"))
    assert "suppressed (complementary)" in shown
    assert any("site kenton (n = 116 families)" in text for text in shown)


def test_workforce_suppressed_counts_are_bands_not_numbers():
    reasons = ["promoted"] * 18 + ["relapse"] * 6 + ["boundary_violation"] * 4
    table = workforce_table(reasons)
    assert set(table.loc[table["row_type"] == "exit_reason", "count"].astype(str)) >= {"<11"}
    fig = figures.workforce_exits(table)
    shown = texts(fig)
    assert "suppressed (<11)" in shown
    assert not any(text.strip() in {"6", "4", "10"} for text in shown)
    # Every hatched bar spans the whole axis: its length says nothing about the count.
    for ax in fig.axes:
        for patch in ax.patches:
            if patch.get_hatch():
                assert patch.get_width() == pytest.approx(ax.get_xlim()[1] - ax.get_xlim()[0])


def test_title_counts_below_the_threshold_show_the_marker():
    assert figures.show_count(7, 11) == "<11"
    assert figures.show_count(0, 11) == "0"
    assert figures.show_count(783, 11) == "783"
    assert figures.show_count("[c]", 11) == "[c]"


def test_markers_are_not_numbers():
    assert narrative.as_number("<11") is None
    assert narrative.as_number("[c]") is None
    assert narrative.as_number(float("nan")) is None
    assert narrative.as_number("12.5") == 12.5
    assert (
        narrative.is_true("True") and narrative.is_true(np.True_) and not narrative.is_true(pd.NA)
    )


# --- rural / urban (P4) ------------------------------------------------------------------------


def test_rural_urban_figure_reads_compare_strata_output_and_the_published_csv(profile):
    profile = profile.copy()
    rural = profile["rurality"] == "rural"
    profile.loc[rural, "act_transportation"] += 5  # one clear difference
    measures = ["contacts", "hours", "act_transportation"]
    comparison = compare_strata(profile, measures, n_boot=100, seed=1)
    assert comparison.set_index(["measure", "kind"]).loc[
        ("act_transportation", "continuous"), "significant"
    ]
    published = _through_csv(
        suppress_small_cells(
            comparison,
            count_columns=COMPARISON_COUNT_COLUMNS,
            dependent_columns=COMPARISON_DEPENDENT_COLUMNS,
            column_groups=COMPARISON_COLUMN_GROUPS,
        )
    )
    for table in (comparison, published):
        fig = figures.rural_urban_effects(table)
        ticks = {t.get_text(): t.get_fontweight() for t in fig.axes[0].get_yticklabels()}
        assert list(ticks) == ["Contacts", "Contact hours", "Transportation"]
        assert ticks["Transportation"] == "bold" and ticks["Contacts"] != "bold"


def test_rural_urban_rows_without_an_estimate_say_why(profile):
    rural = profile.index[profile["rurality"] == "rural"]
    small = profile[(profile["rurality"] == "urban") | profile.index.isin(rural[:5])]
    comparison = compare_strata(small, ["contacts"], n_boot=10)
    assert not comparison["estimable"].iloc[0]
    reason = "not estimable: fewer than 11 families with a value in the rural stratum"
    assert reason in [t.replace("\n", " ") for t in texts(figures.rural_urban_effects(comparison))]
    both = compare_strata(small, ["contacts", "hours"], n_boot=10)
    both.loc[1, "estimable"], both.loc[1, "effect"] = True, 0.2  # one row with an estimate
    assert reason in texts(figures.rural_urban_effects(both))


def test_one_stratum_rural_urban_figure_is_a_readable_panel(profile):
    urban = profile[profile["rurality"] == "urban"]
    fig = figures.rural_urban_effects(compare_strata(urban, ["contacts", "hours"], n_boot=10))
    shown = [t.replace("\n", " ") for t in texts(fig)]
    assert "not estimable: one stratum (all families urban)" in shown
    assert not fig.axes[0].axison  # no empty axes to misread


# --- odds ratios (P5) ---------------------------------------------------------------------


def test_forest_plot_omits_the_intercept_and_uses_a_log_axis(profile):
    fig = figures.odds_ratio_forest(coefficients_table(profile))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert not any("Intercept" in label for label in labels)
    assert len(labels) == 3
    assert ax.get_xscale() == "log"
    assert any(line.get_xdata()[0] == 1 for line in ax.get_lines())  # OR = 1 reference


# --- predicted probability of unification (P5) -------------------------------------------------


def test_unification_curve_passes_through_the_fitted_probability_at_the_mean(profile):
    frame = model_frame(profile, FORMULA, "mentor_id")
    mean_visits = float(frame["face_to_face_with_children"].mean())
    curve = unification_curve(profile, FORMULA, "mentor_id", grid=[0.0, mean_visits, 40.0])
    # Independent route: statsmodels' own prediction for the covariate profile at the mean
    # (numeric covariates at their mean, rurality at its reference level).
    fit = smf.logit(FORMULA, frame).fit(disp=0)
    at_mean = pd.DataFrame(
        {
            "face_to_face_with_children": [mean_visits],
            "no_shows_or_refusals": [frame["no_shows_or_refusals"].mean()],
            "rurality": ["rural"],
        }
    )
    expected = float(fit.predict(at_mean).iloc[0])
    row = curve.frame.iloc[1]
    assert row["probability"] == pytest.approx(expected, rel=1e-9)
    assert row["ci_low"] < row["probability"] < row["ci_high"]
    assert curve.held["rurality"] == {"value": "rural", "how": "reference level"}


def test_unification_curve_odds_ratio_per_visit_is_the_models(profile):
    curve = unification_curve(profile, FORMULA, "mentor_id", grid=[10.0, 11.0])
    p0, p1 = curve.frame["probability"]
    coefficients = coefficients_table(profile).set_index("term")
    odds_ratio = coefficients.loc["face_to_face_with_children", "odds_ratio"]
    assert (p1 / (1 - p1)) / (p0 / (1 - p0)) == pytest.approx(odds_ratio, rel=1e-9)


def test_unification_curve_band_uses_the_cluster_robust_covariance(profile):
    frame = model_frame(profile, FORMULA, "mentor_id")
    fit = fit_logit_clustered(frame, FORMULA, "mentor_id")
    curve = unification_curve(profile, FORMULA, "mentor_id", grid=[0.0])
    # At zero visits the logit is x'b with x the held profile; its SE is sqrt(x'Vx).
    held = curve.held
    x = np.array([1.0, 0.0, 0.0, held["no_shows_or_refusals"]["value"]])  # rural = reference
    names = [
        "Intercept",
        "C(rurality)[T.urban]",
        "face_to_face_with_children",
        "no_shows_or_refusals",
    ]
    beta = fit.result.params[names].to_numpy()
    cov = fit.result.cov_params().loc[names, names].to_numpy()
    eta, se = x @ beta, np.sqrt(x @ cov @ x)
    row = curve.frame.iloc[0]
    assert row["ci_low"] == pytest.approx(expit(eta - 1.959963984540054 * se), rel=1e-9)
    assert row["ci_high"] == pytest.approx(expit(eta + 1.959963984540054 * se), rel=1e-9)
    assert curve.cov_type == "cluster"


def test_model_step_curve_is_the_primary_fit_and_survives_its_json(profile):
    """The model step predicts from its own primary fit: the same curve as a fresh fit,
    and the figure draws exactly what the JSON holds (floats keep every digit)."""
    import json

    fits = fit_models(profile, primary=FORMULA, cluster="mentor_id")
    frame = model_frame(profile, FORMULA, "mentor_id")
    from_step = prediction_curve(fits[0], frame, grid=[0.0, 5.0, 20.0])
    fresh = unification_curve(profile, FORMULA, "mentor_id", grid=[0.0, 5.0, 20.0])
    pd.testing.assert_frame_equal(from_step.frame, fresh.frame)
    # As peermentor.io.write_json writes it: object keys sorted.
    back = PredictionCurve.from_dict(json.loads(json.dumps(from_step.to_dict(), sort_keys=True)))
    pd.testing.assert_frame_equal(back.frame, from_step.frame)
    assert list(back.held.items()) == list(from_step.held.items())
    assert back.n == from_step.n


def test_unification_curve_without_the_predictor_is_a_not_estimable_panel(profile):
    """No family had a face-to-face visit with the children: the primary model drops the
    term, the curve says why, and the figure is a text panel instead of a crash."""
    no_visits = profile.assign(face_to_face_with_children=0)
    curve = unification_curve(no_visits, FORMULA, "mentor_id")
    assert curve.frame.empty
    assert curve.not_estimable.startswith("face_to_face_with_children: not estimable")
    fig = figures.unification_curve_figure(curve)
    assert any("not estimable" in text for text in texts(fig))


# --- early engagement curve (P3) ------------------------------------------------------------


def tiny_contacts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Family a: contacts on days 0, 0, 2, 5 (and a no-show on day 1); family b: days 0
    and 3 but closed after 4 days (not followed long enough); family c: none."""
    start = pd.Timestamp("2015-03-01")
    rows = [
        ("a", 0, "completed"),
        ("a", 0, "completed"),
        ("a", 1, "no_show"),
        ("a", 2, "completed"),
        ("a", 5, "completed"),
        ("a", 30, "completed"),
        ("b", 0, "completed"),
        ("b", 3, "completed"),
    ]
    contacts = pd.DataFrame(
        {
            "family_id": [r[0] for r in rows],
            "contact_date": [start + pd.Timedelta(days=r[1], hours=10) for r in rows],
            "status": [r[2] for r in rows],
        }
    )
    families = pd.DataFrame(
        {
            "family_id": ["a", "b", "c"],
            "case_open_date": [start - pd.Timedelta(days=3), start, start],
            "case_close_date": [pd.NaT, start + pd.Timedelta(days=4), pd.NaT],
        }
    )
    return contacts, families


def test_cumulative_contacts_curve_by_hand():
    contacts, families = tiny_contacts()
    curve = cumulative_contacts_curve(contacts, families, days=10, data_cutoff="2016-01-01")
    assert (curve["n_families"] == 1).all()  # b is followed 4 days only; c has no contact
    assert curve["mean"].tolist() == [2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4]
    assert curve["day"].tolist() == list(range(11))


def test_cumulative_contacts_curve_from_case_opening_and_a_cutoff():
    contacts, families = tiny_contacts()
    curve = cumulative_contacts_curve(
        contacts, families, days=10, anchor="case_open", data_cutoff="2015-03-03"
    )
    # a opened 3 days before its first contact; the cut-off (day 2) ends a's follow-up
    # 5 days after opening, so nobody is followed 10 days.
    assert (curve["n_families"] == 0).all()
    curve = cumulative_contacts_curve(contacts, families, days=5, anchor="case_open")
    # a (contacts 3 and 5 days after opening) and c (followed, no contact) are averaged;
    # b closed 4 days after opening.
    assert (curve["n_families"] == 2).all()
    assert curve["mean"].tolist() == [0, 0, 0, 1, 1, 1.5]


def test_theme_and_palette_are_seaborns_whitegrid_paper_and_colorblind():
    # figures/style.py writes them out to spare every job seaborn's import; the pinned
    # seaborn is the reference, so an upgrade that changes its look fails here.
    import seaborn as sns

    expected = {**sns.axes_style("whitegrid"), **sns.plotting_context("paper", font_scale=1.1)}
    expected.pop("image.cmap")  # seaborn's own colormap; the figures draw no images
    assert figures.THEME_RC.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float):
            assert figures.THEME_RC[key] == pytest.approx(value), key
        else:
            assert figures.THEME_RC[key] == value, key
    assert list(sns.color_palette("colorblind")) == figures.PALETTE
