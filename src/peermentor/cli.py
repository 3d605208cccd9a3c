"""Command-line interface: ``peermentor demo``, ``describe`` and ``verify``.

Run from the project directory (where config/ and workflow/schemas/ are).
Exit codes: 0 success, 1 a data or config problem (message printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from peermentor.errors import PeermentorError


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

    demo = sub.add_parser("demo", help="generate the synthetic demo study's raw exports")
    demo.add_argument("--seed", type=int, help="random seed (default: demo.seed in the config)")
    demo.add_argument(
        "--scale", type=int, help="multiply families and contacts (default: demo.scale)"
    )
    demo.add_argument("--project-dir", default=".", help="where data/raw/ is written")
    demo.set_defaults(func=_cmd_demo)

    describe = sub.add_parser(
        "describe",
        help="ingest every configured site in memory and print the study's calibration summary",
    )
    describe.add_argument("--json", action="store_true", help="print JSON for scripts")
    describe.set_defaults(func=_cmd_describe)

    verify = sub.add_parser(
        "verify", help="check every input and output of a run against its manifest's SHA-256"
    )
    verify.add_argument("--manifest", default="results/manifest.json")
    verify.set_defaults(func=_cmd_verify)
    return parser


def _cmd_demo(args) -> int:
    from peermentor.config import load_sites, load_study
    from peermentor.demo.build import build_demo

    study = load_study(args.config)
    seed = study["demo"]["seed"] if args.seed is None else args.seed
    scale = study["demo"]["scale"] if args.scale is None else args.scale
    started = time.perf_counter()
    truth = build_demo(
        load_sites(study),
        seed=seed,
        scale=scale,
        data_cutoff=study["study"]["data_cutoff"],
        truth_file=study["demo"]["truth_file"],
        project_dir=args.project_dir,
    )
    print(
        f"demo study: {truth['n_families']} families, {truth['n_mentors']} mentors, "
        f"{truth['n_contacts']} contacts (seed {seed}, scale {scale}) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for path in truth["files"]:
        print(f"  wrote {path}")
    print(f"  true parameters: {Path(args.project_dir) / study['demo']['truth_file']}")
    return 0


def _cmd_describe(args) -> int:
    from peermentor.describe import describe_configured_study

    summary = describe_configured_study(args.config)
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    else:
        print(_as_text(summary))
    return 0


def _cmd_verify(args) -> int:
    from peermentor.manifest import verify_manifest

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
        else:
            lines.append(" " * indent + f"{key}: {value}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
