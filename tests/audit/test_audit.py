"""The disclosure attacker on tiny hand-made published tables (issue 18's leaks).

Each leak is re-created as the table was printed before the fix ("before": the attacker
must recover the count) and as the fixed policy prints it ("after": rounded statistics,
statistics of a suppressed group suppressed with it; the attacker must find nothing).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from peermentor.cli import main
from peermentor.publish.audit import (
    audit_disclosure,
    audit_table,
    findings_frame,
    fits_mean,
    half_width,
)

S = 11  # min_cell_size


def write(results: Path, name: str, rows: list[dict]) -> None:
    path = results / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


def recovered(findings) -> set[tuple[str, int, str, int, str]]:
    return {(f.cell.file, f.cell.row, f.cell.column, f.value, f.attack) for f in findings}


# --- precision arithmetic ---------------------------------------------------------------


def test_half_width_is_half_the_last_printed_digit():
    assert half_width("23.8") == pytest.approx(0.05)
    assert half_width("24") == pytest.approx(0.5)
    assert half_width("1.5e-05") == pytest.approx(0.5e-6)
    # full float precision: a relative tolerance for the computation's rounding
    assert half_width("23.791808873720136") == pytest.approx(23.79e-9, rel=1e-3)


def test_fits_mean_by_hand():
    # 45/7 = 6.428571428571429: 7 whole-numbered values fit, 6 do not (38/6 = 6.33, 39/6 = 6.5)
    assert fits_mean("6.428571428571429", 7, Fraction(1))
    assert not fits_mean("6.428571428571429", 6, Fraction(1))
    # printed as 6.4, n = 5 (32/5) and 10 (64/10) fit as well
    assert fits_mean("6.4", 5, Fraction(1)) and fits_mean("6.4", 10, Fraction(1))
    # hours in minutes: 7 values summing to 50 minutes = 0.119047... hours
    assert fits_mean(repr(50 / 60 / 7), 7, Fraction(1, 60))
    assert not fits_mean(repr(50 / 60 / 7), 6, Fraction(1, 60))


# --- leak 1: replication.csv mean days / hours at full precision ------------------------


def early_overall(**stats) -> list[dict]:
    return [
        {
            "group_type": "overall",
            "group": "all",
            "n_families": 300,
            "n_reached": "[c]",
            "n_not_reached": "<11",
            "share_reached": "<11",
            "days_to_nth_mean": "[c]",
            "hours_mean": "[c]",
            **stats,
        }
    ]


def replication(days: str, hours: str) -> list[dict]:
    return [
        {"id": "mean_days_to_7th_contact", "computed": days, "suppressed": False},
        {"id": "mean_hours_first_7_contacts", "computed": hours, "suppressed": False},
    ]


def test_replication_means_at_full_precision_give_back_the_families_not_reaching_7(tmp_path):
    # 293 of 300 families reached 7 contacts: 6971 days, 2213 hours + 7 minutes in all
    days, hours = 6971 / 293, (2213 * 60 + 7) / 60 / 293
    write(tmp_path, "tables/early_engagement.csv", early_overall())
    write(tmp_path, "tables/replication.csv", replication(repr(days), repr(hours)))
    found = audit_disclosure(tmp_path, S)
    leak = ("tables/early_engagement.csv", 0, "n_not_reached", 7, "mean_integrality")
    assert leak in recovered(found)
    evidence = {str(c) for f in found for c in f.evidence}
    assert "tables/replication.csv:0:computed" in evidence
    assert "tables/replication.csv:1:computed" in evidence


def test_replication_means_at_published_precision_fit_every_candidate(tmp_path):
    write(tmp_path, "tables/early_engagement.csv", early_overall())
    write(tmp_path, "tables/replication.csv", replication("23.8", "7.6"))
    assert audit_disclosure(tmp_path, S) == []


# --- leak 2: rural_urban.csv, a suppressed stratum n with its mean, U and delta --------


def rural_urban_row(**cells) -> dict:
    return {
        "measure": "contacts",
        "n_rural": "<11",
        "n_urban": 290,
        "mean_rural": repr(45 / 7),
        "mean_urban": "60.8",
        "test": "mann_whitney",
        "statistic": "812.5",
        "effect_measure": "cliffs_delta",
        # delta = 2U / (n1 n2) - 1 with n1 = 7, n2 = 290
        "effect": repr(2 * 812.5 / (7 * 290) - 1),
        **cells,
    }


def test_cliffs_delta_and_mean_give_back_a_suppressed_stratum_n():
    table = pd.DataFrame([rural_urban_row()]).astype(str)
    found = recovered(audit_table("tables/rural_urban.csv", table, S))
    assert ("tables/rural_urban.csv", 0, "n_rural", 7, "cliffs_delta") in found
    assert ("tables/rural_urban.csv", 0, "n_rural", 7, "mean_integrality") in found


def test_complementary_stratum_n_comes_back_from_delta_too():
    # what the demo printed: n_rural "[c]" with U and delta at full precision
    n1, n2, u = 187, 572, 52646.5
    row = rural_urban_row(n_rural="[c]", n_urban=n2, statistic=repr(u))
    row["effect"] = repr(2 * u / (n1 * n2) - 1)
    found = recovered(audit_table("t.csv", pd.DataFrame([row]).astype(str), S))
    assert ("t.csv", 0, "n_rural", 187, "cliffs_delta") in found


def test_statistics_of_a_suppressed_stratum_suppressed_leave_nothing():
    row = rural_urban_row(mean_rural="<11", statistic="<11", effect="<11")
    assert audit_table("t.csv", pd.DataFrame([row]).astype(str), S) == []


def test_rounded_mean_alone_does_not_pin_the_stratum_n():
    row = rural_urban_row(mean_rural="6.4", statistic="<11", effect="<11")
    assert audit_table("t.csv", pd.DataFrame([row]).astype(str), S) == []


# --- totals minus parts, shares x denominators ------------------------------------------


def test_overall_minus_shown_sites_gives_back_the_one_suppressed_site():
    table = pd.DataFrame(
        [
            {"group_type": "overall", "group": "all", "n_families": 40},
            {"group_type": "site", "group": "a", "n_families": 25},
            {"group_type": "site", "group": "b", "n_families": "<11"},
            {"group_type": "site", "group": "c", "n_families": 11},
        ]
    ).astype(str)
    found = audit_table("e.csv", table, S)
    assert recovered(found) == {("e.csv", 2, "n_families", 4, "difference")}
    assert {str(c) for c in found[0].evidence} == {
        "e.csv:0:n_families",
        "e.csv:1:n_families",
        "e.csv:3:n_families",
    }
    # with the complementary cell the sum of the two hidden sites stays ambiguous
    table.loc[3, "n_families"] = "[c]"
    assert audit_table("e.csv", table, S) == []


def test_total_minus_one_part_within_a_row():
    table = pd.DataFrame([{"n_families": 300, "n_reached": 293, "n_not_reached": "<11"}])
    found = recovered(audit_table("e.csv", table.astype(str), S))
    assert found == {("e.csv", 0, "n_not_reached", 7, "difference")}


def test_share_times_denominator_gives_back_the_complement():
    # 768 of 777 families received recovery coaching; 9 did not
    row = {
        "measure": "recovery_coaching",
        "n_families": 777,
        "n_receiving": "[c]",
        "n_not_receiving": "<11",
        "share_receiving": repr(768 / 777),
    }
    found = recovered(audit_table("s.csv", pd.DataFrame([row]).astype(str), S))
    assert ("s.csv", 0, "n_not_receiving", 9, "share") in found
    # a bound that covers every candidate ("> 98 %" is not a number) or 2 decimals: safe
    for shown in ("> 98 %", "0.99"):
        row["share_receiving"] = shown
        assert audit_table("s.csv", pd.DataFrame([row]).astype(str), S) == []


def test_exact_small_counts_are_findings_except_in_audit_only_tables(tmp_path):
    reconciliation = [{"site_id": "a", "table": "families", "n_rows": 3, "rows_quarantined": 1}]
    write(tmp_path, "tables/reconciliation.csv", reconciliation)
    assert audit_disclosure(tmp_path, S) == []
    write(tmp_path, "tables/workforce.csv", [{"row_type": "overall", "count": 4}])
    found = recovered(audit_disclosure(tmp_path, S))
    assert found == {("tables/workforce.csv", 0, "count", 4, "shown_small_count")}


# --- the command ------------------------------------------------------------------------


def test_command_exit_codes_and_findings_csv(tmp_path, capsys):
    assert main(["audit-disclosure", str(tmp_path / "missing")]) == 2
    write(tmp_path, "tables/early_engagement.csv", early_overall())
    write(tmp_path, "tables/replication.csv", replication("23.8", "7.6"))
    assert main(["audit-disclosure", str(tmp_path), "--min-cell-size", "11"]) == 0
    write(tmp_path, "tables/replication.csv", replication(repr(6971 / 293), "7.6"))
    out = tmp_path / "audit" / "findings.csv"
    code = main(["audit-disclosure", str(tmp_path), "--min-cell-size", "11", "--output", str(out)])
    assert code == 1
    assert "n_not_reached = 7" in capsys.readouterr().out
    table = pd.read_csv(out)
    assert list(table.columns) == list(findings_frame([]).columns)
    assert sorted(table["recovered"]) == [7, 293]  # and n_reached = 300 - 7


def test_wilson_interval_gives_back_a_suppressed_count():
    from peermentor.analysis.workforce import wilson_ci

    low, high = wilson_ci(4, 28)
    row = {"row_type": "exit_reason", "count": "<11", "n_mentors": 28, "share": "<11"}
    row |= {"ci_low": repr(low), "ci_high": repr(high)}
    found = recovered(audit_table("w.csv", pd.DataFrame([row]).astype(str), S))
    assert found == {("w.csv", 0, "count", 4, "wilson_ci")}
    row |= {"ci_low": "<11", "ci_high": "<11"}  # suppressed with its count
    assert audit_table("w.csv", pd.DataFrame([row]).astype(str), S) == []


def test_wilson_interval_width_gives_back_a_suppressed_denominator():
    from peermentor.analysis.workforce import wilson_ci

    low, high = wilson_ci(3, 6)  # share 0.5 of a suppressed 6
    row = {"count": "<11", "n_mentors": "<11", "share": "0.5"}
    row |= {"ci_low": repr(low), "ci_high": repr(high)}
    found = recovered(audit_table("w.csv", pd.DataFrame([row]).astype(str), S))
    assert ("w.csv", 0, "n_mentors", 6, "wilson_ci") in found


def test_complementary_stratum_n_from_its_mean_bounded_by_the_stratum_size():
    # contacts of 13 rural families sum to 100 (7.6923...): below the stratum's 20 families
    # only n = 13 fits; with 27 families n = 26 (200/26) fits as well
    rows = [
        {"measure": "hours", "n_rural": 20, "mean_rural": "3.5"},
        {"measure": "contacts", "n_rural": "[c]", "mean_rural": repr(100 / 13)},
    ]
    found = recovered(audit_table("r.csv", pd.DataFrame(rows).astype(str), S))
    assert found == {("r.csv", 1, "n_rural", 13, "mean_integrality")}
    rows[0]["n_rural"] = 27
    assert audit_table("r.csv", pd.DataFrame(rows).astype(str), S) == []


# --- before -> after through the package's publication step ------------------------------


def test_replication_through_publish_replication(tmp_path):
    from peermentor.io import write_csv
    from peermentor.publish.disclosure import publish_replication

    days, hours = 6971 / 293, (2213 * 60 + 7) / 60 / 293  # 293 of 300 reached 7
    table = pd.DataFrame(
        {
            "id": ["mean_days_to_7th_contact", "mean_hours_first_7_contacts"],
            "published": [23.6, 8.0],
            "computed": [days, hours],
            "difference": [days - 23.6, hours - 8.0],
            "relative_difference": [(days - 23.6) / 23.6, (hours - 8.0) / 8.0],
        }
    )
    write(tmp_path, "tables/early_engagement.csv", early_overall())
    before = table.astype(object)  # object dtype: printed at full precision, as before
    write_csv(before, tmp_path / "tables/replication.csv")
    leak = ("tables/early_engagement.csv", 0, "n_not_reached", 7, "mean_integrality")
    assert leak in recovered(audit_disclosure(tmp_path, S))
    write_csv(
        publish_replication(table, bases={}, min_cell_size=S), tmp_path / "tables/replication.csv"
    )
    assert audit_disclosure(tmp_path, S) == []


def test_rural_urban_through_the_comparison_policy(tmp_path):
    import numpy as np

    from peermentor.analysis.rural_urban import (
        COMPARISON_COLUMN_GROUPS,
        COMPARISON_COLUMNS,
        COMPARISON_COUNT_COLUMNS,
        COMPARISON_DEPENDENT_COLUMNS,
    )
    from peermentor.io import write_csv
    from peermentor.publish.disclosure import suppress_small_cells

    values = {
        "measure": "contacts", "kind": "continuous", "n_rural": 7, "n_urban": 290,
        "mean_rural": 45 / 7, "mean_urban": 60.8, "test": "mann_whitney",
        "statistic": 812.5, "effect_measure": "cliffs_delta",
        "effect": 2 * 812.5 / (7 * 290) - 1, "effect_low": -0.5, "effect_high": 0.1,
        "p_value": 0.0412345, "p_adjusted": 0.0824691,
    }  # fmt: skip
    table = pd.DataFrame([dict.fromkeys(COMPARISON_COLUMNS, np.nan) | values])
    # before: only the n was marked, its statistics printed in full
    before = table.astype(object)
    before.loc[0, "n_rural"] = "<11"
    write_csv(before, tmp_path / "tables/rural_urban.csv")
    attacks = {f.attack for f in audit_disclosure(tmp_path, S)}
    assert attacks == {"cliffs_delta", "mean_integrality"}
    after = suppress_small_cells(
        table,
        count_columns=COMPARISON_COUNT_COLUMNS,
        min_cell_size=S,
        dependent_columns=COMPARISON_DEPENDENT_COLUMNS,
        column_groups=COMPARISON_COLUMN_GROUPS,
    )
    write_csv(after, tmp_path / "tables/rural_urban.csv")
    assert audit_disclosure(tmp_path, S) == []


# --- issue 23: days to the Nth contact by stratum, published with its small gap -----------


def days_to_nth_profile() -> pd.DataFrame:
    """194 rural families (7 not reaching N) and 583 urban ones (11 not reaching N)."""
    import numpy as np

    rng = np.random.default_rng(23)
    rows = []
    for stratum, n, missing, shift in (("rural", 194, 7, 3), ("urban", 583, 11, 0)):
        days = rng.integers(8, 40, n).astype(float) + shift
        days[:missing] = np.nan
        rows.append(pd.DataFrame({"rurality": stratum, "early_days_to_nth": days,
                                  "contacts": rng.integers(0, 90, n)}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def write_days_to_nth(results: Path, comparison: pd.DataFrame) -> None:
    from peermentor.io import write_csv

    write_csv(comparison, results / "tables/rural_urban.csv")
    overall = {"group_type": "overall", "group": "all", "n_contacts": 7, "n_families": 777,
               "n_reached": 759, "n_not_reached": 18, "share_reached": "0.977"}  # fmt: skip
    write(results, "tables/early_engagement.csv", [overall])


def test_days_to_nth_published_with_its_small_gap_leaves_nothing(tmp_path):
    """The demo's case: the comparison is published (effect, CI, p); both strata's n and U
    are hidden, so neither delta with U, nor the gaps' sum, nor a mean gives n back."""
    from peermentor.analysis.rural_urban import compare_strata
    from peermentor.publish.disclosure import format_published
    from peermentor.publish.rural_urban import publish_comparison

    profile = days_to_nth_profile()
    comparison = compare_strata(profile, ["contacts", "early_days_to_nth"], n_boot=50)
    published = format_published(publish_comparison(comparison, profile, min_cell_size=S))
    days = published.set_index("measure").loc["early_days_to_nth"]
    assert days["n_rural"] == days["n_urban"] == days["statistic"] == "[c]"
    for column in ("effect", "effect_low", "effect_high", "p_value", "p_adjusted", "median_rural"):
        assert number_or_none(days[column]) is not None, column
    write_days_to_nth(tmp_path, published)
    assert audit_disclosure(tmp_path, S) == []


def number_or_none(text):
    from peermentor.publish.audit.cells import number

    return number(text)


def test_days_to_nth_before_the_fix_gave_the_small_gap_back(tmp_path):
    """Had only the rural n been hidden (urban shown) the gaps' sum gives it back; with U
    shown beside delta, so does Cliff's delta."""
    from peermentor.analysis.rural_urban import compare_strata
    from peermentor.publish.disclosure import format_published

    profile = days_to_nth_profile()
    comparison = compare_strata(profile, ["contacts", "early_days_to_nth"], n_boot=0)
    printed = format_published(comparison).astype(object)
    printed.loc[1, "n_rural"] = "[c]"  # 187 reached N of 194: hidden, the urban 572 shown
    write_days_to_nth(tmp_path, printed)
    found = recovered(audit_disclosure(tmp_path, S))
    assert ("tables/rural_urban.csv", 1, "n_rural", 187, "linked_gap") in found
    assert ("tables/rural_urban.csv", 1, "n_rural", 187, "cliffs_delta") in found
