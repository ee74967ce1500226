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
    assert {"name": "scalingo.cloud"} in requirements["collections"]
    [containerfile] = [path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile")]
    assert "ansible-galaxy collection install" in containerfile.read_text()
