"""Building the demo study: simulate, then write each site's export in its own format."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pandas as pd

from peermentor.demo import shapes
from peermentor.demo.export import inject_defects, split_by_site, to_export, write_exports
from peermentor.demo.interviews import build_interviews
from peermentor.demo.simulate import simulate_study
from peermentor.demo.sites import DEFAULT_SITES, DemoSite
from peermentor.errors import ConfigError


def demo_sites(site_ids: list[str]) -> list[DemoSite]:
    """The demo sites by id; ``<demo site>_<n>`` is a copy of that site (for scaled studies).

    Copies let the benchmark grow the number of sites with the study: ``kenton_2`` is
    another urban RUCC-1 site with kenton's share of families and its export format.
    """
    known = {site.site_id: site for site in DEFAULT_SITES}
    sites, unknown = [], []
    for site_id in site_ids:
        base, _, copy = site_id.rpartition("_")
        if site_id in known:
            sites.append(known[site_id])
        elif base in known and copy.isdigit():
            sites.append(replace(known[base], site_id=site_id))
        else:
            unknown.append(site_id)
    if unknown:
        raise ConfigError(
            f"demo generation only knows the demo sites {sorted(known)} and their copies "
            f"named <site>_<n>; {unknown} are not among them. Set demo.enabled: false in "
            "config/config.yaml for real sites."
        )
    return sites


def build_demo(
    site_cfgs: dict[str, dict],
    *,
    seed: int,
    scale: int,
    data_cutoff: str,
    truth_file: str | Path,
    project_dir: str | Path = ".",
    shape: dict | None = None,
    interviews: dict | None = None,
) -> dict:
    """Simulate the study, write every site's raw export and the truth file; returns the truth.

    ``shape`` holds the study-shape keys of the ``demo:`` config (peermentor.demo.shapes); without
    them (or with their defaults) the demo is generated exactly as it always was. ``interviews``
    ({export, roster, truth} paths) also writes the coded-interview study (demo.interviews).
    """
    options = shapes.shape_options(shape or {})
    study = simulate_study(
        seed=seed,
        scale=scale,
        sites=_weighted(demo_sites(list(site_cfgs)), options),
        cutoff=data_cutoff,
        n_families=options["families"],
        n_mentors=options["mentors"],
    )
    applied = _apply_study_options(study, options)
    per_site = split_by_site(study, list(site_cfgs))
    if options["shared_roster"]:
        applied["shared_mentor"] = _share_mentor(per_site, options["shared_roster"])
    exports: dict[str, list] = defaultdict(list)
    defects = {}
    for i, (site, cfg) in enumerate(site_cfgs.items()):
        tables, expected = per_site[site], {}
        if shapes.site_defects(options, site):
            tables, expected = inject_defects(tables, cfg, seed=seed + i)
        if open_share := options["sites"].get(site, {}).get("open_share"):
            tables["families"], n_open = shapes.reopen_cases(
                tables["families"], open_share, seed + 1000 + i
            )
            applied.setdefault("reopened_cases", {})[site] = n_open
        defects[site] = expected
        for table, frame in tables.items():
            table_cfg = cfg["tables"][table]
            exports[table_cfg["path"]].append((table_cfg, to_export(table, frame, table_cfg, cfg)))
    files = write_exports(exports, Path(project_dir))
    if interviews:
        files = [*files, *_write_interviews(interviews, seed, Path(project_dir))]
    truth = {**study.truth, "injected_defects": defects, "files": sorted(str(f) for f in files)}
    if not shapes.is_default(options):
        truth["shape"] = {"options": options, "applied": applied}
    truth_path = Path(project_dir) / truth_file
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2, sort_keys=True, default=str) + "\n")
    return truth


def _write_interviews(paths: dict, seed: int, project_dir: Path) -> list[Path]:
    """The partnership interviews; the roster is written even where the mapping reads none."""
    export = project_dir / paths["export"]
    roster = project_dir / (paths["roster"] or Path(paths["export"]).with_name("roster.csv"))
    build_interviews(
        seed=seed, qdpx_path=export, roster_path=roster, truth_path=project_dir / paths["truth"]
    )
    return [export, roster]


def _weighted(sites: list[DemoSite], options: dict) -> list[DemoSite]:
    """The sites with the shape's share of families where it sets one."""
    weights = {site: cfg["weight"] for site, cfg in options["sites"].items() if "weight" in cfg}
    return [replace(s, weight=weights.get(s.site_id, s.weight)) for s in sites]


def _apply_study_options(study, options: dict) -> dict:
    """Study-wide shape options on the simulated tables; returns what they changed."""
    applied = {}
    if not options["no_shows"]:
        kept = shapes.without_missed_contacts(study.contacts)
        applied["dropped_missed_contacts"] = len(study.contacts) - len(kept)
        study.contacts = kept
    if not options["exits"]:
        study.mentors = shapes.without_exits(study.mentors)
        applied["exits_removed"] = True
    return applied


def _share_mentor(per_site: dict, spec: dict) -> dict:
    first, second = spec["sites"]
    unknown = {first, second} - set(per_site)
    if unknown:
        raise ConfigError(f"demo.shared_roster names sites {sorted(unknown)} not in the study")
    row = shapes.shared_mentor_row(per_site[first]["mentors"], second, spec["agree"])
    second_tables = per_site[second]
    second_tables["mentors"] = pd.concat([second_tables["mentors"], row], ignore_index=True)
    return {"mentor_id": str(row["mentor_id"].iloc[0]), "sites": [first, second], **spec}
