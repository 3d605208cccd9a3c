"""Disclosure control: small-cell, dependent and complementary suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from peermentor.publish.disclosure import (
    COMPLEMENTARY_MARKER as C,
)
from peermentor.publish.disclosure import (
    publish_early_summary,
    publish_profile_summary,
    publish_workforce_summary,
    suppress_small_cells,
)

SMALL = "<11"


def _sites(counts: list[int], total: int | None = None) -> pd.DataFrame:
    """Site rows (A, B, ...) with a count and its share, plus an optional total row."""
    names = [chr(ord("A") + i) for i in range(len(counts))]
    if total is not None:
        names, counts = [*names, "total"], [*counts, total]
    base = total or sum(counts)
    return pd.DataFrame({"site": names, "n": counts, "share": [c / base for c in counts]})


def _suppress(table: pd.DataFrame, **kwargs) -> pd.DataFrame:
    return suppress_small_cells(
        table, count_columns=["n"], dependent_columns={"n": ["share"]}, **kwargs
    )


def test_below_threshold_exact_threshold_and_zero():
    out = _suppress(_sites([10, 11, 0, 1, 500]))
    assert out["n"].tolist() == [SMALL, 11, 0, SMALL, 500]
    assert out["suppressed"].tolist() == [True, False, False, True, False]
    assert out["share"].tolist()[:3] == [SMALL, 11 / 522, 0.0]


def test_marker_follows_min_cell_size():
    out = suppress_small_cells(_sites([5, 12]), count_columns=["n"], min_cell_size=20)
    assert out["n"].tolist() == ["<20", "<20"]


def test_dependent_share_blanked():
    out = _suppress(_sites([5, 40]))
    assert out["share"].tolist() == [SMALL, 40 / 45]


def test_no_op_when_all_large():
    table = _sites([11, 40, 0, 500], total=551)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    assert out["n"].tolist() == [11, 40, 0, 500, 551]
    assert out["share"].tolist() == table["share"].tolist()
    assert not out["suppressed"].any()
    assert out.drop(columns="suppressed").astype(str).equals(table.astype(str))


def test_complementary_suppression_against_a_total_row():
    table = _sites([5, 40, 60], total=105)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    # 105 - 40 - 60 would give back the 5: the next-smallest cell goes too.
    assert out["n"].tolist() == [SMALL, C, 60, 105]
    assert out["share"].tolist()[:3] == [SMALL, C, 60 / 105]
    assert out["suppressed"].tolist() == [True, True, False, False]


def test_zero_is_not_a_useful_complement():
    table = _sites([5, 0, 40], total=45)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    assert out["n"].tolist() == [SMALL, 0, C, 45]


def test_two_small_cells_with_a_small_sum_need_a_third():
    table = _sites([3, 4, 50, 70], total=127)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    assert out["n"].tolist() == [SMALL, SMALL, C, 70, 127]


def test_two_small_cells_with_a_large_sum_are_enough():
    table = _sites([6, 7, 50], total=63)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    assert out["n"].tolist() == [SMALL, SMALL, 50, 63]


def test_ties_pick_the_first_cell():
    table = _sites([5, 20, 20], total=45)
    out = _suppress(table, total_row_mask=table["site"] == "total")
    assert out["n"].tolist() == [SMALL, C, 20, 45]


def test_groups_are_separate():
    table = pd.DataFrame(
        {
            "measure": ["x", "x", "x", "y", "y", "y"],
            "site": ["all", "A", "B", "all", "A", "B"],
            "n": [45, 5, 40, 45, 20, 25],
        }
    )
    out = suppress_small_cells(
        table,
        count_columns=["n"],
        total_row_mask=table["site"] == "all",
        group_columns=["measure"],
    )
    assert out["n"].tolist() == [45, SMALL, C, 45, 20, 25]


def test_column_group_within_a_row():
    table = pd.DataFrame(
        {"n_families": [783], "n_reached": [780], "n_not_reached": [3], "share": [780 / 783]}
    )
    out = suppress_small_cells(
        table,
        count_columns=["n_families", "n_reached", "n_not_reached"],
        dependent_columns={"n_reached": ["share"], "n_not_reached": ["share"]},
        column_groups={"n_families": ["n_reached", "n_not_reached"]},
    )
    row = out.iloc[0]
    assert (row["n_families"], row["n_reached"], row["n_not_reached"]) == (783, C, SMALL)
    assert row["share"] == SMALL  # the small-cell marker wins over the complementary one


def test_input_untouched_and_nullable_counts():
    table = pd.DataFrame({"n": pd.array([4, None, 30], dtype="Int64"), "mean": [1.0, 2.0, 3.0]})
    before = table.copy()
    out = suppress_small_cells(table, count_columns=["n"], dependent_columns={"n": ["mean"]})
    assert table.equals(before)
    assert out["n"].iloc[0] == SMALL and pd.isna(out["n"].iloc[1]) and out["n"].iloc[2] == 30
    assert out["mean"].tolist() == [SMALL, 2.0, 3.0]
    assert out["suppressed"].tolist() == [True, False, False]


def test_publish_workforce_summary_of_28_mentors():
    rows = [("overall", "all", 28)]
    rows += [("exit_reason", r, k) for r, k in [("still_employed", 12), ("promoted", 4),
             ("left_for_advancement", 2), ("relapse", 6), ("boundary_violation", 3),
             ("policy_violation", 1), ("other_exit", 0)]]  # fmt: skip
    rows += [("outcome_group", "stable_or_advanced", 18), ("outcome_group", "challenge", 10)]
    rows += [("outcome_group", "other", 0)]
    summary = pd.DataFrame(rows, columns=["row_type", "category", "count"]).assign(
        unit="mentors", n_mentors=28, share=lambda d: d["count"] / 28, ci_low=0.1, ci_high=0.9,
        tenure_mean_months=20.0, tenure_median_months=19.0,
    )  # fmt: skip
    out = publish_workforce_summary(summary, min_cell_size=11).set_index("category")
    assert out.loc["all", "count"] == 28 and out.loc["all", "n_mentors"] == 28
    assert out.loc["still_employed", "count"] == 12
    assert out.loc["promoted", "count"] == SMALL and out.loc["other_exit", "count"] == 0
    # 18 of 28 would give away the 10 who left through challenges.
    assert out.loc["challenge", "count"] == SMALL
    assert out.loc["stable_or_advanced", "count"] == C
    assert out.loc["stable_or_advanced", "share"] == C
    assert out.loc["challenge", "tenure_mean_months"] == SMALL


def test_publish_profile_and_early_summaries():
    profile = pd.DataFrame(
        {
            "group_type": ["overall", "site", "site"],
            "group": ["all", "s1", "s2"],
            "measure": ["contacts"] * 3,
            "n_families": [60, 8, 52],
            "n_receiving": [55, 8, 47],
            "n_not_receiving": [5, 0, 5],
            "share_receiving": [55 / 60, 1.0, 47 / 52],
            **{stat: [1.0, 2.0, 3.0] for stat in ("mean", "sd", "median", "q1", "q3")},
            "min": [0.0, 1.0, 0.0],
            "max": [9.0, 9.0, 8.0],
        }
    )
    out = publish_profile_summary(profile, min_cell_size=11)
    assert out["n_families"].tolist() == [60, SMALL, C]
    # Issue 18: the mean over the 52 families of s2 (a complement) is shown at 1 decimal,
    # the share of all 60 is a lower bound: (60 - 10) / 60 = 0.833.., and says only "<11".
    assert out["mean"].tolist() == [1.0, SMALL, 3.0]
    assert out["n_not_receiving"].tolist()[0] == SMALL
    assert out["n_receiving"].tolist()[0] == C
    assert out["share_receiving"].tolist()[0] == ">=0.833"
    # At 2 decimals a mean could give a complement's n back: it is hidden with it.
    fine = publish_profile_summary(profile, min_cell_size=11, decimals={"mean": 2})
    assert fine["mean"].tolist() == [1.0, SMALL, C]

    early = pd.DataFrame(
        {
            "group_type": ["overall"],
            "group": ["all"],
            "n_families": [100],
            "n_reached": [95],
            "n_not_reached": [5],
            "share_reached": [0.95],
            "days_to_nth_mean": [23.6],
            "hours_mean": [8.0],
        }
    )
    row = publish_early_summary(early, min_cell_size=11).iloc[0]
    assert (row["n_reached"], row["n_not_reached"]) == (C, SMALL)
    # Issue 18: no longer blanked whole; the means over the 95 reached are shown.
    assert (row["days_to_nth_mean"], row["hours_mean"]) == (23.6, 8.0)
    assert row["share_reached"] == ">=0.900"
    few = early.assign(n_families=[12], n_reached=[7], n_not_reached=[5], share_reached=[7 / 12])
    row = publish_early_summary(few, min_cell_size=11).iloc[0]
    assert row["days_to_nth_mean"] == SMALL and row["share_reached"] == SMALL


def test_replication_figure_revealing_a_small_count_is_suppressed():
    from peermentor.publish.disclosure import publish_replication

    table = pd.DataFrame(
        {
            "id": ["pct_mentors_stable_or_advanced", "mean_hours_per_family"],
            "computed": [64.3, 55.0],
            "difference": [0.0, -0.3],
            "relative_difference": [0.0, -0.005],
        }
    )
    out = publish_replication(
        table, bases={"pct_mentors_stable_or_advanced": (18, 10)}, min_cell_size=11
    )
    assert out["computed"].tolist() == ["<11", 55.0]
    assert out["suppressed"].tolist() == [True, False]
    shown = publish_replication(
        table, bases={"pct_mentors_stable_or_advanced": (18, 11)}, min_cell_size=11
    )
    assert shown["computed"].tolist() == [64.3, 55.0]


def test_linked_count_revealing_a_small_gap_is_hidden():
    from peermentor.publish.disclosure import suppress_linked_counts

    table = pd.DataFrame(
        {"measure": ["contacts", "early_days_to_nth", "early_hours"], "n_rural": [194, 187, 150]}
    )
    out = suppress_linked_counts(
        table, count_columns=["n_rural"], reference={"n_rural": 194}, rows=[True] * 3,
        min_cell_size=11,
    )  # fmt: skip
    # 194 - 187 = 7 families would be revealed; 194 - 150 = 44 is not small.
    assert out["n_rural"].tolist() == [194, "[c]", 150]


# --- issue 18: precision and statistics of suppressed groups ------------------------------


def _consistent_n(mean: float, decimals: int | None, candidates: range) -> list[int]:
    """The n whose whole-number total fits ``mean`` as printed (the attacker's test)."""
    half = 0.5 * 10.0**-decimals if decimals is not None else 1e-9
    return [n for n in candidates if math.floor((mean + half) * n) >= math.ceil((mean - half) * n)]


def test_round_value_by_kind():
    from peermentor.publish.disclosure import round_value

    assert round_value(9.452961672473867, "mean") == 9.5
    assert round_value(0.98765, "share") == 0.988
    assert round_value(-0.41666, "effect") == -0.42
    assert round_value(1234.5000001, "statistic") == 1235.0
    assert round_value(0.000123456, "p_value") == 0.000123
    assert round_value(0.0456789, "p_value") == 0.0457
    assert round_value(0.0, "p_value") == 0.0
    assert round_value("<11", "mean") == "<11"  # markers pass through
    assert round_value(2.345, "ratio", {"ratio": 1}) == 2.3  # configurable


def test_replication_mean_at_full_precision_leaked_the_small_count():
    from peermentor.publish.disclosure import publish_replication

    # 295 families, 287 reached 7 contacts (8 did not: a small count); 2713 days in all.
    mean = 2713 / 287
    table = pd.DataFrame(
        {
            "id": ["mean_days_to_7th_contact", "or_face_to_face_with_children"],
            "published": [9.0, 1.5],
            "computed": [mean, 1.23456],
            "difference": [mean - 9.0, 1.23456 - 1.5],
            "relative_difference": [(mean - 9.0) / 9.0, (1.23456 - 1.5) / 1.5],
        }
    )
    candidates = range(295 - 10, 295)  # n_reached when 1..10 did not reach 7
    # Before: only n = 287 makes mean x n whole at full precision.
    assert _consistent_n(mean, None, candidates) == [287]
    out = publish_replication(table, bases={}, min_cell_size=11)
    assert out["computed"].tolist() == [9.5, 1.235]
    assert out["difference"].tolist() == [0.5, -0.265]
    # After: every candidate fits the printed 9.5, so the count stays hidden.
    assert _consistent_n(out["computed"][0], 1, candidates) == list(candidates)


def _comparison_row(**values) -> pd.DataFrame:
    from peermentor.analysis.rural_urban import COMPARISON_COLUMNS

    row = dict.fromkeys(COMPARISON_COLUMNS, np.nan) | {"measure": "contacts"} | values
    return pd.DataFrame([row], columns=list(COMPARISON_COLUMNS))


def test_stratum_n_suppressed_hides_its_mean_u_and_delta():
    from peermentor.analysis.rural_urban import (
        COMPARISON_COLUMN_GROUPS,
        COMPARISON_COUNT_COLUMNS,
        COMPARISON_DEPENDENT_COLUMNS,
    )
    from peermentor.publish.disclosure import suppress_small_cells

    # 8 rural, 120 urban families: U = 300 and delta = 2U/(n1 n2) - 1 = -0.375 give
    # n1 n2 = 960, hence n_rural = 8 from the shown n_urban.
    table = _comparison_row(
        kind="continuous", n_rural=8, n_urban=120, mean_rural=4.0, mean_urban=5.5,
        statistic=300.0, effect=-0.375, effect_low=-0.6, effect_high=-0.1,
        p_value=0.04, p_adjusted=0.08,
    )  # fmt: skip
    assert round(2 * 300.0 / (-0.375 + 1) / 120) == 8  # the leak
    out = suppress_small_cells(
        table,
        count_columns=COMPARISON_COUNT_COLUMNS,
        min_cell_size=11,
        dependent_columns=COMPARISON_DEPENDENT_COLUMNS,
        column_groups=COMPARISON_COLUMN_GROUPS,
    )
    for col in ("n_rural", "mean_rural", "statistic", "effect", "effect_low", "p_value"):
        assert out.loc[0, col] == "<11", col
    assert out.loc[0, "n_urban"] == 120 and out.loc[0, "mean_urban"] == 5.5


def test_linked_count_hides_its_dependent_statistics():
    from peermentor.publish.disclosure import suppress_linked_counts

    table = pd.DataFrame(
        {"n_rural": [187, 150], "mean_rural": [9.45, 3.1], "statistic": [310.0, 200.0]}
    )
    out = suppress_linked_counts(
        table, count_columns=["n_rural"], reference={"n_rural": 194}, rows=[True, True],
        min_cell_size=11, dependent_columns={"n_rural": ["mean_rural", "statistic"]},
    )  # fmt: skip
    assert out.iloc[0].tolist() == ["[c]", "[c]", "[c]"]
    assert out.iloc[1].tolist() == [150, 3.1, 200.0]


def test_round_published_rounds_statistics_not_counts_or_markers():
    from peermentor.publish.disclosure import round_published

    table = pd.DataFrame(
        {
            "n_families": [295, 13],
            "mean": [9.45296, "<11"],
            "share_reached": [0.972881, 0.5],
            "p_value": [0.0123456, 0.5],
            "measure": ["days", "hours"],
        }
    )
    out = round_published(table)
    assert out["n_families"].tolist() == [295, 13]
    assert out["mean"].tolist() == [9.5, "<11"]
    assert out["share_reached"].tolist() == [0.973, 0.5]
    assert out["p_value"].tolist() == [0.0123, 0.5]
    assert out["measure"].tolist() == ["days", "hours"]


# --- issue 23: printed precision, no negative zero, the linked gaps of one row -------------


def test_format_published_prints_each_kind_with_its_decimals():
    from peermentor.publish.disclosure import format_published

    table = pd.DataFrame(
        {
            "n_families": [295, 13],
            "mean": [14.0, 13.14],
            "effect": [0.08, -0.004],
            "share_reached": [1.0, ">=0.966"],
            "statistic": [18561.5, 2_000_000.0],
            "p_value": [0.70058, 1.4012e-22],
            "p_adjusted": [0.0, float("nan")],
        }
    )
    out = format_published(table)
    assert out["n_families"].tolist() == [295, 13]
    assert out["mean"].tolist() == ["14.0", "13.1"]
    assert out["effect"].tolist() == ["0.08", "0.00"]  # -0.004 rounds to 0, never "-0.00"
    assert out["share_reached"].tolist() == ["1.000", ">=0.966"]
    assert out["statistic"].tolist() == ["18562", "2000000"]  # half away from zero, no 2e+06
    assert out["p_value"].tolist() == ["0.701", "1.40e-22"]
    assert out["p_adjusted"].iloc[0] == "0" and pd.isna(out["p_adjusted"].iloc[1])


def test_round_value_never_gives_negative_zero():
    import math

    from peermentor.publish.disclosure import round_value

    for value, kind in ((-0.004, "effect"), (-0.04, "mean"), (-0.0, "share"), (-0.3, "statistic")):
        rounded = round_value(value, kind)
        assert rounded == 0 and math.copysign(1.0, rounded) == 1.0, (value, kind)


def test_format_published_uses_the_kinds_it_is_given():
    from peermentor.publish.disclosure import format_published

    gap = pd.DataFrame({"difference": [13.96], "ci_low": [-0.04], "welch_df": [321.456]})
    kinds = {"difference": "mean", "ci_low": "mean", "welch_df": "coefficient"}
    assert format_published(gap, kinds=kinds).iloc[0].tolist() == ["14.0", "0.0", "321.456"]
    assert format_published(gap).iloc[0]["ci_low"] == "-0.040"  # by name: a share's CI


def test_a_row_with_one_linked_gap_hidden_hides_the_other_nonzero_gap():
    from peermentor.publish.disclosure import suppress_linked_counts

    table = pd.DataFrame({"n_rural": [187, 194, 190], "n_urban": [572, 572, 583]})
    out = suppress_linked_counts(
        table, count_columns=["n_rural", "n_urban"], reference={"n_rural": 194, "n_urban": 583},
        rows=[True] * 3, min_cell_size=11,
    )  # fmt: skip
    # Row 0: the gaps 7 and 11 add up to the published 18 not reaching N: both hidden.
    # Row 1: only the urban gap (11) is there, not small: shown. Row 2: urban gap 0: shown.
    assert out.to_dict("list") == {"n_rural": ["[c]", 194, "[c]"], "n_urban": ["[c]", 572, 583]}


def test_round_value_rounds_exact_halves_away_from_zero():
    from peermentor.publish.disclosure import round_value

    # 20.25 and 56238.5 are exact in binary: the published tables' convention, not half-even.
    assert round_value(20.25, "mean") == 20.3 and round_value(-20.25, "mean") == -20.3
    assert round_value(56238.5, "statistic") == 56239.0
    assert round_value(2.675, "effect") == 2.67  # binary 2.67499999...: below the half


def test_format_replication_prints_each_row_at_its_kind():
    from peermentor.publish.disclosure import format_replication, publish_replication

    table = pd.DataFrame(
        {
            "id": ["p4_measures_differing", "or_face_to_face_with_children", "face_to_face_gap"],
            "published": [float("nan"), 1.09, 14.0],
            "computed": [4.0, 1.0951, 14.04],
            "difference": [float("nan"), 0.0051, 0.04],
            "relative_difference": [float("nan"), 0.0047, 0.0029],
        }
    )
    out = format_replication(publish_replication(table, bases={}, min_cell_size=11))
    assert out["computed"].tolist() == ["4", "1.095", "14.0"]  # a count, a ratio, a mean
    assert out["difference"].tolist()[1:] == ["0.005", "0.0"]
