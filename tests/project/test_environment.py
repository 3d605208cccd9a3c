"""The environment files agree: pyproject pins == environment.yml pins == lock file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def specs(*extras: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + [
        spec for extra in extras for spec in project["optional-dependencies"][extra]
    ]


def pyproject_pins(*extras: str) -> dict[str, str]:
    """Pins of the dependencies and the given extras (default: dev, what environment.yml has)."""
    pins = {}
    for spec in specs(*(extras or ("dev",))):
        name, version = spec.split("==")
        pins[_normal(name)] = version
    return pins


def test_every_dependency_is_pinned():
    for spec in specs("dev", "cluster"):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", spec), spec


def test_environment_yml_has_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            conda[_normal(name)] = version
        elif isinstance(dep, dict):  # the pip section: PyPI-only wheels, then the package
            for spec in dep["pip"]:
                if "==" in spec:
                    name, version = spec.split("==")
                    conda[_normal(name)] = version
    conda.pop("python")
    assert conda == pyproject_pins()


def test_environment_yml_installs_the_package():
    """Rules name environment.yml as their conda env: it must install peermentor itself."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip


def test_lock_file_agrees_with_pyproject():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[_normal(name)] = version
    # `make install-cluster` installs .[dev,cluster] under the same constraints.
    for name, version in pyproject_pins("dev", "cluster").items():
        assert lock.get(name) == version, name
