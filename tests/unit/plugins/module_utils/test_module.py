# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A module declared once behaves the same on both execution paths: in its own process and in Ansible's worker."""

from __future__ import annotations

from typing import Any, Callable
from unittest import mock

import pytest
import responses
from ansible.module_utils.common import arg_spec, validation

from ansible_collections.scalingo.cloud.plugins.module_utils._module import INFINITE_NUMBER, ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.modules import scalingo_database_settings
from ansible_collections.scalingo.cloud.plugins.plugin_utils._action import run_in_worker
from tests.unit.conftest import ModuleOutcome, run_main
from tests.unit.helpers import API_TOKEN, CONNECTION_ARGS

RunModule = Callable[..., ModuleOutcome]
NAME = "orders-production"

ACTION = "scalingo.cloud.scalingo_example"


class Recorder:
    """The logic of a module declared for these tests: it records what it was given and sends nothing."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Any) -> dict[str, Any]:
        self.calls.append(dict(params, check_mode=check_mode, diff=diff))
        warn("the logic's own warning")
        return {"changed": False, "colour": params["colour"]}


def declare(**constraints: Any) -> tuple[ModuleDeclaration, Recorder]:
    logic = Recorder()
    declaration = ModuleDeclaration(
        options=dict(
            colour=dict(
                type="str",
                aliases=["color"],
                deprecated_aliases=[dict(name="color", version="2.0.0", collection_name="scalingo.cloud")],
            ),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            size=dict(type="int"),
            shape=dict(type="str", choices=["round", "square"]),
        ),
        logic=logic,
        **constraints,
    )
    return declaration, logic


def both_paths(declaration: ModuleDeclaration, args: dict[str, Any], check_mode: bool = False) -> tuple[ModuleOutcome, dict[str, Any]]:
    arguments = dict(CONNECTION_ARGS, **args)
    in_module = run_main(declaration.main, arguments, check_mode=check_mode)
    in_worker = run_in_worker(declaration, ACTION, arguments, check_mode, False, {})
    return in_module, in_worker


@pytest.mark.parametrize(
    "constraint, args, message",
    [
        ({"required_if": [["state", "present", ["colour"]]]}, {}, "state is present but all of the following are missing: colour"),
        ({"mutually_exclusive": [["size", "shape"]]}, {"colour": "red", "size": 3, "shape": "round"}, "parameters are mutually exclusive: size|shape"),
        ({"required_together": [["size", "shape"]]}, {"colour": "red", "size": 3}, "parameters are required together: size, shape"),
        ({"required_one_of": [["size", "shape"]]}, {"colour": "red"}, "one of the following is required: size, shape"),
        ({"required_by": {"size": ["shape"]}}, {"colour": "red", "size": 3}, "missing parameter(s) required by 'size': shape"),
    ],
    ids=["required_if", "mutually_exclusive", "required_together", "required_one_of", "required_by"],
)
def test_a_constraint_declared_once_is_enforced_on_both_paths_with_the_same_message(
    api: responses.RequestsMock, constraint: dict[str, Any], args: dict[str, Any], message: str
) -> None:
    declaration, logic = declare(**constraint)

    in_module, in_worker = both_paths(declaration, args)

    assert in_module.failed and in_module.result["msg"] == message
    assert in_worker["failed"] is True and in_worker["msg"] == message
    assert logic.calls == [] and len(api.calls) == 0


def test_without_the_constraint_the_same_options_reach_the_logic_on_both_paths() -> None:
    declaration, logic = declare()

    in_module, in_worker = both_paths(declaration, {"size": 3})

    assert not in_module.failed and not in_worker.get("failed")
    assert len(logic.calls) == 2 and logic.calls[0] == logic.calls[1]


def test_the_validators_warnings_and_deprecations_are_returned_as_the_module_returns_them() -> None:
    declaration, _logic = declare()
    with mock.patch.object(arg_spec, "warn") as module_warn, mock.patch.object(arg_spec, "deprecate") as module_deprecate:
        in_module, in_worker = both_paths(declaration, {"colour": "red", "color": "blue"})

    assert not in_module.failed and not in_worker.get("failed")
    [(warned, _options)] = [(call.args, call.kwargs) for call in module_warn.call_args_list]
    assert in_worker["warnings"] == [warned[0], "the logic's own warning"]
    assert in_worker["warnings"][0] == "Both option colour and its alias color are set."
    [deprecation] = in_worker["deprecations"]
    # ansible-core before 2.19 passes the message as the first argument, later ones by name.
    deprecated = module_deprecate.call_args
    module_message = deprecated.kwargs["msg"] if "msg" in deprecated.kwargs else deprecated.args[0]
    assert deprecation == {"msg": module_message, "version": "2.0.0", "date": None, "collection_name": "scalingo.cloud"}
    assert deprecation["msg"] == "Alias 'color' is deprecated. See the module docs for more information"


def test_a_module_without_check_mode_is_skipped_in_check_mode_on_both_paths() -> None:
    declaration, logic = declare(supports_check_mode=False)

    in_module, in_worker = both_paths(declaration, {"colour": "red"}, check_mode=True)

    assert in_module.result["skipped"] is True and in_worker["skipped"] is True
    assert in_worker["msg"] == in_module.result["msg"].replace("(basic.py)", "(%s)" % ACTION)
    assert logic.calls == []


def test_every_free_text_option_is_refused_blank_on_both_paths_before_the_logic_runs() -> None:
    declaration, logic = declare()

    in_module, in_worker = both_paths(declaration, {"colour": "  "})

    message = "Option colour must not be empty: give a value or leave it out."
    assert in_module.result["msg"] == message and in_worker["msg"] == message
    assert logic.calls == []


def test_an_empty_api_url_means_not_set() -> None:
    declaration, logic = declare()

    in_module, in_worker = both_paths(declaration, {"colour": "red", "api_url": ""})

    assert not in_module.failed and not in_worker.get("failed")
    assert len(logic.calls) == 2


def test_the_insecure_settings_warning_comes_from_the_shared_start_on_both_paths() -> None:
    declaration, _logic = declare()

    in_module, in_worker = both_paths(declaration, {"colour": "red", "validate_certs": False})

    assert in_module.warnings[0].startswith("validate_certs is false")
    assert in_worker["warnings"][0] == in_module.warnings[0]
    assert API_TOKEN not in str(in_worker)


def test_an_infinite_whole_number_fails_with_a_sentence_on_both_paths(run_module: RunModule) -> None:
    # YAML's .inf reaches the module as a float that ansible-core's int check cannot convert.
    outcome = run_module(scalingo_database_settings.main, dict(CONNECTION_ARGS, database=NAME, maintenance_hour=float("inf")))

    assert outcome.failed
    assert outcome.result["msg"] == infinite_whole_number_message("maintenance_hour")
    assert API_TOKEN not in outcome.text


def infinite_whole_number_message(option: str) -> str:
    """What this ansible-core line says of an infinite float given for an int option.

    Lines before 2.19 refuse every float with their own sentence; later ones try int() and raise
    OverflowError, which the collection turns into its own sentence.
    """
    try:
        validation.check_type_int(float("inf"))
    except OverflowError:
        return INFINITE_NUMBER
    except TypeError as refusal:
        return "argument '%s' is of type <class 'float'> and we were unable to convert to int: %s" % (option, refusal)
    raise AssertionError("this ansible-core line takes an infinite float as an int")


@pytest.mark.parametrize("result, holds", [
    ({"changed": False}, False),
    ({"password": None}, False),
    ({"password": "generated"}, True),
    ({"databases": [{"name": "a", "url": None}, {"name": "b"}]}, False),
    ({"databases": [{"name": "a"}, {"name": "b", "url": "postgres://u:p@h/d"}]}, True),
    ({"databases": "not a list"}, False),
])
def test_a_result_holds_a_secret_at_a_key_or_in_the_items_of_a_list(result: dict[str, Any], holds: bool) -> None:
    declaration = ModuleDeclaration(options={}, logic=Recorder(), secret_results=("password", "databases[].url"))

    assert declaration.holds_secrets(result) is holds
