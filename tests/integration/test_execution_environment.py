# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ansible-builder sees what an execution environment needs for this collection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent


def run(*command: str) -> str:
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout


def test_ansible_builder_finds_the_collections_python_requirements(tmp_path: Path) -> None:
    run(str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(REPO_ROOT))
    [tarball] = tmp_path.glob("scalingo-cloud-*.tar.gz")
    run(str(BIN / "ansible-galaxy"), "collection", "install", "-p", str(tmp_path / "collections"), str(tarball))

    found = yaml.safe_load(run(str(BIN / "ansible-builder"), "introspect", str(tmp_path / "collections")))

    assert [line for line in found["python"] if "from collection scalingo.cloud" in line] == [
        "requests>=2.28  # from collection scalingo.cloud"
    ]
    assert found["system"] == []


def test_ansible_builder_writes_the_build_context_of_the_example(tmp_path: Path) -> None:
    context = tmp_path / "context"

    run(str(BIN / "ansible-builder"), "create", "-f", str(REPO_ROOT / "examples" / "execution-environment.yml"),
        "--context", str(context))

    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"name": "scalingo.cloud", "version": ">=1.0.0,<2.0.0"} in requirements["collections"]
    [containerfile] = [path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile")]
    assert "ansible-galaxy collection install" in containerfile.read_text()


def test_the_execution_environments_build_on_a_supported_base_with_a_pinned_core() -> None:
    for name in ("execution-environment.yml", "execution-environment-local.yml"):
        definition = yaml.safe_load((REPO_ROOT / "examples" / name).read_text())
        assert definition["images"]["base_image"]["name"] == "quay.io/centos/centos:stream10", name
        assert definition["dependencies"]["ansible_core"]["package_pip"] == "ansible-core>=2.21,<2.22", name


def test_ansible_builder_takes_the_collection_from_a_local_tarball(tmp_path: Path) -> None:
    dist = REPO_ROOT / "build" / "dist"
    version = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())["version"]
    tarball = dist / ("scalingo-cloud-%s.tar.gz" % version)
    if not tarball.is_file():
        run(str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(dist), str(REPO_ROOT))
    context = tmp_path / "context"

    run(str(BIN / "ansible-builder"), "create", "-f", str(REPO_ROOT / "examples" / "execution-environment-local.yml"),
        "--context", str(context))

    # The tarball of this version is in the build context, where the galaxy requirement looks for it.
    assert (context / "_build" / "collections" / tarball.name).is_file()
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"] == [{"name": "/build/collections/" + tarball.name, "type": "file"}]
    [containerfile] = [path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile")]
    assert "COPY _build /build" in containerfile.read_text()
