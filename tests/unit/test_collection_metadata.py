# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's metadata agrees with its code."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import yaml

from ansible_collections.scalingo.cloud.plugins.doc_fragments.scalingo import ModuleDocFragment
from ansible_collections.scalingo.cloud.plugins.module_utils._options import scalingo_argument_spec
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import DATABASE_ID_OPTIONS
from ansible_collections.scalingo.cloud.plugins.module_utils._client import COLLECTION_VERSION
from tests.conftest import COLLECTION, MODULE_NAMES, REPO_ROOT, action_named, module_named


def test_the_modules_are_found() -> None:
    assert "scalingo_database" in MODULE_NAMES and "scalingo_database_info" in MODULE_NAMES


def test_the_action_group_lists_exactly_the_modules() -> None:
    runtime = yaml.safe_load((REPO_ROOT / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["scalingo"]) == list(MODULE_NAMES)


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_each_module_has_its_action_plugin(name: str) -> None:
    assert (REPO_ROOT / "plugins" / "action" / (name + ".py")).is_file(), "plugins/action/%s.py is missing" % name
    assert action_named(name).declaration is module_named(name).DECLARATION


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_each_module_has_its_reference_page(name: str) -> None:
    page = REPO_ROOT / "docs" / "modules" / ("%s.%s_module.rst" % (COLLECTION, name))
    assert page.is_file(), "%s is missing: run make docs" % page.relative_to(REPO_ROOT)


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_each_module_has_examples_of_itself_for_the_examples_test_to_run(name: str) -> None:
    tasks = yaml.safe_load(module_named(name).EXAMPLES)
    assert isinstance(tasks, list) and tasks, "%s has no EXAMPLES" % name
    assert any("%s.%s" % (COLLECTION, name) in task for task in tasks), "no example of %s uses it" % name


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_each_module_main_only_hands_its_declaration_over(name: str) -> None:
    source = inspect.getsource(module_named(name).main).strip().splitlines()
    assert source == ["def main() -> None:", "    DECLARATION.main()"]


def _comparable(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: spec.get(key) for key in ("type", "default", "choices", "required")}


def test_the_modules_about_a_database_take_its_ids_as_their_fragment_documents_them() -> None:
    documented = yaml.safe_load(ModuleDocFragment.DATABASE_IDS)["options"]
    assert {name: _comparable(option) for name, option in documented.items()} == {
        name: _comparable(option) for name, option in DATABASE_ID_OPTIONS.items()
    }


def test_the_doc_fragment_documents_the_shared_argument_spec() -> None:
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = scalingo_argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert _comparable(documented[name]) == _comparable(option), name
        assert option.get("no_log", False) == (name == "api_token"), name


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_each_module_documents_its_own_options(name: str) -> None:
    module = module_named(name)
    documentation = yaml.safe_load(module.DOCUMENTATION)
    documented = dict(documentation["options"])
    if "scalingo.cloud.scalingo.database_ids" in documentation["extends_documentation_fragment"]:
        documented.update(yaml.safe_load(ModuleDocFragment.DATABASE_IDS)["options"])
    own = dict(module.DECLARATION.options)
    assert sorted(documented) == sorted(own)
    for option_name, option in own.items():
        assert _comparable(documented[option_name]) == _comparable(option), option_name
    assert not set(own) & set(scalingo_argument_spec()), "a module option hides a connection option"


def _descriptions(node: Any) -> list[Any]:
    if isinstance(node, list):
        return [found for item in node for found in _descriptions(item)]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        if key == "description":
            found.extend(value if isinstance(value, list) else [value])
        else:
            found.extend(_descriptions(value))
    return found


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_description_is_text(name: str) -> None:
    # A ": " inside a sentence turns it into a mapping that YAML takes without a word.
    module = module_named(name)
    for document in (module.DOCUMENTATION, module.RETURN):
        assert all(isinstance(text, str) for text in _descriptions(yaml.safe_load(document))), name


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).split("."))


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_option_says_since_when_it_exists_never_before_its_module(name: str) -> None:
    document = yaml.safe_load(module_named(name).DOCUMENTATION)
    for option_name, option in document["options"].items():
        assert "version_added" in option, option_name
        assert _version(option["version_added"]) >= _version(document["version_added"]), option_name
    shared = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert all("version_added" in option for option in shared.values())


def test_the_role_says_since_when_it_exists() -> None:
    specs = yaml.safe_load((REPO_ROOT / "roles" / "databases" / "meta" / "argument_specs.yml").read_text())
    assert _version(specs["argument_specs"]["main"]["version_added"]) <= _version(COLLECTION_VERSION)
