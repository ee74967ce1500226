# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The awx.awx task of docs/awx.md hands AWX the credential type's injector as written, not templated by Ansible."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import ANSIBLE_PLAYBOOK


def the_documented_play() -> dict[str, object]:
    guide = (REPO_ROOT / "docs" / "awx.md").read_text()
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", guide, re.S)]
    [play] = [block[0] for block in blocks if isinstance(block, list) and "awx.awx.credential_type" in str(block)]
    return play


def test_the_documented_task_passes_the_injector_templates_through_unrendered(tmp_path: Path) -> None:
    play = the_documented_play()
    [task] = play["tasks"]  # type: ignore[misc]
    arguments = task["awx.awx.credential_type"]
    # The same arguments, templated as module arguments are, written to a file (copy turns a mapping into JSON)
    # instead of sent to AWX, which is not here.
    copy = {"name": "Write what awx.awx would send", "ansible.builtin.copy": {
        "content": {key: value for key, value in arguments.items() if key != "state"},
        "dest": str(tmp_path / "sent.json")}}
    shutil.copytree(REPO_ROOT / "awx", tmp_path / "awx")
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([dict(play, tasks=[copy])]))

    completed = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), str(playbook), "-i", "localhost,", "-c", "local",
         "-e", "ansible_python_interpreter=%s" % sys.executable],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False)

    assert completed.returncode == 0, completed.stdout
    sent = json.loads((tmp_path / "sent.json").read_text())
    [expected] = yaml.safe_load((REPO_ROOT / "awx" / "scalingo-credential-type.yml").read_text())["credential_types"]
    assert sent == {key: expected[key] for key in ("name", "description", "kind", "inputs", "injectors")}
    assert sent["injectors"]["env"]["SCALINGO_API_TOKEN"] == "{{ api_token }}"
