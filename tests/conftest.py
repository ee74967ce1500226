# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Make the working tree importable as ``ansible_collections.scalingo.cloud``.

Modules import their helpers by that full name, as Ansible does. A link under
build/ gives the tree that name without copying it, so tests always run the
code as it is now. The simulator is imported as ``tests.simulator``.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = REPO_ROOT / "build" / "pytest-collections"


def _link_collection() -> None:
    link = COLLECTIONS_ROOT / "ansible_collections" / "scalingo" / "cloud"
    if link.is_symlink() and link.resolve() == REPO_ROOT:
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    try:
        os.symlink(REPO_ROOT, link, target_is_directory=True)
    except FileExistsError:  # another test worker made it at the same moment
        pass


_link_collection()
for path in (str(COLLECTIONS_ROOT), str(REPO_ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)

# The collection's modules, found in plugins/modules: a test that covers every module takes them from here.
MODULE_NAMES = tuple(
    sorted(path.stem for path in (REPO_ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
)
COLLECTION = "scalingo.cloud"


def module_named(name: str) -> ModuleType:
    return importlib.import_module("ansible_collections.scalingo.cloud.plugins.modules." + name)


def action_named(name: str) -> Any:
    """The action plugin class Ansible runs for module ``name``."""
    return importlib.import_module("ansible_collections.scalingo.cloud.plugins.action." + name).ActionModule


# The two tiers of the suite (see CONTRIBUTING). What depends on ansible-core (the modules' wrappers on both
# execution paths, the action plugins, loops in the worker, the role's templating, the callbacks' censoring, check
# mode) runs on every ansible-core line; the rest (the client, the simulator, requests, the API's shapes) depends on
# none of it and runs once, on the newest line (scripts/test.sh). A test outside these files joins the every-line
# tier with @pytest.mark.every_line.
EVERY_LINE_FILES = (
    "tests/unit/plugins/modules/",
    "tests/unit/plugins/action/",
    "tests/unit/plugins/module_utils/test_module.py",
    "tests/unit/test_collection_metadata.py",
    "tests/unit/test_role_entries.py",
    "tests/integration/test_playbooks.py",
    "tests/integration/test_where_modules_run.py",
    "tests/integration/test_loops.py",
    "tests/integration/test_secrets_never_shown.py",
)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    import pytest

    for item in items:
        where = Path(str(item.fspath)).resolve().relative_to(REPO_ROOT).as_posix()
        if where.startswith(EVERY_LINE_FILES):
            item.add_marker(pytest.mark.every_line)
