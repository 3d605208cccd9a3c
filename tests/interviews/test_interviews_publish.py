"""Publishing the interview strand: prevalence words and small counts, fixed precision,
de-identification of quotes and the approved list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from interview_frames import CODINGS, DOCUMENTS, THEMES

from peermentor.analysis.interviews import (
    document_agreement,
    prevalence_by_role,
    theme_cooccurrence,
    theme_presence,
    theme_saturation,
)
from peermentor.errors import ConfigError
from peermentor.publish.interviews import (
    DEFAULT_WORDS,
    PUBLISHED_PREVALENCE_COLUMNS,
    agreement_sentence,
    approved_quotes,
    check_words,
    deidentify,
    prevalence_word,
    publish_agreement,
    publish_cooccurrence,
    publish_prevalence,
    publish_saturation,
)


@pytest.mark.parametrize(
    ("n_present", "n", "word"),
    [
        (4, 4, "all"),
        (3, 4, "most"),  # .75
        (2, 4, "about half"),  # .5
        (1, 4, "some"),  # .25
        (0, 4, "none"),
        (1, 9, "few"),  # .11
        (2, 9, "some"),  # .22
        (5, 9, "about half"),  # .56
        (6, 9, "most"),  # .67
        (8, 9, "most"),
        (0, 0, ""),
    ],
)
def test_prevalence_words_by_share(n_present, n, word):
    assert prevalence_word(n_present, n, DEFAULT_WORDS) == word


def test_word_thresholds_are_checked():
    assert check_words({"most": 0.7}) == {"most": 0.7, "about_half": 0.4, "some": 0.2}
    with pytest.raises(ConfigError, match="must rise"):
        check_words({"some": 0.5, "about_half": 0.4})
    with pytest.raises(ConfigError, match="unknown words"):
        check_words({"many": 0.5})


def _prevalence(n_docs_per_role: dict[str, int], n_present: dict[str, int]) -> pd.DataFrame:
    rows = [
        ["t", "T", "process", r, n, n_present[r], n_present[r] / n]
        for r, n in n_docs_per_role.items()
    ]
    total = sum(n_docs_per_role.values())
    k = sum(n_present.values())
    rows.insert(0, ["t", "T", "process", "all", total, k, k / total])
    return pd.DataFrame(
        rows, columns=["theme", "label", "kind", "role", "n_interviews", "n_present", "share"]
    )


def test_publish_prevalence_as_words_never_prints_a_count():
    table = _prevalence(
        {"caseworker": 9, "family_mentor": 9, "supervisor": 4},
        {"caseworker": 9, "family_mentor": 5, "supervisor": 1},
    )
    out = publish_prevalence(table, report_as="words")
    assert list(out.columns) == PUBLISHED_PREVALENCE_COLUMNS
    assert out["prevalence"].tolist() == ["most", "all", "about half", "some"]  # 15/22 = .68
    assert out["n_interviews"].tolist() == [22, 9, 9, 4]


def test_publish_prevalence_as_counts_hides_small_counts_and_their_complement():
    table = _prevalence(
        {"caseworker": 12, "family_mentor": 14, "supervisor": 4},
        {"caseworker": 12, "family_mentor": 13, "supervisor": 3},
    )
    out = publish_prevalence(table, report_as="counts", min_cell_size=11).set_index("role")
    # 3 supervisors is small; with it alone hidden, all (28) - 12 - 13 gives it back, so the
    # smallest other role count is hidden too.
    assert out.loc["supervisor", "prevalence"] == "<11"
    assert out.loc["caseworker", "prevalence"] == "[c]"
    assert out.loc["family_mentor", "prevalence"] == 13
    assert out.loc["all", "prevalence"] == 28
    assert out["suppressed"].tolist() == [False, True, False, True]


def test_publish_prevalence_counts_show_zero_and_reject_unknown_mode():
    table = _prevalence(
        {"caseworker": 12, "family_mentor": 14, "supervisor": 4},
        {"caseworker": 0, "family_mentor": 0, "supervisor": 0},
    )
    out = publish_prevalence(table, report_as="counts")
    assert out["prevalence"].tolist() == [0, 0, 0, 0]
    with pytest.raises(ConfigError, match="report_as"):
        publish_prevalence(table, report_as="percent")


def test_published_prevalence_on_the_tiny_study():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    out = publish_prevalence(prevalence_by_role(presence, DOCUMENTS, THEMES)).set_index(
        ["theme", "role"]
    )
    assert out.loc[("common_vision", "all"), "prevalence"] == "about half"  # 2 of 4
    assert out.loc[("common_vision", "supervisor"), "prevalence"] == "all"  # 1 of 1
    assert out.loc[("supervision", "caseworker"), "prevalence"] == "none"


def test_publish_cooccurrence_words_drop_jaccard_counts_suppress_it():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    cooc = theme_cooccurrence(presence, THEMES)
    words = publish_cooccurrence(cooc, 4, report_as="words")
    assert list(words.columns) == ["theme_a", "theme_b", "both"]
    assert words.iloc[0].tolist() == ["common_vision", "child_safety_first", "about half"]
    counts = publish_cooccurrence(cooc, 4, report_as="counts", min_cell_size=2)
    first = counts.iloc[0]  # n_both 2, n_either 2: shown; jaccard 1.0 at 2 decimals
    assert first["n_both"] == 2 and first["jaccard"] == 1.0
    cv_wr = counts[
        (counts["theme_a"] == "common_vision") & (counts["theme_b"] == "working_relationships")
    ]
    assert cv_wr["n_both"].item() == "<2" and cv_wr["jaccard"].item() == "<2"


def test_agreement_is_published_at_fixed_precision():
    table = document_agreement(CODINGS, DOCUMENTS, THEMES, n_bootstrap=100, seed=3)
    out = publish_agreement(table).set_index("theme")
    assert out.loc["pooled", "kappa"] == 0.35  # 0.16 / 0.46 = 0.3478 at the effect decimals (2)
    assert out.loc["pooled", "percent_agreement"] == 0.7
    assert out.loc["pooled", "alpha"] == 0.37  # 1 - 114 / 182 = 0.3736
    three = publish_agreement(table, {"effect": 3}).set_index("theme")
    assert three.loc["pooled", "kappa"] == 0.348
    rolled = publish_agreement(document_agreement(CODINGS, DOCUMENTS, THEMES, roll_up=True))
    assert np.isnan(rolled.set_index("theme").loc["working_relationships", "kappa"])
    sentence = agreement_sentence(table)
    assert sentence.startswith("pooled Cohen's kappa 0.35 over 10 interview x theme decisions")
    assert "of 2 double-coded interviews" in sentence and "95% CI" in sentence


def test_agreement_sentence_when_not_estimable():
    table = document_agreement(
        CODINGS, DOCUMENTS.assign(double_coded=False), THEMES, n_bootstrap=10
    )
    assert agreement_sentence(table).startswith("pooled Cohen's kappa not estimable")


def test_published_saturation_has_no_interview_ids():
    presence = theme_presence(CODINGS, DOCUMENTS, THEMES)
    out = publish_saturation(theme_saturation(presence, DOCUMENTS, THEMES))
    assert list(out.columns) == ["order", "n_new_themes", "new_themes", "n_themes_cumulative"]


# --- de-identification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Al also said Al's mother calls Alma.", "[name] also said [name]'s mother calls Alma."),
        ("AL and al are both Al.", "[name] and [name] are both [name]."),
        ("Then Mary  Ann came in.", "Then [name] came in."),  # any blanks between the words
        ("We met Mary in Harlan County.", "We met [name] in [place]."),
        ("Harlansburg is not Harlan.", "Harlansburg is not [place]."),
        ("José vit à Perry.", "[name] vit à [place]."),
    ],
)
def test_names_and_places_are_replaced_as_whole_words_only(text, expected):
    names = ["Al", "Mary Ann", "Mary", "José"]
    places = ["Harlan County", "Harlan", "Perry"]
    assert deidentify(text, names=names, places=places) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me at (502) 555-0123 or 502-555-0199.", "Call me at [phone] or [phone]."),
        ("Her cell is 502.555.0123, home +1 859 555 0100.", "Her cell is [phone], home [phone]."),
        ("Extension 555-0123 works.", "Extension [phone] works."),
        ("Mail jane.doe+start@example.org today", "Mail [email] today"),
        ("She lives at 1234 Old Shelbyville Road now.", "She lives at [address] now."),
        ("Send it to 12 N. Main St. please", "Send it to [address] please"),
        ("Write to P.O. Box 44 in town", "Write to [address] in town"),
        ("On 3/14/2016 and 2016-03-14 we met.", "On [date] and [date] we met."),
        ("Since March 14th, 2016 and 14 March 2016.", "Since [date] and [date]."),
        ("Back in June 2015 it started.", "Back in [date] it started."),
        (
            "We may 2 times a week; 20 families in 12 months.",
            "We may 2 times a week; 20 families in 12 months.",
        ),
        (
            "About 3.5 hours, 2 of 3 visits, 10-12 kids.",
            "About 3.5 hours, 2 of 3 visits, 10-12 kids.",
        ),
    ],
)
def test_patterns_replace_phones_emails_addresses_and_dates(text, expected):
    assert deidentify(text) == expected


def test_a_name_inside_an_email_goes_with_the_email_and_tags_are_not_retagged():
    assert deidentify("mary@example.org", names=["Mary"]) == "[email]"
    assert deidentify("Name: Mary", names=["name", "Mary"]) == "[name]: [name]"


def test_approved_quotes_in_list_order_deidentified_without_ids():
    codings = CODINGS.assign(
        text=CODINGS["text"].where(CODINGS["coding_id"] != "c9", "Al called 502-555-0123.")
    )
    out = approved_quotes(
        codings,
        DOCUMENTS,
        THEMES,
        ["c9", {"document_id": "d1", "start": 2}],
        names=["Al"],
    )
    assert out.columns.tolist() == ["quote", "theme", "label", "role", "text"]
    assert out["quote"].tolist() == [1, 2]
    assert out["theme"].tolist() == ["supervision", "child_safety_first"]
    assert out["role"].tolist() == ["supervisor", "caseworker"]
    assert out["text"].tolist() == ["[name] called [phone].", "text of c1"]
    assert out.iloc[1]["label"] == "Child safety first"


def test_an_approved_entry_must_match_exactly_one_coding():
    with pytest.raises(ConfigError, match=r"approved\[1\]: coding id 'nope' matches no coding"):
        approved_quotes(CODINGS, DOCUMENTS, THEMES, ["c1", "nope"])
    # Two codings of d1 start at 0 (coder_b's common_vision and its unmapped coding).
    with pytest.raises(ConfigError, match="matches 2 codings"):
        approved_quotes(CODINGS, DOCUMENTS, THEMES, [{"document_id": "d1", "start": 0}])
    with pytest.raises(ConfigError, match="needs"):
        approved_quotes(CODINGS, DOCUMENTS, THEMES, [{"document_id": "d1"}])
    one = approved_quotes(
        CODINGS.assign(coder=CODINGS["coder"].where(CODINGS["coding_id"] != "c5", "coder_c")),
        DOCUMENTS,
        THEMES,
        [{"document_id": "d1", "start": 0, "coder": "coder_b"}],
    )
    assert one["theme"].tolist() == ["common_vision"]
