# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's metadata agrees with its code."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
import yaml

from ansible_collections.scalingo.cloud.plugins.doc_fragments.scalingo import ModuleDocFragment
from ansible_collections.scalingo.cloud.plugins.module_utils._options import scalingo_argument_spec
from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database, scalingo_database_info
from tests.conftest import REPO_ROOT

MODULES_DIR = REPO_ROOT / "plugins" / "modules"


def test_the_action_group_lists_exactly_the_modules() -> None:
    runtime = yaml.safe_load((REPO_ROOT / "meta" / "runtime.yml").read_text())
    modules = sorted(path.stem for path in MODULES_DIR.glob("*.py") if path.stem != "__init__")
    assert sorted(runtime["action_groups"]["scalingo"]) == modules


def _comparable(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: spec.get(key) for key in ("type", "default", "choices", "required")}


def test_the_doc_fragment_documents_the_shared_argument_spec() -> None:
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = scalingo_argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert _comparable(documented[name]) == _comparable(option), name
        assert option.get("no_log", False) == (name == "api_token"), name


@pytest.mark.parametrize("module", [scalingo_database, scalingo_database_info], ids=lambda module: module.__name__.rsplit(".", 1)[-1])
def test_each_module_documents_its_own_options(module: ModuleType) -> None:
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    spec = module.argument_spec()
    own = {name: option for name, option in spec.items() if name not in scalingo_argument_spec()}
    assert sorted(documented) == sorted(own)
    for name, option in own.items():
        assert _comparable(documented[name]) == _comparable(option), name
