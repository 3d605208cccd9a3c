"""Cleaning with a quarantine: every unusable row is kept aside with its reason.

For every table: rows in = empty rows skipped + rows kept + rows quarantined + rows
excluded by a study rule, and the reconciliation table proves it. Empty rows (spreadsheet
leftovers) are skipped at read time; a row excluded by a study rule (a contact after
``study.data_cutoff``) is good data outside the study period, so it is neither quarantined
nor analysed: the kept rows are exactly the rows the analyses use.

Each quarantined row carries its row number (spreadsheet row, or the CSV file's line), the
reason code, the column and the offending value (identifiers are shown pseudonymized, free
text never). Values stay as read; formulas are neutralized
only where a cell is written for a spreadsheet (``quarantine_csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peermentor.clean.duplicates import split_duplicates
from peermentor.errors import InputError
from peermentor.ingest.layout import EMPTY_ROW
from peermentor.ingest.mapping import Mapped, export_column
from peermentor.ingest.read import SOURCE_ROW
from peermentor.io import write_csv

# Reason codes, in the order a row is checked; a row is quarantined for its first problem.
REASONS: dict[str, str] = {
    "missing_value": "a required value is empty",
    "unparseable_date": "a date does not match the configured date_format",
    "unmapped_category": "a code is not in the site's value map nor a canonical value",
    "invalid_number": "a number cannot be read",
    "out_of_range": "a number is outside the contract's range (e.g. n_children 1-15)",
    "impossible_duration": "duration is unreadable or outside 0-1440 minutes",
    "duplicate": "the id repeats an earlier row with the same content (the first is kept)",
    "conflicting_duplicate": "the id repeats with different content (tables.<table>.duplicates)",
    "closed_before_opened": "case_close_date is before case_open_date",
    "outcome_without_closure": "an outcome is recorded for a case that is not closed",
    "unknown_mentor": "the mentor is not in the site's mentor roster",
    "family_quarantined": "the contact's family was itself quarantined",
    "unknown_family": "the contact's family is not in the families export",
    "outside_case_window": "the contact falls outside the case window plus the grace days",
}
# Study rules: rows that are fine but outside the study, excluded (not quarantined, not analysed).
STUDY_RULES: dict[str, str] = {
    "after_data_cutoff": "the contact is dated after study.data_cutoff",
}
ID_COLUMNS = {"families": "family_id", "contacts": "contact_id", "mentors": "mentor_id"}
QUARANTINE_COLUMNS = [
    "site_id", "table", "source_file", SOURCE_ROW, "reason", "column", "value", "detail",
    "family_id", "mentor_id", "contact_id",
]  # fmt: skip


@dataclass
class CleanResult:
    kept: dict[str, pd.DataFrame]
    quarantine: dict[str, pd.DataFrame]
    reconciliation: pd.DataFrame
    excluded: dict[str, pd.DataFrame]  # per table: source_row and rule of excluded rows


def clean_site(
    mapped: dict[str, Mapped],
    *,
    site: str,
    files: dict[str, str],
    grace_days: int,
    data_cutoff: str,
    duplicates: dict[str, str] | None = None,
) -> CleanResult:
    """Apply every row rule to one site's mapped tables (mentors, then families, then contacts).

    ``duplicates`` (table -> rule, default keep_none) says what happens to the copies of an id
    whose content differs.
    """
    quarantine = _Quarantine()
    read = {table: _without_empty_rows(m) for table, m in mapped.items()}
    kept = {
        table: _row_rules(read[table], table, quarantine, (duplicates or {}).get(table))
        for table in TABLE_ORDER
    }
    kept["families"] = _family_rules(kept["families"], kept["mentors"], quarantine)
    kept["contacts"] = _contact_rules(
        kept["contacts"],
        families=kept["families"],
        mentors=kept["mentors"],
        all_family_ids=mapped["families"].rows["family_id"],
        grace_days=grace_days,
        data_cutoff=data_cutoff,
        quarantine=quarantine,
    )
    kept["contacts"], excluded = _study_rules(kept["contacts"], data_cutoff)
    finished = {
        table: _finish_quarantine(parts, site=site, table=table, file=files[table])
        for table, parts in quarantine.parts.items()
    }
    kept = {
        t: df.sort_values(SOURCE_ROW, kind="stable").reset_index(drop=True)
        for t, df in kept.items()
    }
    excluded_by_table = {t: excluded if t == "contacts" else excluded.iloc[0:0] for t in kept}
    recon = reconcile(mapped, kept, finished, site=site, excluded=excluded_by_table)
    return CleanResult(kept, finished, recon, excluded_by_table)


def _without_empty_rows(mapped: Mapped) -> Mapped:
    """The read step reports skipped empty rows as problems (reason empty_row): not quarantine."""
    return Mapped(mapped.rows, mapped.problems[mapped.problems["reason"] != EMPTY_ROW])


def empty_rows(mapped: Mapped) -> int:
    return int((mapped.problems["reason"] == EMPTY_ROW).sum())


def _study_rules(contacts: pd.DataFrame, data_cutoff: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts after the cut-off leave the kept rows (the analyses count up to the cut-off)."""
    after = contacts["contact_date"].dt.normalize() > pd.Timestamp(data_cutoff).normalize()
    excluded = pd.DataFrame(
        {SOURCE_ROW: contacts.loc[after, SOURCE_ROW].to_numpy(), "rule": "after_data_cutoff"}
    )
    return contacts[~after], excluded


TABLE_ORDER = ("mentors", "families", "contacts")


class _Quarantine:
    """Collects the rejected rows of each table as they are found."""

    def __init__(self):
        self.parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLE_ORDER}

    def reject(self, table, rows, reason, column, values=None, detail="") -> None:
        if rows.empty:
            return
        value = rows[column] if values is None and column in rows else values
        self.parts[table].append(_quarantine_rows(rows, table, reason, column, value, detail))


def _row_rules(mapped: Mapped, table: str, quarantine: _Quarantine, rule) -> pd.DataFrame:
    """Mapping problems first, then repeated ids (see ``split_duplicates``)."""
    rows, bad = _split_mapping_problems(mapped)
    quarantine.parts[table].append(_annotate(bad, rows_of=mapped.rows, table=table))
    id_col = ID_COLUMNS[table]
    rows, copies, conflicting, differ = split_duplicates(rows, id_col, rule or "keep_none")
    quarantine.reject(table, copies, "duplicate", id_col)
    quarantine.reject(table, conflicting, "conflicting_duplicate", id_col, detail=differ)
    return rows


def _family_rules(fam: pd.DataFrame, mentors: pd.DataFrame, quarantine: _Quarantine):
    closed_early = fam["case_close_date"] < fam["case_open_date"]
    quarantine.reject(
        "families",
        fam[closed_early],
        "closed_before_opened",
        "case_close_date",
        fam.loc[closed_early, "case_close_date"].dt.strftime("%Y-%m-%d"),
        detail="case_open_date " + fam.loc[closed_early, "case_open_date"].dt.strftime("%Y-%m-%d"),
    )
    fam = fam[~closed_early]
    early_outcome = fam["case_close_date"].isna() & fam["outcome_at_closure"].notna()
    quarantine.reject(
        "families", fam[early_outcome], "outcome_without_closure", "outcome_at_closure"
    )
    fam = fam[~early_outcome]
    no_mentor = ~fam["mentor_id"].isin(mentors["mentor_id"])
    quarantine.reject("families", fam[no_mentor], "unknown_mentor", "mentor_id")
    return fam[~no_mentor]


def _contact_rules(
    con, *, families, mentors, all_family_ids, grace_days, data_cutoff, quarantine
) -> pd.DataFrame:
    unknown = ~con["family_id"].isin(families["family_id"])
    was_quarantined = unknown & con["family_id"].isin(all_family_ids)
    quarantine.reject("contacts", con[was_quarantined], "family_quarantined", "family_id")
    quarantine.reject("contacts", con[unknown & ~was_quarantined], "unknown_family", "family_id")
    con = con[~unknown]
    no_mentor = ~con["mentor_id"].isin(mentors["mentor_id"])
    quarantine.reject("contacts", con[no_mentor], "unknown_mentor", "mentor_id")
    con = con[~no_mentor]
    outside = _outside_case_window(con, families, grace_days, data_cutoff)
    quarantine.reject(
        "contacts",
        con[outside],
        "outside_case_window",
        "contact_date",
        con.loc[outside, "contact_date"].dt.strftime("%Y-%m-%d"),
        detail=f"grace {grace_days} days",
    )
    return con[~outside]


def _split_mapping_problems(mapped: Mapped) -> tuple[pd.DataFrame, pd.DataFrame]:
    problems = mapped.problems
    bad_rows = set(problems[SOURCE_ROW])
    is_bad = mapped.rows[SOURCE_ROW].isin(bad_rows)
    return mapped.rows[~is_bad], problems


def _annotate(problems: pd.DataFrame, *, rows_of: pd.DataFrame, table: str) -> pd.DataFrame:
    """One quarantine row per bad source row: its first problem, all problems in detail."""
    if problems.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    order = {reason: i for i, reason in enumerate(REASONS)}
    problems = problems.assign(_order=problems["reason"].map(order))
    problems = problems.sort_values([SOURCE_ROW, "_order"], kind="stable")
    detail = problems.groupby(SOURCE_ROW, sort=False).apply(
        lambda g: "; ".join(f"{c}: {r}" for c, r in zip(g["column"], g["reason"], strict=True)),
        include_groups=False,
    )
    first = problems.drop_duplicates(SOURCE_ROW).drop(columns="_order")
    first["detail"] = first[SOURCE_ROW].map(detail)
    ids = rows_of.drop_duplicates(SOURCE_ROW).set_index(SOURCE_ROW)
    for id_col in ("family_id", "mentor_id", "contact_id"):
        if id_col in ids:
            first[id_col] = first[SOURCE_ROW].map(ids[id_col])
    return first


def _outside_case_window(contacts, families, grace_days, data_cutoff) -> pd.Series:
    if contacts.empty:
        return pd.Series(False, index=contacts.index)
    window = families.set_index("family_id")[["case_open_date", "case_close_date"]]
    opened = contacts["family_id"].map(window["case_open_date"])
    closed = contacts["family_id"].map(window["case_close_date"]).fillna(pd.Timestamp(data_cutoff))
    grace = pd.Timedelta(days=grace_days)
    date = contacts["contact_date"]
    return (date < opened - grace) | (date > closed + grace)


def _quarantine_rows(rows, table, reason, column, values, detail) -> pd.DataFrame:
    out = pd.DataFrame({SOURCE_ROW: rows[SOURCE_ROW].to_numpy()})
    out["reason"] = reason
    out["column"] = column
    out["value"] = pd.Series(values).astype(str).to_numpy() if values is not None else ""
    out["detail"] = (
        pd.Series(detail, index=rows.index).to_numpy() if not isinstance(detail, str) else detail
    )
    for id_col in ("family_id", "mentor_id", "contact_id"):
        if id_col in rows:
            out[id_col] = rows[id_col].to_numpy()
    return out


def _finish_quarantine(parts, *, site, table, file) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    frame = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    frame["site_id"], frame["table"], frame["source_file"] = site, table, file
    frame["value"] = frame["value"].map(lambda v: "" if pd.isna(v) else str(v))
    frame = frame.reindex(columns=QUARANTINE_COLUMNS)
    return frame.sort_values([SOURCE_ROW, "reason"], kind="stable").reset_index(drop=True)


def quarantine_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The quarantine as written for a reviewer's spreadsheet: no value runs as a formula."""
    return frame.assign(value=frame["value"].map(_neutralize_formula))


def write_quarantine(frame: pd.DataFrame, path: str | Path) -> None:
    write_csv(quarantine_csv(frame), path)


def stopped_quarantine_path(quarantine_path: str | Path) -> Path:
    """Where a stopped run leaves a table's quarantine: beside the file a finished run writes
    (Snakemake removes a failed job's outputs, so the stop must not write the output itself)."""
    path = Path(quarantine_path)
    return path.with_name(f"{path.stem}.stopped{path.suffix}")


def _neutralize_formula(value) -> str:
    """A value like =HYPERLINK(...) must not run as a formula when a reviewer opens the CSV."""
    text = "" if pd.isna(value) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def reconcile(mapped, kept, quarantine, *, site, excluded=None) -> pd.DataFrame:
    """Per table: rows in, empty rows skipped, rows read, kept, quarantined (by reason),
    excluded by a study rule (by rule), and whether they balance:
    rows_in = rows_empty_skipped + rows_read, rows_read = kept + quarantined + excluded.
    ``mapped`` may still hold the empty rows the read step reported (``empty_rows``).
    """
    records = []
    for table in ("families", "contacts", "mentors"):
        reasons = quarantine[table]["reason"].value_counts()
        rules = (excluded or {}).get(table, pd.DataFrame({"rule": []}))["rule"].value_counts()
        record = {
            "site_id": site,
            "table": table,
            "rows_in": len(mapped[table].rows) + empty_rows(mapped[table]),
            "rows_empty_skipped": empty_rows(mapped[table]),
            "rows_read": len(mapped[table].rows),
            "rows_kept": len(kept[table]),
            "rows_quarantined": len(quarantine[table]),
            "rows_excluded_by_study_rule": int(rules.sum()),
        }
        record["balanced"] = record["rows_read"] == (
            record["rows_kept"] + record["rows_quarantined"] + record["rows_excluded_by_study_rule"]
        )
        record.update({f"quarantined_{r}": int(reasons.get(r, 0)) for r in REASONS})
        record.update({f"excluded_{r}": int(rules.get(r, 0)) for r in STUDY_RULES})
        records.append(record)
    return pd.DataFrame.from_records(records)


RECONCILIATION_COUNTS = [
    "rows_in", "rows_empty_skipped", "rows_read", "rows_kept", "rows_quarantined",
    "rows_excluded_by_study_rule",
]  # fmt: skip


def leftover_lines(result: CleanResult) -> list[str]:
    """What the log says of rows that are not analysed yet not errors of a single cell."""
    lines = []
    for row in result.reconciliation.itertuples():
        if row.rows_empty_skipped:
            lines.append(
                f"{row.table}: {row.rows_empty_skipped} empty rows skipped (lines of only "
                "separators or blank lines: not data)"
            )
        if row.rows_excluded_by_study_rule:
            lines.append(
                f"{row.table}: {row.rows_excluded_by_study_rule} rows excluded by a study rule "
                f"(after study.data_cutoff): kept out of every analysis"
            )
        q = result.quarantine[row.table]
        conflicting = q[q["reason"] == "conflicting_duplicate"]
        for detail in conflicting["detail"].drop_duplicates().head(5):
            lines.append(f"{row.table}: conflicting duplicate id: {detail}")
    return lines


def check_quarantine_limit(
    result: CleanResult,
    *,
    max_share: float,
    site: str,
    site_cfg: dict | None = None,
    quarantine_files: dict[str, str | Path] | None = None,
) -> None:
    """Stop the run when a table lost more than ``max_share`` of its rows.

    With ``quarantine_files`` (table -> the quarantine a finished run writes) the stopped
    table's quarantine is written first (``stopped_quarantine_path``), so the hint points at a
    file that exists. ``site_cfg`` names the export's own column beside the contract name.
    """
    for row in result.reconciliation.itertuples():
        if not row.balanced:
            raise InputError(
                f"reconciliation does not balance: read {row.rows_read}, kept {row.rows_kept}, "
                f"quarantined {row.rows_quarantined}, excluded by a study rule "
                f"{row.rows_excluded_by_study_rule}",
                site=site,
                table=row.table,
            )
        share = row.rows_quarantined / row.rows_read if row.rows_read else 0.0
        if share <= max_share:
            continue
        q = result.quarantine[row.table]
        top = q["reason"].value_counts()
        reason = top.index[0]
        first = q[q["reason"] == reason]
        column = first["column"].iloc[0]
        hint = None
        if quarantine_files is not None:
            stopped = stopped_quarantine_path(quarantine_files[row.table])
            write_quarantine(q, stopped)
            hint = f"every quarantined row of the table, with its reason: {stopped}"
        key, advice = _fix(reason, row.table, column, first["value"])
        hint = "; ".join(h for h in (advice, hint) if h) or None
        table_cfg = (site_cfg or {}).get("tables", {}).get(row.table, {})
        raise InputError(
            f"{share:.1%} of rows quarantined (limit {max_share:.0%}); most common reason "
            f"{reason!r} ({top.iloc[0]} rows: {REASONS[reason]}); by reason: {top.to_dict()}",
            site=site,
            table=row.table,
            file=q["source_file"].iloc[0],
            column=export_column(table_cfg, column, (site_cfg or {}).get("rurality")),
            contract_column=column,
            values=list(zip(first[SOURCE_ROW], first["value"], strict=True)),
            rows_only=column in ID_COLUMNS.values(),
            row_label="line" if table_cfg.get("format") == "csv" else "row",
            config_key=key,
            hint=hint,
        )


def _fix(reason: str, table: str, column: str, values: pd.Series) -> tuple[str | None, str | None]:
    """The config key that fixes the most common reason, and advice when no key would."""
    if reason == "impossible_duration" and pd.to_numeric(values, errors="coerce").isna().any():
        # '30 min': a unit in the cell; duration_unit scales numbers and cannot read it
        return None, (
            "durations must be numbers: export the duration column as plain numbers of minutes "
            f"(or hours, with tables.{table}.duration_unit: hours), without a unit in the cell"
        )
    if reason == "conflicting_duplicate":
        return f"tables.{table}.duplicates", (
            "the copies of an id differ (see the detail column of the quarantine): correct the "
            "export so each id appears once, or set duplicates: keep_first to keep the first copy"
        )
    keys = {
        "unparseable_date": f"tables.{table}.date_format",
        "unmapped_category": f"tables.{table}.values.{column} (or booleans / activities)",
        "impossible_duration": f"tables.{table}.duration_unit",
        "outside_case_window": "cleaning.contact_window_grace_days (study config)",
    }
    return keys.get(reason, "cleaning.max_quarantine_share (study config), or fix the export"), None
