"""Building the demo study: simulate, then write each site's export in its own format."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from peermentor.demo.export import inject_defects, site_tables, to_export, write_exports
from peermentor.demo.simulate import DEFAULT_SITES, DemoSite, simulate_study
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
) -> dict:
    """Simulate the study, write every site's raw export and the truth file; returns the truth."""
    study = simulate_study(
        seed=seed, scale=scale, sites=demo_sites(list(site_cfgs)), cutoff=data_cutoff
    )
    exports: dict[str, list] = defaultdict(list)
    defects = {}
    for i, (site, cfg) in enumerate(site_cfgs.items()):
        tables, expected = inject_defects(site_tables(study, cfg), cfg, seed=seed + i)
        defects[site] = expected
        for table, frame in tables.items():
            table_cfg = cfg["tables"][table]
            exports[table_cfg["path"]].append((table_cfg, to_export(table, frame, table_cfg, cfg)))
    files = write_exports(exports, Path(project_dir))
    truth = {**study.truth, "injected_defects": defects, "files": sorted(str(f) for f in files)}
    truth_path = Path(project_dir) / truth_file
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    return truth
