"""Study shapes: demo studies that are not the demo (few sites, tiny sites, no defects ...).

A shape is a set of ``demo:`` keys plus a list of sites (and, under ``config``, study settings
it needs). Its sites are copies of the demo sites,
named ``<demo site>_<n>`` (``perry_1`` is another rural RUCC-7 site with perry's TSV export), so a
shape reuses the committed site configs of ``config/sites/``; :func:`apply_shape` writes the
copies' site configs and the study's ``config/config.yaml`` into a project directory. The knobs
the generator reads (all under ``demo:``, defaults in config/config.yaml):

- ``families`` / ``mentors``: study size (``null``: 783 and 28 per unit of ``scale``);
- ``defects``: inject the demo's defects (study-wide); ``sites.<site>.defects`` per site;
- ``sites.<site>.weight``: the site's share of families (default: its demo site's);
- ``sites.<site>.open_share``: share of the site's closed cases that are still open at the cut-off
  (1.0: every case open, so the site has no outcome);
- ``no_shows``: ``false`` drops every no-show and refusal;
- ``exits``: ``false`` keeps every mentor employed (no end date, no exit reason);
- ``shared_roster``: ``{sites: [a, b], agree: true}`` lists one of site a's mentors in site b's
  slice of their shared roster too, with the same record (``agree: true``) or another hire date.

Each shape's keys over ``config/config.yaml`` (:func:`shape_config`) are also written, by
``peermentor demo --write-test-configs``, to ``.test/config_<shape>/config.yaml``, so Snakemake runs
a shape the catalog way (``--configfile``); tests/workflow/test_shape_configs.py checks those files
are current and that :func:`apply_shape` gives the config Snakemake's merge of them gives.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from peermentor.errors import ConfigError

# The default of every shape key: the demo as it always was.
SHAPE_DEFAULTS: dict = {
    "families": None,
    "mentors": None,
    "defects": True,
    "no_shows": True,
    "exits": True,
    "sites": {},
    "shared_roster": None,
}

# Named shapes, each a small study of the issue-16 matrix (tests/workflow/test_shapes.py runs them).
SHAPES: dict[str, dict] = {
    "mixed_sites": {
        "description": "a clean site, a rural site with defects, a site under the minimum cell "
        "size, a site whose cases are all open, and a mentor two sites' shared roster both list",
        "sites": ["jefferson_1", "kenton_1", "perry_1", "daviess_1", "fayette_1"],
        "demo": {
            "families": 150,
            "mentors": 14,
            "sites": {
                "jefferson_1": {"defects": False, "weight": 0.35},
                "kenton_1": {"weight": 0.25},
                "perry_1": {"weight": 0.25},
                "daviess_1": {"weight": 0.04, "defects": False},
                "fayette_1": {"weight": 0.11, "open_share": 1.0, "defects": False},
            },
            "shared_roster": {"sites": ["jefferson_1", "kenton_1"], "agree": True},
        },
    },
    # No no-show or refusal anywhere (a constant predictor) shares this study: it touches only
    # the models, the two sites only the site-level test, no exits only the workforce.
    "plain_two_sites": {
        "description": "one urban and one rural site; no defects, no mentor exits, no no-show "
        "or refusal (a constant predictor)",
        "sites": ["jefferson_1", "perry_1"],
        "demo": {
            "families": 100,
            "mentors": 8,
            "defects": False,
            "exits": False,
            "no_shows": False,
        },
    },
    "one_urban_site": {
        "description": "one urban site with few mentors",
        "sites": ["jefferson_1"],
        "demo": {"families": 120, "mentors": 6},
    },
    "one_rural_site": {
        "description": "one rural site",
        "sites": ["perry_1"],
        "demo": {"families": 60, "mentors": 4, "defects": False},
    },
    # Enough sites that the site-level permutation test samples: C(10, 5) = 252 assignments
    # > stratify.n_permutations. (32 sites are tested on the functions,
    # tests/rural_urban/test_rural_urban.py.)
    "many_sites": {
        "description": "10 tiny sites (5 urban, 5 rural), no defects; the site-level "
        "permutation test samples 100 of the 252 assignments (a Monte Carlo test)",
        "sites": [f"{base}_{k}" for k in range(1, 6) for base in ("daviess", "perry")],
        "demo": {"families": 100, "mentors": 20, "defects": False},
        "config": {"stratify": {"n_permutations": 100}},
    },
    "roster_disagrees": {
        "description": "two sites' shared roster lists one mentor with different hire dates "
        "(the run stops with a clear error)",
        "sites": ["jefferson_1", "kenton_1"],
        "demo": {
            "families": 40,
            "mentors": 4,
            "defects": False,
            "shared_roster": {"sites": ["jefferson_1", "kenton_1"], "agree": False},
        },
    },
}


def shape_options(demo_cfg: dict) -> dict:
    """The shape keys of a ``demo:`` config, defaults filled in."""
    return {key: demo_cfg.get(key, default) for key, default in SHAPE_DEFAULTS.items()}


def is_default(options: dict) -> bool:
    return options == SHAPE_DEFAULTS


def site_defects(options: dict, site: str) -> bool:
    return bool(options["sites"].get(site, {}).get("defects", options["defects"]))


def clone_site(site_cfg: dict, k: int | str) -> dict:
    """Copy ``k`` of a site: own export files, own slice of a shared mentor roster."""
    site = site_cfg["site_id"]
    clone = copy.deepcopy(site_cfg)
    clone["site_id"] = f"{site}_{k}"
    for table in clone["tables"].values():
        table["path"] = table["path"].replace(f"data/raw/{site}/", f"data/raw/{site}_{k}/")
        if "redcap" in table:
            dictionary = table["redcap"]["dictionary"]
            table["redcap"]["dictionary"] = dictionary.replace(
                f"data/raw/{site}/", f"data/raw/{site}_{k}/"
            )
        if "filter" in table:
            table["filter"]["value"] = f"{table['filter']['value']}{k}"
    return clone


def write_site_copies(project_dir: Path, sites: list[str], sites_dir: str = "config/sites") -> None:
    """Write ``<demo site>_<n>.yaml`` for each copy in ``sites`` from the committed configs."""
    directory = Path(project_dir) / sites_dir
    for site in sites:
        base, _, k = site.rpartition("_")
        if (directory / f"{site}.yaml").exists() or not k.isdigit():
            continue
        source = directory / f"{base}.yaml"
        if not source.exists():
            raise ConfigError(f"{site}: no site config {source} to copy")
        clone = clone_site(yaml.safe_load(source.read_text()), k)
        (directory / f"{site}.yaml").write_text(yaml.safe_dump(clone, sort_keys=False))


def shape_config(name: str) -> dict:
    """The keys the named shape sets over the study's config/config.yaml.

    Every shape key is written (defaults included), so the shape does not depend on the demo
    settings of the config it is merged over.
    """
    if name not in SHAPES:
        raise ConfigError(f"unknown study shape {name!r}; known shapes: {sorted(SHAPES)}")
    shape = SHAPES[name]
    return merge_config(
        {
            "study": {"name": f"Study shape {name}: {shape['description']}"},
            "sites": list(shape["sites"]),
            "demo": {**SHAPE_DEFAULTS, **shape["demo"]},
        },
        shape.get("config", {}),  # study settings the shape needs
    )


def merge_config(config: dict, overrides: dict) -> dict:
    """``config`` with ``overrides`` merged in, as Snakemake merges a ``--configfile``.

    Mappings merge key by key, at every depth; any other value (a list, a scalar) replaces.
    """
    merged = copy.deepcopy(config)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def shape_config_text(name: str) -> str:
    """``.test/config_<name>/config.yaml``: the shape's keys, with how to run them."""
    header = (
        f"# Study shape {name}: {SHAPES[name]['description']}.\n"
        "# Generated from src/peermentor/demo/shapes.py by `peermentor demo --write-test-configs`\n"
        "# (tests/workflow/test_shape_configs.py checks it is current); do not edit by hand.\n"
        "# Run it in a copy of the project (docs/development.md, 'Running one study shape'):\n"
        f"#   peermentor demo --shape {name}\n"
        f"#   snakemake --profile profiles/default --configfile .test/config_{name}/config.yaml\n"
    )
    return header + yaml.safe_dump(shape_config(name), sort_keys=False)


def write_test_configs(project_dir: str | Path) -> list[Path]:
    """Write every shape's ``.test/config_<shape>/config.yaml``; returns the paths."""
    written = []
    for name in SHAPES:
        path = Path(project_dir) / ".test" / f"config_{name}" / "config.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(shape_config_text(name))
        written.append(path)
    return written


def apply_shape(project_dir: str | Path, name: str) -> dict:
    """Make the project at ``project_dir`` the named shape: site configs and config.yaml."""
    overrides = shape_config(name)
    config_path = Path(project_dir) / "config" / "config.yaml"
    config = merge_config(yaml.safe_load(config_path.read_text()), overrides)
    write_site_copies(Path(project_dir), config["sites"], config["sites_dir"])
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return config


# --- Applied to the simulated tables (pure functions on the canonical frames) -----------------
def without_missed_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """No no-shows and no refusals: only completed contacts."""
    return contacts[contacts["status"] == "completed"].reset_index(drop=True)


def without_exits(mentors: pd.DataFrame) -> pd.DataFrame:
    """Every mentor still employed at the cut-off."""
    return mentors.assign(
        end_date=pd.Series(pd.NaT, index=mentors.index, dtype=mentors["end_date"].dtype),
        exit_reason=pd.array(["still_employed"] * len(mentors), dtype=mentors["exit_reason"].dtype),
    )


def reopen_cases(families: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, int]:
    """Make ``share`` of the closed cases still open at the cut-off; returns them and how many.

    A case closed before it opened (an injected defect) stays as it is, so the defect is kept.
    """
    closed = families.index[families["case_close_date"] >= families["case_open_date"]]
    n = round(share * len(closed))
    picked = np.random.default_rng(seed).choice(closed, size=n, replace=False)
    families = families.copy()
    families.loc[picked, "case_close_date"] = pd.NaT
    families.loc[picked, "outcome_at_closure"] = pd.NA
    return families, n


def shared_mentor_row(mentors: pd.DataFrame, listed_by: str, agree: bool) -> pd.DataFrame:
    """A site's first mentor as site ``listed_by`` lists it (another hire date unless agreed)."""
    if mentors.empty:
        raise ConfigError("demo.shared_roster: the first site has no mentor to share")
    row = mentors.iloc[[0]].assign(site_id=listed_by)
    if not agree:
        row = row.assign(hire_date=row["hire_date"] - pd.Timedelta(days=45))
    return row
