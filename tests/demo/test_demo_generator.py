"""The demo generator is fast at 100x and writes the same bytes as before at 1x.

The digests below were computed with the generator as it was before it was vectorized (main at
8ffc9e0: openpyxl writing every workbook cell, a Python call per category code and per activity
list); the vectorized code gives the same. A change to the random stream, the draws' order or an
export writer changes them: if that change is meant, say so and recompute them.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peermentor.config import load_sites, load_study
from peermentor.demo import xlsx
from peermentor.demo.build import build_demo
from peermentor.demo.export import _encode_activities, per_distinct, split_by_site
from peermentor.demo.simulate import simulate_study

ROOT = Path(__file__).resolve().parents[2]

# simulate_study(seed=11, n_families=60, n_mentors=12): rows and SHA-256 of each table's CSV text
SMALL_STUDY = {
    "n_families": 60,
    "n_mentors": 12,
    "n_contacts": 3407,
    "contacts": "536e84e870bcd24a5d74a9f2247109e1b542398344f04ce181c0ae4b35088d5f",
    "families": "41506f8c4d6c19ebb3b1bce78b2fc4906e08f97fc0993a97c39bd5f4badb5b3a",
    "mentors": "533e0486113ec155bf85133775088725728bdff3bac206afd45fdf96cbd8403c",
}
# the default demo (config/, seed 20180101, scale 1): SHA-256 of each raw file (of a workbook:
# of its entries' names and contents, so the zip compressor's version does not matter)
DEMO_1X = {
    "daviess/contacts.sav": "f312b1121b0f0a85125d97524c5f72f4687cbcc56514c8d5f8e005043ebc3d2f",
    "daviess/families.sav": "86ae8db550c6b52bba0b46ea2ff9add216b07ebc235f0eb4d7e550024c194fc3",
    "daviess/mentors.parquet": "03510fddfd5537998426e8f5d299db65d22a1f06206495d4d32307d0e40b5b3e",
    "fayette/CONTACT_LOG.csv": "7ea31ff7a7017c24e611c865f7d7f7fced13400defb719a0be28e5b93be27d91",
    "fayette/FAMILIES.csv": "694aa3b72fe5001806550b9bc43e0dbc42f21ed97d7c585913f50beea751dbfb",
    "jefferson/contacts.csv": "fed47c70e6a826cd9524ca73724943517560e40763d6877b480b9e808c18ea60",
    "jefferson/families.csv": "09effd81842f69c0390c104fdd50e365502bcb0f1d14ced56292c3a994ba0d27",
    "kenton/kenton_dictionary.csv": (
        "dbb78da2454f1fb8018672c3565958b2c78f4c96a832b2df32816ee2b2ef2987"
    ),
    "kenton/kenton_records.csv": "cc9562a43db54755cd7e90a05308043a030187e5aaadfeb2f815a6059a13d42f",
    "martin/martin.xlsx": "148c504777e930d6e3ecc7e0c16c7d27be807d38308184c057b0eb204395ecef",
    "perry/contacts.tsv": "ab51b4610a700ec926a5feaeadef2d6c48762e1533ee126fdc4478558ada849b",
    "perry/families.tsv": "55b7e933b182f751efde052b4bed261b586700650c8612c0211cbb0a1ebacf64",
    "perry/mentors.tsv": "a62a248e8c82dd8bc00f15ce05aeb627e47e8a4e2418899863800f1d12f0088d",
    "shared/mentors_hr.csv": "61809a4a78fed1079e63d5ac3f97b6299106909faa5dfb0faed52d6117077704",
}
# the truth file without its list of written paths (they hold the temporary directory)
DEMO_1X_TRUTH = "62c6af2477e887f65b80ec8bf95b6b51ef8acda0e6d3a7b42c4687c9c4e76aff"


def _sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _entries(source) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as book:
        return {info.filename: book.read(info.filename) for info in book.infolist()}


def _file_digest(path: Path) -> str:
    if path.suffix != ".xlsx":
        return _sha256(path.read_bytes())
    return _sha256(b"".join(name.encode() + data for name, data in _entries(path).items()))


def test_small_study_keeps_its_random_stream():
    study = simulate_study(seed=11, n_families=60, n_mentors=12)
    counts = {k: study.truth[k] for k in ("n_families", "n_mentors", "n_contacts")}
    assert counts == {k: SMALL_STUDY[k] for k in counts}
    assert len(study.contacts) == SMALL_STUDY["n_contacts"]
    for table in ("contacts", "families", "mentors"):
        csv = getattr(study, table).to_csv(index=False)
        assert _sha256(csv) == SMALL_STUDY[table], table


def test_demo_at_1x_writes_the_same_bytes(tmp_path):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    study = load_study(tmp_path / "config/config.yaml")
    sites = load_sites({**study, "sites_dir": str(tmp_path / "config/sites")})
    truth = build_demo(
        sites,
        seed=study["demo"]["seed"],
        scale=1,
        data_cutoff=study["study"]["data_cutoff"],
        truth_file="data/raw/demo_truth.json",
        project_dir=tmp_path,
        shape=study["demo"],
    )
    raw = tmp_path / "data/raw"
    written = {
        str(p.relative_to(raw)): _file_digest(p)
        for p in sorted(raw.rglob("*"))
        if p.is_file() and p.name != "demo_truth.json"
    }
    assert written == DEMO_1X
    truth.pop("files")
    assert _sha256(json.dumps(truth, sort_keys=True, default=str)) == DEMO_1X_TRUTH


def _openpyxl_entries(sheets: list[tuple[str, pd.DataFrame]]) -> dict[str, bytes]:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for name, frame in sheets:
            frame.to_excel(book, sheet_name=name, index=False)
    return _entries(buffer)


def _assert_same_workbook(sheets, path: Path) -> None:
    """Every entry as openpyxl writes it, but the creation times, which are pinned."""
    ours, theirs = _entries(path), _openpyxl_entries(sheets)
    assert list(ours) == list(theirs)
    for name in ours:
        if name != "docProps/core.xml":
            assert ours[name] == theirs[name], name
    assert ours["docProps/core.xml"].count(b">2018-01-01T00:00:00Z<") == 2
    with zipfile.ZipFile(path) as book:
        assert {info.date_time for info in book.infolist()} == {(2018, 1, 1, 0, 0, 0)}


MINUTES = [
    5.0, 0.1, 1 / 3, 1e20, -5.0, 2.5e-7, np.nan, 1e16, 9.0e15, 123.456, 0.0, -0.5, 7.0, 1e-5,
    60.0, 0.3333, 12345678.9,
]  # fmt: skip
TRICKY_TEXTS = [
    "plain", "a & b < c > d", 'said "fine"', "Kids' school", "line one\nline two", " leading",
    "trailing ", "   ", "", None, "=HYPERLINK(\"http://example.org\")", "=", "+1 call", "-",
    "tab\there", "café", "F000123",
]  # fmt: skip


def test_workbook_rows_are_written_as_openpyxl_writes_them(tmp_path):
    n = len(TRICKY_TEXTS)
    first = pd.DataFrame(
        {
            "Text": pd.array(TRICKY_TEXTS, dtype="str"),
            "Object": pd.Series(TRICKY_TEXTS[::-1], dtype=object),
            "Minutes": MINUTES,
            "Children": np.arange(n, dtype=np.int64) * 1_000_000_007,
            "Nullable": pd.array([1, None] * (n // 2) + [3], dtype="Int64"),
            "Empty": pd.Series([None] * n, dtype=object),
        }
    )
    second = pd.DataFrame({"Mentor": ["M001", "M002"], "Hours": [0.25, 1.5]})
    sheets = [("Cases", first), ("Staff", second), ("None yet", second.iloc[:0])]
    assert all(xlsx._writable(frame) for _, frame in sheets[:2])  # the fast path is tested
    xlsx.write_workbook(sheets, tmp_path / "book.xlsx")
    _assert_same_workbook(sheets, tmp_path / "book.xlsx")


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.to_datetime(["2017-01-02", None])),  # dates get a number format
        pd.Series([True, False]),  # booleans are t="b"
        pd.Series(["#N/A", "ok"]),  # an error code is t="e"
        pd.Series([1.0, np.inf]),  # infinity is written as the text "inf"
        pd.Series([-0.0, 0.0]),  # "-0" and "0", one distinct value to pandas
        pd.Series(["ok", 3], dtype=object),  # mixed objects
    ],
)
def test_other_columns_go_through_openpyxl(tmp_path, column):
    sheets = [("Sheet", pd.DataFrame({"id": ["a", "b"], "value": column}))]
    assert not xlsx._writable(sheets[0][1])
    xlsx.write_workbook(sheets, tmp_path / "book.xlsx")
    _assert_same_workbook(sheets, tmp_path / "book.xlsx")


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["a", "b", None, "c", "a"], dtype="str", index=[5, 3, 9, 1, 0]),
        pd.Series(["a", "b", "b"], dtype="str"),
        pd.Series([None, None], dtype="str"),
        pd.Series(["a", None, "x"], dtype=object),
        pd.Series([], dtype="str"),
    ],
)
def test_category_codes_as_a_map_over_every_row(values):
    inverse = {"a": "A", "b": 2}  # a site code may be a number in the YAML

    def encode(v):
        return inverse.get(v, v) if pd.notna(v) else None

    pd.testing.assert_series_equal(
        per_distinct(values, lambda sample: sample.map(encode)), values.map(encode)
    )


def test_delimited_activities_joined_in_code_order():
    acts = ["recovery_coaching", "daily_living_coaching", "transportation", "resource_linkage",
            "advocacy", "crisis_support", "other"]  # fmt: skip
    flags = {
        "recovery_coaching": [True, False, False, True],
        "transportation": [True, False, False, True],
        "other": [False, False, True, True],
    }
    frame = pd.DataFrame({f"act_{a}": flags.get(a, [False] * 4) for a in acts}, index=[7, 8, 9, 10])
    codes = dict(zip(["RC", "DL", "TR", "RL", "AD", "CR", "OT"], acts, strict=True))
    cfg = {"activities": {"style": "delimited", "column": "SVC", "delimiter": "|", "codes": codes}}
    out = _encode_activities(frame, cfg)
    assert out["SVC"].tolist() == ["RC|TR", "", "OT", "RC|TR|OT"]
    assert out.index.tolist() == [7, 8, 9, 10]


def test_sites_split_in_one_pass_as_filtered_one_by_one():
    study = simulate_study(seed=11, n_families=60, n_mentors=12)
    site_ids = ["perry", "jefferson", "nowhere", "martin", "kenton", "fayette", "daviess"]
    split = split_by_site(study, site_ids)
    assert list(split) == site_ids
    for site in site_ids:
        families = study.families[study.families["site_id"] == site]
        contacts = study.contacts[study.contacts["family_id"].isin(families["family_id"])]
        mentors = study.mentors[study.mentors["site_id"] == site]
        pd.testing.assert_frame_equal(split[site]["families"], families)
        pd.testing.assert_frame_equal(split[site]["contacts"], contacts)
        pd.testing.assert_frame_equal(split[site]["mentors"], mentors)
    assert split["nowhere"]["contacts"].empty
    assert sum(len(tables["contacts"]) for tables in split.values()) == len(study.contacts)


def test_dates_and_flags_formatted_once_per_distinct_value():
    dates = pd.Series(
        pd.to_datetime(["2017-03-01 08:37", None, "2017-03-01 08:37", "2016-12-31 00:00"])
    )
    pd.testing.assert_series_equal(
        per_distinct(dates, lambda sample: sample.dt.strftime("%m/%d/%Y %H:%M")),
        dates.dt.strftime("%m/%d/%Y %H:%M"),
    )
    assert per_distinct(dates, lambda s: s.dt.strftime("%Y-%m-%d")).tolist()[::2] == [
        "2017-03-01",
        "2017-03-01",
    ]
    flags = pd.Series([True, False, False, True], index=[3, 2, 1, 0])
    codes = {True: "Yes", False: "No"}
    encoded = per_distinct(flags, lambda sample: sample.map(codes))
    pd.testing.assert_series_equal(encoded, flags.map(codes))
    assert encoded.tolist() == ["Yes", "No", "No", "Yes"]
