"""The package mirrors the study: stage folders, short modules, imports going downward only.

Layers, lowest first; a module may import its own layer and the ones below, never above:

    plumbing   contract, errors, io, runner, config
    ingest     read a site's export, pseudonymize, map (the ingest stage)
    clean      row rules and quarantine, the sites combined (the clean stage)
    analysis   the study's measures and models (P1-P6; one module or folder per stage)
    publish    disclosure control, replication table, manifest, the attacker's audit
    notebooks  reader-facing wording and values, notebook execution and HTML
    figures    the figures (they label and read published values as the notebooks do)
    entry      onboard (site tools), demo (the generated study), cli

Only ``demo`` may import ``demo``: the study's code never depends on the simulator.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src/peermentor"
MAX_LINES = 450
MAX_TOP_MODULES = 10
PLUMBING = ("contract", "errors", "io", "runner", "config")
LAYERS = {
    **dict.fromkeys(PLUMBING, 0),
    "ingest": 1,
    "clean": 2,
    "analysis": 3,
    "publish": 4,
    "notebooks": 5,
    "figures": 6,
    "onboard": 7,
    "demo": 7,
    "cli": 7,
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def top_name(path: Path) -> str:
    """The layer-deciding name: the first folder (or module) under peermentor/."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    """Top names of peermentor imported by a module (at module level or inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "peermentor":
                if len(parts) > 1:
                    names.add(parts[1])
                else:
                    names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "peermentor" and len(parts) > 1:
                    names.add(parts[1])
    return names


def test_every_module_is_short():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_few_modules_at_the_top_of_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_every_top_name_has_a_layer():
    names = {top_name(p) for p in modules()} - {"__init__"}
    assert names <= set(LAYERS), f"place these in LAYERS (and README): {names - set(LAYERS)}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downward_only(path):
    own = top_name(path)
    if own == "__init__":
        return
    upward = {n for n in imported(path) if n in LAYERS and LAYERS[n] > LAYERS[own]}
    assert not upward, f"{own} (layer {LAYERS[own]}) imports {upward} from a higher layer"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_demo_imports_the_demo(path):
    if top_name(path) != "demo":
        assert "demo" not in imported(path)


def test_the_layer_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from peermentor import contract\n"
        "def f():\n"
        "    from peermentor.figures import x\n"
        "    import peermentor.demo.build\n"
    )
    assert imported(module) == {"contract", "figures", "demo"}
