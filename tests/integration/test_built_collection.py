# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tarball users install ships what they need, nothing of the developer's tree, and works."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.conftest import IN_WORKER, ON_TARGET, RunPlaybook
from tests.simulator import RunningSimulator

ANSIBLE_GALAXY = Path(sys.executable).parent / "ansible-galaxy"
SHIPPED = [
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "CHANGELOG.md",
    "requirements.txt",
    "meta/runtime.yml",
    "docs/guide.md",
    "examples/provision.yml",
    # Every plugin: modules, their helpers, actions and doc fragments.
    *sorted(
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "plugins").rglob("*.py")
        if "__pycache__" not in path.parts
    ),
]
NOT_SHIPPED_PREFIXES = (".venv", ".git", ".ci", ".pytest_cache", ".hypothesis", "build/", "tests/output", "Makefile", "scripts/")


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(ANSIBLE_GALAXY), "collection", "build", "--output-path", str(output), str(REPO_ROOT)],
        check=True, stdout=subprocess.DEVNULL,
    )
    [built] = output.glob("scalingo-cloud-*.tar.gz")
    return built


def test_the_tarball_ships_what_users_need_and_nothing_else(tarball: Path) -> None:
    with tarfile.open(tarball) as archive:
        names = archive.getnames()

    assert [name for name in SHIPPED if name not in names] == []
    assert [name for name in names if name.startswith(NOT_SHIPPED_PREFIXES) or "__pycache__" in name] == []


@pytest.mark.parametrize("runs_in", [IN_WORKER, ON_TARGET])
def test_the_installed_tarball_runs_the_integration_playbook(
    tarball: Path, simulator: RunningSimulator, run_playbook: RunPlaybook, tmp_path: Path, runs_in: str
) -> None:
    collections = tmp_path / "collections"
    subprocess.run(
        [str(ANSIBLE_GALAXY), "collection", "install", "-p", str(collections), str(tarball)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    installed = collections / "ansible_collections" / "scalingo" / "cloud"
    assert not installed.is_symlink() and (installed / "MANIFEST.json").is_file()

    run = run_playbook(
        "database.yml", collections_path=collections, db_name="orders-production", db_plan="postgresql-dr-starter-4096",
        expect_changed="true",
    )

    assert run.succeeded, run.output
    if runs_in == ON_TARGET:
        assert str(installed) in run.output  # -vvv names the module file it ran
    # In the worker, run_playbook has checked that no module was sent: the installed action plugin ran the task.
    assert len(simulator.app.databases()) == 1
