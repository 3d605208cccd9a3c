"""runner.code_files: the package modules a workflow script runs (the rules' code inputs)."""

from __future__ import annotations

import json
from pathlib import Path

from peermentor import runner
from peermentor.runner import PACKAGE_DIR, code_files


def rel(files: list[str]) -> set[str]:
    return {str(Path(f).relative_to(PACKAGE_DIR)) for f in files}


def test_a_module_its_packages_and_what_it_imports(tmp_path):
    script = tmp_path / "step.py"
    script.write_text("from peermentor.ingest.rurality import describe_coding\n")
    # rurality imports nothing of the package: its own file, and each package __init__.py.
    assert rel(code_files(script)) == {"__init__.py", "ingest/__init__.py", "ingest/rurality.py"}


def test_imports_are_followed_through_modules_and_inside_functions(tmp_path):
    script = tmp_path / "step.py"
    script.write_text("def main():\n    from peermentor import figures\n")
    files = rel(code_files(script))
    assert "figures/__init__.py" in files  # `from package import module`
    assert "figures/outcome.py" in files  # re-exported by the package
    assert "demo/simulate.py" not in files
    # `peermentor demo` imports the generator inside its function (the module itself imports
    # no package code): the generator's code counts.
    command = tmp_path / "demo_step.py"
    command.write_text("from peermentor.demo import command\n")
    assert {"demo/build.py", "demo/simulate.py"} <= rel(code_files(command))


def test_a_notebook_counts_by_its_code_cells(tmp_path):
    notebook = tmp_path / "n.ipynb"
    cells = [
        {"cell_type": "markdown", "source": ["from peermentor.demo import build\n"]},
        {"cell_type": "code", "source": ["from peermentor.ingest import rurality\n"]},
    ]
    notebook.write_text(json.dumps({"cells": cells}))
    assert rel(code_files(notebook)) == {"__init__.py", "ingest/__init__.py", "ingest/rurality.py"}


def test_other_packages_are_ignored(tmp_path):
    script = tmp_path / "step.py"
    script.write_text("import pandas as pd\nfrom pathlib import Path\n")
    assert code_files(script) == []


def test_imports_nested_in_any_statement_count_and_none_in_expressions_is_missed(tmp_path):
    # Statements only are walked (an import is never inside an expression): every block kind
    # that holds statements is reached; the same modules as a walk over every node.
    script = tmp_path / "step.py"
    script.write_text(
        "import ast\n"
        "try:\n    import peermentor.ingest.rurality\n"
        "except ImportError:\n    from peermentor.io import write_csv\n"
        "else:\n    pass\n"
        "finally:\n    from peermentor import errors\n"
        "class Step:\n    def run(self):\n        with open('x') as f:\n"
        "            for _ in f:\n                if True:\n                    pass\n"
        "                else:\n                    from peermentor import contract\n"
        "match 1:\n    case 1:\n        from peermentor.config import read\n"
        "while False:\n    pass\nelse:\n    import peermentor.runner\n"
    )
    files = rel(code_files(script))
    expected = {"ingest/rurality.py", "io.py", "errors.py", "contract.py", "config/read.py"}
    assert expected | {"runner.py"} <= files


def test_a_package_that_loads_its_names_on_first_use_still_counts_its_modules(tmp_path):
    # peermentor.notebooks loads its helpers on first use (PEP 562), so nothing imports them
    # at the top of the package; a notebook that calls `narrative.site_rows(...)` still runs
    # notebooks/site.py, and editing it must rerun the notebook.
    notebook = tmp_path / "n.ipynb"
    cells = [{"cell_type": "code", "source": ["from peermentor import notebooks as narrative\n"]}]
    notebook.write_text(json.dumps({"cells": cells}))
    import peermentor.notebooks as package

    helpers = {f"notebooks/{module}.py" for module in set(package._MODULE_OF.values())}
    assert {"notebooks/site.py", "notebooks/values.py"} <= helpers
    assert helpers <= rel(code_files(notebook))  # every module a name is loaded from


# --- the imports cache: what each source imports, by its content -------------------------------


def new_process(monkeypatch):
    """Forget this process's caches, as a new Snakemake process starts without them."""
    monkeypatch.setattr(runner, "_IMPORTS_CACHES", {})


def test_a_cached_walk_gives_the_same_files_and_parses_nothing_unchanged(tmp_path, monkeypatch):
    cache = tmp_path / ".snakemake" / "peermentor" / "imports.json"
    script = tmp_path / "step.py"
    script.write_text("from peermentor import figures\nfrom peermentor.demo import command\n")
    new_process(monkeypatch)
    uncached = code_files(script)
    new_process(monkeypatch)
    assert code_files(script, cache=cache) == uncached
    assert cache.is_file()

    new_process(monkeypatch)
    parsed = []
    real = runner._imported_modules
    monkeypatch.setattr(runner, "_imported_modules", lambda s: parsed.append(s) or real(s))
    assert code_files(script, cache=cache) == uncached
    assert parsed == []  # every source found in the cache by its content

    # An edited source is parsed again, whatever its date, and what it imports now followed.
    script.write_text("from peermentor import figures\n")
    new_process(monkeypatch)
    files = rel(code_files(script, cache=cache))
    assert parsed == [script.read_text()]
    assert "figures/outcome.py" in files and "demo/simulate.py" not in files


def test_a_broken_or_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    script = tmp_path / "step.py"
    script.write_text("from peermentor.ingest.rurality import describe_coding\n")
    expected = {"__init__.py", "ingest/__init__.py", "ingest/rurality.py"}
    broken = tmp_path / "imports.json"
    for text in ("{not json", '{"imports": []}', '{"imports": {"%s": 3}}' % ("0" * 64), "[]"):
        broken.write_text(text)
        new_process(monkeypatch)
        assert rel(code_files(script, cache=broken)) == expected
    assert "peermentor.ingest.rurality" in broken.read_text()  # rewritten
    # A cache in a place that cannot be written (its folder is a file): no error.
    new_process(monkeypatch)
    assert rel(code_files(script, cache=broken / "imports.json")) == expected


def test_entries_of_another_version_of_the_walker_are_not_taken(tmp_path, monkeypatch):
    # A cache written by an earlier runner.py (whose walker may have found other imports)
    # sits in .snakemake/ of every project: its entries must not be read as this one's.
    cache = tmp_path / "imports.json"
    script = tmp_path / "step.py"
    script.write_text("from peermentor.ingest.rurality import describe_coding\n")
    new_process(monkeypatch)
    monkeypatch.setattr(runner, "_walker_id", lambda: "an earlier runner.py")
    monkeypatch.setattr(runner, "_imported_modules", lambda source: {"peermentor.demo"})
    assert "demo/__init__.py" in rel(code_files(script, cache=cache))
    monkeypatch.undo()
    new_process(monkeypatch)
    assert rel(code_files(script, cache=cache)) == {
        "__init__.py",
        "ingest/__init__.py",
        "ingest/rurality.py",
    }
