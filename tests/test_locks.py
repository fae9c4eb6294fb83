"""The locks in requirements/ agree with pyproject.toml, and with each other (`make lock`)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

CHECKOUT = Path(__file__).resolve().parents[1]
LOCKS = CHECKOUT / "requirements"
#: Which extras each lock resolves (besides the base dependencies).
EXTRAS = {"dev.txt": ("hub", "inky", "dev", "postgres"), "hub.txt": ("hub",), "node.txt": ("inky",)}
#: Left out of a lock on purpose: on a Pi, spidev is Debian's python3-spidev (source only).
LEFT_OUT = {"node.txt": {"spidev"}}


def pyproject() -> dict[str, Any]:
    with (CHECKOUT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def pins(lock: str) -> dict[str, list[Version]]:
    """{package: its pinned versions} (several when markers split one by Python version)."""
    found: dict[str, list[Version]] = {}
    for line in (LOCKS / lock).read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "# -":
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        found.setdefault(canonicalize_name(requirement.name), []).append(Version(specifier.version))
    return found


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    project = pyproject()["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize("lock", sorted(EXTRAS))
def test_every_dependency_is_pinned_within_its_range(lock: str) -> None:
    locked = pins(lock)
    for requirement in wanted(EXTRAS[lock]):
        name = canonicalize_name(requirement.name)
        if name in LEFT_OUT.get(lock, set()):
            assert name not in locked
            continue
        assert name in locked, f"{lock} lacks {name}: run `make lock`"
        for version in locked[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {name}=={version} outside {requirement}: run `make lock`"
            )


@pytest.mark.parametrize("lock", ["hub.txt", "node.txt"])
def test_the_installs_pin_what_the_tests_run(lock: str) -> None:
    tested = pins("dev.txt")
    for name, versions in pins(lock).items():
        assert set(versions) <= set(tested[name]), f"{lock}: {name} {versions} vs dev.txt"


def test_the_linters_are_pinned_exactly() -> None:
    for requirement in wanted(("dev",)):
        if requirement.name in {"ruff", "mypy"}:
            assert [spec.operator for spec in requirement.specifier] == ["=="], requirement


def test_the_build_backend_is_the_locked_one() -> None:
    (backend,) = (Requirement(line) for line in pyproject()["build-system"]["requires"])
    assert backend.name == "setuptools"
    (locked,) = pins("dev.txt")["setuptools"]
    assert backend.specifier.contains(locked)
    assert backend.specifier.contains("77")  # the first with an SPDX `license`
    assert pyproject()["project"]["license"] == "MIT"
