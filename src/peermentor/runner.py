"""Running one rule's job with a log and a clear message instead of a traceback; its code."""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from peermentor.errors import PeermentorError
from peermentor.io import atomic_path

log = logging.getLogger("peermentor")


def run_step(smk: Any, job: Callable[..., None], name: str | None = None) -> None:
    """Run a rule's job, ``job(smk.input, smk.output, smk.params)``, logging to ``smk.log[0]``.

    ``smk`` is the ``snakemake`` object Snakemake gives the rule's script (workflow/scripts/),
    or the one the single-process baseline builds from Snakemake's DAG: anything with the
    rule's ``input``, ``output``, ``params``, ``log``, ``rule`` and ``wildcards``. On a
    PeermentorError the message (file, row, column, value, config key) is logged and the
    process exits 1: a clear message, not a traceback.
    """
    name = name or " ".join([smk.rule, *map(str, dict(smk.wildcards.items()).values())])
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if smk.log:
        Path(smk.log[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(smk.log[0], mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", handlers=handlers, force=True
    )
    started = time.perf_counter()
    log.info("%s: started", name)
    try:
        job(smk.input, smk.output, smk.params)
    except PeermentorError as err:
        log.error("%s: FAILED\n%s", name, err)
        logging.shutdown()
        sys.exit(1)
    log.info("%s: done in %.1f s", name, time.perf_counter() - started)


def cancel_rescheduling_timers() -> int:
    """Let a Snakemake run exit as soon as its workflow is done (the Snakefile's onsuccess).

    After every scheduling pass Snakemake 9 starts a ``threading.Timer`` that wakes its
    scheduler a second later (its job rate limit, ``--max-jobs-per-timespan``, 100/1s by
    default; a shorter span cannot be set: its pattern reads ``100/100ms`` as 100 minutes).
    Timers are not daemon threads, so at exit Python waits for the last one: about 1 s after
    the last job, at every scale. Once the workflow finished there is nothing left to
    schedule. Only those timers are cancelled; returns how many.
    """
    cancelled = 0
    for thread in threading.enumerate():
        function = getattr(thread, "function", None)
        if isinstance(thread, threading.Timer) and "_schedule_reevalutation" in getattr(
            function, "__qualname__", ""
        ):
            thread.cancel()
            cancelled += 1
    return cancelled


# --- The code a step runs: its package modules are inputs of the rule ---------------------------

PACKAGE_DIR = Path(__file__).resolve().parent


def code_files(*scripts: str | Path, cache: str | Path | None = None) -> list[str]:
    """The package's source files that ``scripts`` import, directly or through other modules.

    A workflow rule lists them as inputs, so editing any module its step runs reruns the step
    (and what follows), and nothing it runs is left out. Read from the source with ``ast``:
    nothing is imported. Imports inside functions count; a notebook counts by its code cells.

    ``cache``: a JSON file of the imports found in each source, by the source's SHA-256.
    Parsing the package's 120 modules is about a tenth of every Snakemake process's start
    (run, dry run, report, each cluster job); with the cache only a changed source is parsed.
    """
    imports = _ImportsCache.at(cache)
    todo = [Path(script) for script in scripts]
    seen: set[Path] = set()
    while todo:
        for module in imports.of(todo.pop()):
            for file in _module_files(module):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
    imports.save()
    return sorted(str(file) for file in seen)


_IMPORTS_CACHES: dict[Path | None, _ImportsCache] = {}  # one per cache file and process


class _ImportsCache:
    """The package modules each source imports, by the source's SHA-256, kept in a JSON file.

    Keyed by content, so an edited source is parsed again whatever its date. The file names
    the walker that filled it (this module's digest): a file of another version of the walker
    counts as empty. One per file and process; an unreadable file counts as empty, and a file
    that cannot be written is left as it was (the cache only saves time). Written atomically:
    two Snakemake processes (the two reports) may save at once.
    """

    MAX_ENTRIES = 2000  # the newest are kept: old versions of edited modules drop out

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[str]] = self._read(path) if path else {}
        self.parsed: dict[Path, frozenset[str]] = {}  # this process's, by source file
        self.changed = False

    @classmethod
    def at(cls, path: str | Path | None) -> _ImportsCache:
        key = Path(path).resolve() if path else None
        if key not in _IMPORTS_CACHES:
            _IMPORTS_CACHES[key] = cls(key)
        return _IMPORTS_CACHES[key]

    @staticmethod
    def _read(path: Path) -> dict[str, list[str]]:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            walker, entries = cached["walker"], cached["imports"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        return entries if walker == _walker_id() and isinstance(entries, dict) else {}

    def of(self, path: Path) -> frozenset[str]:
        """Read once per process: every rule of the workflow walks the same modules."""
        if path not in self.parsed:
            source = _source(path)
            key = hashlib.sha256(source.encode("utf-8")).hexdigest()
            found = self.entries.get(key)
            if not isinstance(found, list):
                found = sorted(_imported_modules(source))
                self.entries[key] = found
                self.changed = True
            self.parsed[path] = frozenset(found)
        return self.parsed[path]

    def save(self) -> None:
        if not (self.path and self.changed):
            return
        kept = dict(list(self.entries.items())[-self.MAX_ENTRIES :])
        text = json.dumps({"walker": _walker_id(), "imports": kept}, indent=0)
        try:
            with atomic_path(self.path) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except OSError:
            return
        self.changed = False


@functools.cache
def _walker_id() -> str:
    """This module's own digest, written in the imports cache: entries found by an earlier
    version of the walker (``_imported_modules``) are never taken for this one's."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _source(path: Path) -> str:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _imported_modules(source: str) -> set[str]:
    """Dotted names under ``peermentor`` that the source imports (or imports names from)."""
    names = set()
    for node in _statements(ast.parse(source).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from peermentor import figures` imports the module figures too.
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "peermentor"}


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included (an import is a statement, never inside an
    expression): about a tenth of the nodes ``ast.walk`` visits."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            nested = getattr(node, field, None)
            if isinstance(nested, list):
                yield from _statements(nested)


@functools.cache
def _module_files(dotted: str) -> list[Path]:
    """A module's file and every package ``__init__.py`` on its way (importing runs them)."""
    files, here = [PACKAGE_DIR / "__init__.py"], PACKAGE_DIR
    for part in dotted.split(".")[1:]:
        here = here / part
        if (here / "__init__.py").is_file():
            files.append(here / "__init__.py")
        elif here.with_suffix(".py").is_file():
            files.append(here.with_suffix(".py"))
            break
        elif not here.is_dir():  # a function or constant imported from the module before it
            break
    return files
