"""Command-line interface: ``peermentor describe``, ``verify``, ``audit-disclosure``, ``site``
and ``interviews``.

Plugin commands come from the ``peermentor.commands`` entry points: ``peermentor demo``
(``peermentor.demo.command``) is one, so this module never imports the demo.

Run from the project directory (where config/ and workflow/schemas/ are).
Exit codes: 0 success, 1 a data or config problem (message printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib.metadata import entry_points
from pathlib import Path

from peermentor.errors import PeermentorError

# Entry-point group of sub-commands other packages add (pyproject.toml: the demo's ``demo``).
PLUGIN_COMMANDS = "peermentor.commands"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PeermentorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peermentor",
        description="The Huebner et al. (2018) peer-mentoring study pipeline: helper commands.",
    )
    parser.add_argument(
        "--config", default="config/config.yaml", help="study config (default: %(default)s)"
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    for command in _plugins():
        command(sub)

    describe = sub.add_parser(
        "describe",
        help="ingest every configured site in memory; print its counts and its replication "
        "figures (P1-P3, P6) beside the paper's",
    )
    describe.add_argument("--json", action="store_true", help="print JSON for scripts")
    describe.set_defaults(func=_cmd_describe)

    verify = sub.add_parser(
        "verify", help="check every input and output of a run against its manifest's SHA-256"
    )
    verify.add_argument("--manifest", default="results/manifest.json")
    verify.set_defaults(func=_cmd_verify)
    audit = sub.add_parser(
        "audit-disclosure",
        help="try to recover suppressed counts from the published tables; exit 1 if any is",
    )
    audit.add_argument("results_dir", metavar="RESULTS_DIR", help="e.g. results")
    audit.add_argument(
        "--min-cell-size", type=int, help="default: disclosure.min_cell_size in the config"
    )
    audit.add_argument("--output", help="also write the findings as CSV here")
    audit.set_defaults(func=_cmd_audit_disclosure)
    _site_parser(sub)
    _interviews_parser(sub)
    return parser


def _plugins() -> list:
    """The ``register(sub)`` function of every installed plugin command, by name (``demo``)."""
    found = sorted(entry_points(group=PLUGIN_COMMANDS), key=lambda entry: entry.name)
    return [entry.load() for entry in found]


_DATABASE_HELP = (
    "the PATHs are tables (or SELECT queries) of the database whose SQLAlchemy URL is in this "
    "environment variable; a REDCap records export is read with its data dictionary"
)


def _site_parser(sub) -> None:
    site = sub.add_parser(
        "site",
        help="onboard a site: inspect its exports, draft its site config, check it",
        description="Onboard a site: inspect -> draft -> edit the TODOs -> check -> run.",
    )
    steps = site.add_subparsers(required=True, metavar="STEP")
    inspect = steps.add_parser(
        "inspect",
        help="show what each export holds: columns, inferred types, values",
        description="Read CSV, TSV, Excel (every sheet), Parquet, SPSS/Stata/SAS or REDCap "
        "exports (or database tables with --database) and show each column's inferred type, "
        "missing share and values (free text is never shown).",
    )
    inspect.add_argument("paths", nargs="+", metavar="PATH", help="export files")
    inspect.add_argument("--json", action="store_true", help="print JSON for scripts")
    inspect.add_argument("--database", metavar="ENV_VAR", help=_DATABASE_HELP)
    inspect.set_defaults(func=_cmd_site_inspect)

    draft = steps.add_parser(
        "draft",
        help="write a draft config/sites/<site>.yaml from the exports",
        description="Map what the exports show clearly onto the data contract and write "
        "TODO (with a comment saying what was seen) wherever a person must decide.",
    )
    draft.add_argument("paths", nargs="+", metavar="PATH", help="the site's export files")
    draft.add_argument("--site", required=True, type=_site_id, help="site id, e.g. boone")
    draft.add_argument("--out", help="where to write (default: config/sites/<site>.yaml)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing file")
    draft.add_argument("--json", action="store_true", help="print JSON for scripts")
    draft.add_argument("--database", metavar="ENV_VAR", help=_DATABASE_HELP)
    draft.set_defaults(func=_cmd_site_draft)

    check = steps.add_parser(
        "check",
        help="ingest and clean one site exactly as a run would, and report",
        description="Validate a site config, then ingest and clean that site with the "
        "pipeline's own functions and the study config's settings (another study config: "
        "peermentor --config FILE site check ...); exit 1 with the run's own message if it "
        "would stop.",
    )
    check.add_argument("site_config", metavar="SITE_YAML", help="config/sites/<site>.yaml")
    check.add_argument("--json", action="store_true", help="print JSON for scripts")
    check.set_defaults(func=_cmd_site_check)


def _interviews_parser(sub) -> None:
    interviews = sub.add_parser(
        "interviews",
        help="coded interviews: inspect a REFI-QDA export, draft its mapping file",
        description="Onboard a coded-interview export: inspect -> draft -> edit the TODOs -> run.",
    )
    steps = interviews.add_subparsers(required=True, metavar="STEP")
    inspect = steps.add_parser(
        "inspect",
        help="show users, documents, the code tree with counts and the variables",
        description="Read a REFI-QDA project (.qdpx), validate it against the REFI-QDA schema "
        "and show what it holds (a transcript's text is never shown).",
    )
    inspect.add_argument("path", metavar="FILE", help="the .qdpx export")
    inspect.add_argument("--json", action="store_true", help="print JSON for scripts")
    inspect.set_defaults(func=_cmd_interviews_inspect)
    draft = steps.add_parser(
        "draft",
        help="write a draft interview mapping file from the export",
        description="Match codes to the study's themes by their names, users with codings to "
        "coders, role words to roles; write TODO wherever a person must decide.",
    )
    draft.add_argument("path", metavar="FILE", help="the .qdpx export")
    draft.add_argument("--roster", help="the roster (CSV or Excel: document, participant, role)")
    draft.add_argument(
        "--out",
        default="config/interviews/partnership.yaml",
        help="where to write (default: %(default)s)",
    )
    draft.add_argument("--force", action="store_true", help="overwrite an existing file")
    draft.add_argument("--json", action="store_true", help="print JSON for scripts")
    draft.set_defaults(func=_cmd_interviews_draft)


def _cmd_interviews_inspect(args) -> int:
    from peermentor.onboard.interviews import inspect_export, inspect_text

    summary = inspect_export(args.path)
    print(json.dumps(summary, indent=2) if args.json else inspect_text(summary))
    return 0


def _cmd_interviews_draft(args) -> int:
    from peermentor.onboard.interviews import draft_mapping, write_mapping

    if Path(args.out).exists() and not args.force:  # before reading the export
        print(f"error: {args.out} already exists: not overwritten (use --force)", file=sys.stderr)
        return 1
    draft = draft_mapping(args.path, args.roster)
    summary = write_mapping(draft, args.out, source=args.path, force=args.force)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"wrote {summary['file']}: {summary['codes']} codes, {summary['todos']} TODO(s) "
            "to decide; then run the workflow (the mapping is checked when it starts)"
        )
    return 0


def _site_id(text: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", text):
        raise argparse.ArgumentTypeError(
            f"{text!r}: lower-case letters, digits and _, starting with a letter"
        )
    return text


def _cmd_describe(args) -> int:
    from peermentor.onboard.describe import describe_configured_study

    summary = describe_configured_study(
        args.config, progress=lambda line: print(line, file=sys.stderr, flush=True)
    )
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    else:
        print(_as_text(summary))
    return 0


def _read_exports(paths: list[str], database: str | None = None) -> list:
    """Every export's tables; a REDCap records export is read with its dictionary, by part."""
    from peermentor.onboard.database import read_tables
    from peermentor.onboard.files import read_exports
    from peermentor.onboard.redcap import read_project, split_paths

    if database:
        print(f"reading {len(paths)} table(s) from ${database} ...", file=sys.stderr, flush=True)
        return read_tables(database, paths)
    projects, others = split_paths(paths)
    reads = [((r, d), lambda r=r, d=d: read_project(r, d)) for r, d in projects]
    reads += [(p, lambda p=p: read_exports(p)) for p in others]
    exports = []
    for path, read in reads:
        shown = " with ".join(path) if isinstance(path, tuple) else path
        print(f"reading {shown} ...", file=sys.stderr, flush=True)
        for export in read():
            print(f"  {export.label}: {len(export.frame)} rows", file=sys.stderr, flush=True)
            exports.append(export)
    return exports


def _cmd_site_inspect(args) -> int:
    from peermentor.onboard.inspect import inspect_exports
    from peermentor.onboard.text import inspect_text

    files = inspect_exports(_read_exports(args.paths, args.database))
    print(json.dumps(files, indent=2, default=str) if args.json else inspect_text(files))
    return 0


def _cmd_site_draft(args) -> int:
    from peermentor.onboard.draft import draft_site, refuse_overwrite, write_draft
    from peermentor.onboard.text import draft_text

    out = args.out or f"config/sites/{args.site}.yaml"
    refuse_overwrite(out, force=args.force)  # before the slow read, and again when writing
    draft = draft_site(args.site, _read_exports(args.paths, args.database))
    summary = write_draft(draft, out, paths=args.paths, force=args.force)
    print(json.dumps(summary, indent=2) if args.json else draft_text(summary))
    return 0


def _cmd_site_check(args) -> int:
    from peermentor.config import load_study
    from peermentor.onboard.check import check_site
    from peermentor.onboard.text import check_text

    study = load_study(args.config)
    report = check_site(args.site_config, study, progress=lambda line: print(line, file=sys.stderr))
    print(json.dumps(report, indent=2) if args.json else check_text(report))
    if report["error"]:
        print(f"error: {report['error']}", file=sys.stderr)
        return 1
    return 0


def _cmd_audit_disclosure(args) -> int:
    from peermentor.publish.audit import audit_disclosure, findings_frame

    results = Path(args.results_dir)
    if not (results / "tables").is_dir():
        print(f"error: {results}/tables is not a directory", file=sys.stderr)
        return 2
    min_cell_size = args.min_cell_size
    if min_cell_size is None:
        from peermentor.config import load_study

        min_cell_size = int(load_study(args.config)["disclosure"]["min_cell_size"])
    findings = audit_disclosure(results, min_cell_size)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        findings_frame(findings).to_csv(args.output, index=False)
    for f in findings:
        cells = ", ".join(str(c) for c in f.evidence)
        print(f"recovered {f.cell} = {f.value} by {f.attack} from {cells}")
    print(f"{len(findings)} suppressed count(s) recovered (min_cell_size {min_cell_size})")
    return 1 if findings else 0


def _cmd_verify(args) -> int:
    from peermentor.publish.manifest import verify_manifest

    path = Path(args.manifest)
    if not path.is_file():
        print(f"error: {path}: no manifest; run the workflow first", file=sys.stderr)
        return 1
    manifest = json.loads(path.read_text())
    problems = verify_manifest(manifest)
    for problem in problems:
        print(problem)
    files = len(manifest["inputs"]) + len(manifest["outputs"])
    code = manifest["code"]
    print(
        f"{files - len(problems)} of {files} files match the manifest "
        f"(code {code['commit'][:12]}{', dirty tree' if code['dirty'] else ''})"
    )
    return 1 if problems else 0


def _as_text(summary: dict, indent: int = 0) -> str:
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict):
            lines.append(" " * indent + f"{key}:")
            lines.append(_as_text(value, indent + 2))
        elif isinstance(value, float):
            lines.append(" " * indent + f"{key}: {value:.3f}")
        elif isinstance(value, list):
            lines.append(" " * indent + f"{key}: {', '.join(map(str, value))}")
        else:
            lines.append(" " * indent + f"{key}: {value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
