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
