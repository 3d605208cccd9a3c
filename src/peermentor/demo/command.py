"""``peermentor demo``: the demo's sub-command, a plugin of the CLI.

pyproject.toml registers ``register`` under the ``peermentor.commands`` entry points; cli.py
calls every entry point of that group with its sub-parsers, so the study's CLI never imports
the demo.
"""

from __future__ import annotations

import time
from pathlib import Path


def register(sub) -> None:
    """Add ``demo`` to the CLI's sub-parsers (``argparse`` ``add_subparsers`` result)."""
    demo = sub.add_parser("demo", help="generate the synthetic demo study's raw exports")
    demo.add_argument("--seed", type=int, help="random seed (default: demo.seed in the config)")
    demo.add_argument(
        "--scale", type=int, help="multiply families and contacts (default: demo.scale)"
    )
    demo.add_argument("--project-dir", default=".", help="where data/raw/ is written")
    demo.add_argument(
        "--shape",
        help="first make the project in --project-dir this study shape (its config/config.yaml "
        "and the copied site configs are rewritten); see --list-shapes",
    )
    demo.add_argument("--list-shapes", action="store_true", help="list the study shapes and exit")
    demo.add_argument(
        "--write-test-configs",
        action="store_true",
        help="write every shape's .test/config_<shape>/config.yaml into --project-dir and exit "
        "(snakemake --configfile runs a shape with it)",
    )
    demo.set_defaults(func=run)


def run(args) -> int:
    """Generate the demo study's raw exports and truth file; print what was written."""
    # imported here, not at the top: every CLI command loads this module (cli.py's plugins)
    from peermentor.config import load_interview_mapping, load_sites, load_study
    from peermentor.demo.build import build_demo
    from peermentor.demo.shapes import SHAPES, apply_shape, write_test_configs

    if args.list_shapes:
        for name, shape in SHAPES.items():
            n = len(shape["sites"])
            print(f"{name}: {shape['description']} ({n} site{'s' if n != 1 else ''})")
        return 0
    if args.write_test_configs:
        for path in write_test_configs(args.project_dir):
            print(f"  wrote {path}")
        return 0
    config_path = Path(args.config)
    if args.shape:
        apply_shape(args.project_dir, args.shape)
        config_path = Path(args.project_dir) / "config" / "config.yaml"
    study = load_study(config_path)
    project_sites = {**study, "sites_dir": str(Path(args.project_dir) / study["sites_dir"])}
    sites = load_sites(study if not args.shape else project_sites)
    seed = study["demo"]["seed"] if args.seed is None else args.seed
    scale = study["demo"]["scale"] if args.scale is None else args.scale
    interviews = None
    if study["interviews"]["enabled"]:
        mapping = load_interview_mapping(Path(args.project_dir) / study["interviews"]["mapping"])
        interviews = {
            "export": mapping["export"]["path"],
            "roster": mapping["roster"]["path"] if mapping["roster"] else None,
            "truth": study["demo"]["interviews_truth_file"],
        }
    started = time.perf_counter()
    truth = build_demo(
        sites,
        seed=seed,
        scale=scale,
        data_cutoff=study["study"]["data_cutoff"],
        truth_file=study["demo"]["truth_file"],
        project_dir=args.project_dir,
        shape=study["demo"],
        interviews=interviews,
    )
    print(
        f"demo study: {truth['n_families']} families, {truth['n_mentors']} mentors, "
        f"{truth['n_contacts']} contacts (seed {seed}, scale {scale}) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for path in truth["files"]:
        print(f"  wrote {path}")
    print(f"  true parameters: {Path(args.project_dir) / study['demo']['truth_file']}")
    if interviews:
        print(f"  interview truth: {Path(args.project_dir) / interviews['truth']}")
    return 0
