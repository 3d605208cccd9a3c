"""Plain-text reports of inspect, draft and check, for a terminal about 100 columns wide."""

from __future__ import annotations

import calendar

WIDTH = 100


def inspect_text(files: list[dict]) -> str:
    return "\n\n".join(_export_text(entry) for entry in files)


def _export_text(entry: dict) -> str:
    where = entry["file"] + (f" [sheet {entry['sheet']}]" if entry["sheet"] else "")
    where += f" [{entry['part']}]" if entry.get("part") else ""
    how = [entry["format"]]
    csv = entry["reader"].get("csv", {})
    if csv:
        how.append(f"separator {csv['sep']!r}, encoding {csv['encoding']}")
    lines = [f"{where}: {', '.join(how)}, {entry['rows']} rows"]
    if entry["header_row"] != 1:
        lines.append(
            f"  header on row {entry['header_row']} (a title block above it is skipped): "
            f"header_row: {entry['header_row']} in the site config"
        )
    name_width = max(len(c["name"]) for c in entry["columns"]) + 2
    type_width = max(len(_type_text(c)) for c in entry["columns"]) + 2
    lines.append(f"  {'column':<{name_width}}{'type':<{type_width}}{'missing':>7}  values")
    for col in entry["columns"]:
        line = f"  {col['name']:<{name_width}}{_type_text(col):<{type_width}}"
        line += f"{share_text(col['missing'], entry['rows']):>7}  "
        lines.append(_cut(line + _values_text(col, room=WIDTH - len(line))))
    lines += _date_notes(entry["columns"])
    return "\n".join(lines)


def share_text(count: int, total: int) -> str:
    """A share as a person reads it: never 0 % for a count above zero, nor 100 % below all."""
    if total == 0 or count == 0:
        return "0 %"
    if count == total:
        return "100 %"
    share = 100 * count / total
    if share < 1 or share > 99:
        return f"{min(max(share, 0.1), 99.9):.1f} %"
    return f"{share:.0f} %"


def _date_notes(columns: list[dict]) -> list[str]:
    """Date columns whose day/month order the data cannot tell, and cells no format reads."""
    lines = []
    for col in columns:
        if col["type"] != "date":
            continue
        if col.get("day_month_ambiguous"):
            lines.append(
                f"  note: {col['name']}: every day and month is 12 or less: day first or month "
                "first? (set date_format)"
            )
        if col.get("not_dates"):
            shown = ", ".join(repr(v) for v in col["not_date_examples"])
            n = col["not_dates"]
            what = "value is not a date" if n == 1 else "values are not dates"
            lines.append(f"  note: {col['name']}: {n} {what} and will be quarantined, e.g. {shown}")
    return [_cut(line) for line in lines]


def _type_text(col: dict) -> str:
    kind = col["type"]
    if kind == "date":
        formats = col["date_formats"]
        if formats == ["typed"]:
            return "date (date cells)"
        if formats == ["excel_serial"]:
            return "date (Excel serial)"
        return "date " + " or ".join(formats) + ("?" if len(formats) > 1 else "")
    if kind == "codes":
        return f"codes split by {col['delimiter']!r}"
    if kind == "text":
        return "free text (names)" if col["personal_names"] else "free text"
    if col.get("duration_unit"):
        return f"{kind} ({col['duration_unit']}?)"
    return kind


def _values_text(col: dict, room: int = WIDTH) -> str:
    kind = col["type"]
    if kind == "empty":
        return "(always empty)"
    if kind == "id":
        return f"e.g. {', '.join(col['examples'])} ({col['distinct']} distinct)"
    if kind == "text":
        if col["personal_names"]:
            return f"{col['distinct']} distinct (not shown)"
        return f"{col['distinct']} distinct, e.g. {col['examples'][0]!r}"
    if kind in ("integer", "number"):
        low, high = col["range"]
        return f"{low} .. {high}, median {col['median']:g}"
    if kind == "date":
        return f"{col['range'][0]} .. {col['range'][1]}"
    items = [f"{value} ({rows})" for value, rows in col["values"].items()]
    for shown in range(len(items), 0, -1):  # as many values as fit, then how many more
        more = len(items) - shown
        text = ", ".join(items[:shown]) + (f", +{more} more" if more else "")
        if len(text) <= room:
            return text
    return f"{len(items)} distinct"


def wrap_items(items: list[str], first: str, separator: str) -> list[str]:
    """Items joined by ``separator`` in lines of at most WIDTH, never splitting an item."""
    lines, line = [], first
    for i, item in enumerate(items):
        piece = item + (separator.rstrip() if i < len(items) - 1 else "")
        if line.strip() and len(line) + len(piece) > WIDTH and line != first:
            lines.append(line.rstrip())
            line = " " * len(first)
        line += piece + " "
    lines.append(line.rstrip())
    return lines


def _cut(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def day_month_text(notes: list[dict]) -> list[str]:
    """Day/month order: when the data cannot tell, and rows the swapped order would keep."""
    lines = []
    nouns = {"families": "cases", "contacts": "contacts"}
    for note in notes:
        table, fmt, swapped = note["table"], note["date_format"], note["swapped"]
        if note["both_read"]:
            lines.append(
                f"note: {table}: every date reads as {fmt} and as {swapped}: "
                "make sure of the day/month order"
            )
        if note["fit_swapped"]:
            lines.append(
                f"note: {table}: {note['fit_swapped']} {nouns[table]} impossible under "
                f"{fmt} would fit under {swapped}: day/month order?"
            )
    return [_cut(line) for line in lines]


def draft_text(summary: dict) -> str:
    lines = [f"wrote {summary['out']}"]
    for table, source in summary["sources"].items():
        rule = summary["config"]["tables"][table]
        only = rule.get("filter") if isinstance(rule, dict) else None
        where = f" (rows with {only['column']} = {only['value']})" if only else ""
        lines.append(f"  {table:<9} <- {source or 'TODO: no export found'}{where}")
    guessed: dict[str, list[str]] = {}
    for key in summary["abbreviations"]:
        parent, _, code = key.rpartition(".")
        guessed.setdefault(parent, []).append(code)
    if guessed:
        count = len(summary["abbreviations"])
        lines.append(f"{count} code(s) guessed from a word or an abbreviation, check them:")
        lines += [_cut(f"  {parent}: {', '.join(codes)}") for parent, codes in guessed.items()]
    todos = summary["todos"]
    if todos:
        lines.append(
            f"{len(todos)} TODO left to fill (the comment beside each says what was seen):"
        )
        lines += [f"  {key}" for key in todos]
    lines.append(f"next: edit it, then  peermentor site check {summary['out']}")
    return "\n".join(lines)


def check_text(report: dict) -> str:
    lines = [f"site {report['site']} ({report['config']})"]
    if "tables" in report:
        lines += _tables_text(report)
        lines += _dates_text(report)
        lines += month_grid(report["per_month"])
    lines += day_month_text(report.get("day_month", []))
    limit = report["max_quarantine_share"]
    if report["passes"]:
        largest = max(report["tables"].items(), key=lambda kv: kv[1]["quarantined_share"])
        lines.append(
            f"PASS: every table within the study's max_quarantine_share of {limit:.0%} "
            f"(largest: {largest[0]} {largest[1]['quarantined_share']:.1%})"
        )
        if not report["listed_in_study"]:
            lines.append(f"next: list {report['site']} under sites: in config/config.yaml")
        else:
            lines.append("next: make run")
    else:
        lines.append("FAIL: the run would stop with the error below")
    return "\n".join(lines)


def _tables_text(report: dict) -> list[str]:
    lines = [f"identifiers pseudonymized with the {report['salt']}"]
    width = max(len(t["file"]) for t in report["tables"].values()) + 2
    lines.append(f"  {'table':<10}{'file':<{width}}{'read':>7}{'kept':>7}{'quarantined':>13}")
    for table, t in report["tables"].items():
        lines.append(
            f"  {table:<10}{t['file']:<{width}}{t['rows_read']:>7}{t['rows_kept']:>7}"
            f"{t['rows_quarantined']:>13}"
        )
        if t.get("rows_empty_skipped"):
            lines.append(" " * 12 + f"empty rows skipped (not data): {t['rows_empty_skipped']}")
        if t["by_reason"]:
            reasons = [f"{r} {n}" for r, n in t["by_reason"].items()]
            lines += wrap_items(reasons, " " * 12 + "quarantined: ", ", ")
    for column, values in report["unmapped_values"].items():
        shown = ", ".join(f"{v!r} ({n})" for v, n in list(values.items())[:8])
        lines.append(_cut(f"unmapped values in {column}: {shown}"))
    if not report["unmapped_values"]:
        lines.append("unmapped values: none")
    return lines


def _dates_text(report: dict) -> list[str]:
    labels = {
        "case_open_date": "cases opened",
        "case_close_date": "closed",
        "contact_date": "contacts",
        "hire_date": "mentors hired",
    }
    spans = [
        f"{label} {span[0]} .. {span[1]}"
        for column, label in labels.items()
        if (span := report["dates"].get(column))
    ]
    lines = wrap_items(spans, "dates: ", "; ")
    rurality = ", ".join(f"{k} {v}" for k, v in report["rurality"].items())
    lines.append(f"families by rurality: {rurality}")
    if report["contacts_after_cutoff"]:
        lines.append(
            f"contacts after the study's data_cutoff (excluded, not analysed): "
            f"{report['contacts_after_cutoff']}"
        )
    return lines


def month_grid(per_month: dict[str, dict[str, int]]) -> list[str]:
    """Contacts per month as a year-by-month grid, families with a contact under each year."""
    if not per_month:
        return ["no contacts kept"]
    months = [calendar.month_abbr[m] for m in range(1, 13)]
    lines = ["contacts, and families with a contact, per month"]
    lines.append(" " * 16 + "".join(f"{m:>6}" for m in months))
    years = sorted({key[:4] for key in per_month})
    for year in years:
        for label, measure in ((f"{year} contacts", "contacts"), ("     families", "families")):
            cells = [per_month.get(f"{year}-{m:02d}", {}).get(measure) for m in range(1, 13)]
            lines.append(f"  {label:<14}" + "".join(f"{'' if c is None else c:>6}" for c in cells))
    empty = [key for key, counts in per_month.items() if counts["contacts"] == 0]
    if empty:
        lines.append(f"months without any contact: {', '.join(empty)}")
    return lines
