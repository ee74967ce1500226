# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one declaration of a scalingo.cloud module, which both of its execution paths read.

Private to the scalingo.cloud collection. A module's logic runs in one of two
places: in the module's own process on its target, through ``AnsibleModule``
(``ModuleDeclaration.main``), or, for a task on the controller, in Ansible's
worker (the collection's action plugins). Both take from the module's
``ModuleDeclaration`` its options and every constraint between them, whether
it supports check mode, and ``run``: the checks all modules share, then the
module's own logic. A module file holds its documentation, its logic and its
declaration; its ``main()`` only hands the declaration over.

This file is where module_utils meets Ansible's module API: it alone builds an
``AnsibleModule``; the logic it runs knows only parameters and results.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.scalingo.cloud.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.scalingo.cloud.plugins.module_utils._options import (
    insecure_settings_warning,
    invalid_input_reason,
    scalingo_argument_spec,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed

# typing's names rather than dict[...] here: these aliases are evaluated when the file loads, on a target's
# Python too.
Params = Dict[str, Any]
Result = Dict[str, Any]
Warn = Callable[[str], None]
# A module's own logic: (validated params, check_mode, diff, warn) -> the task's result; raises TaskFailed.
Logic = Callable[[Params, bool, bool, Warn], Result]
InputCheck = Callable[[Params], Optional[str]]


# ansible-core's check of an int option raises OverflowError on an infinite float (YAML's .inf) instead of failing.
INFINITE_NUMBER = "An option that takes a whole number was given an infinite one: give a whole number."


def _no_more_checks(params: Params) -> Optional[str]:
    return None


def _holds(result: Mapping[str, Any], path: str) -> bool:
    """Whether the value at ``path`` (``key``, or ``key[].field``) of ``result`` is set."""
    key, _brackets, field_name = path.partition("[].")
    value = result.get(key)
    if not field_name:
        return bool(value)
    return isinstance(value, list) and any(isinstance(item, Mapping) and item.get(field_name) for item in value)


@dataclass(frozen=True)
class ModuleDeclaration:
    """Everything both execution paths need to know about one module.

    ``options`` are the module's own; the connection options every module
    shares are added to them. The constraints take the forms ``AnsibleModule``
    takes. ``check_input`` gives a sentence for a wrong value the spec cannot
    express (a name's syntax, say), or None; it runs after the shared checks
    and before ``logic``, so before any request. ``secret_results`` name the
    result keys that may hold a secret (a download link, say), ``key[].field``
    for a field of the items of a list: a result that holds one is shown
    censored, whatever the task's ``no_log``.
    """

    options: Mapping[str, Dict[str, Any]]
    logic: Logic
    check_input: InputCheck = _no_more_checks
    supports_check_mode: bool = True
    mutually_exclusive: Sequence[Sequence[str]] = ()
    required_together: Sequence[Sequence[str]] = ()
    required_one_of: Sequence[Sequence[str]] = ()
    required_if: Sequence[Sequence[Any]] = ()
    required_by: Mapping[str, Sequence[str]] = field(default_factory=dict)
    secret_results: Sequence[str] = ()

    def holds_secrets(self, result: Mapping[str, Any]) -> bool:
        """Whether ``result`` carries one of the secrets this module may return."""
        return any(_holds(result, path) for path in self.secret_results)

    def argument_spec(self) -> Params:
        """A fresh copy every time: validators fill in what they are given."""
        spec = scalingo_argument_spec()
        spec.update(deepcopy(dict(self.options)))
        return spec

    def constraints(self) -> Params:
        """The keyword arguments that ``AnsibleModule`` and ``ArgumentSpecValidator`` both take; none left empty."""
        constraints: Params = {
            "mutually_exclusive": [list(group) for group in self.mutually_exclusive],
            "required_together": [list(group) for group in self.required_together],
            "required_one_of": [list(group) for group in self.required_one_of],
            "required_if": [list(rule) for rule in self.required_if],
            "required_by": {option: list(others) for option, others in self.required_by.items()},
        }
        # Copies in the shapes ansible-core's checks expect; an empty one is left out, as if not given.
        return {name: value for name, value in constraints.items() if value}

    def run(self, params: Params, check_mode: bool, diff: bool, warn: Warn) -> Result:
        """The task's result for ``params``, already validated against the spec and its constraints.

        Raises TaskFailed when the task fails.
        """
        reason = invalid_input_reason(params, self.argument_spec()) or self.check_input(params)
        if reason:
            raise TaskFailed(reason)
        warning = insecure_settings_warning(params)
        if warning:
            warn(warning)
        return self.logic(params, check_mode, diff, warn)

    def unchecked_argument_spec(self) -> Params:
        """The options, each taken as it came (to fail with when the checks cannot run); no_log ones stay hidden."""
        return {
            name: {"type": "raw", "no_log": bool(option.get("no_log"))} for name, option in self.argument_spec().items()
        }

    def main(self) -> None:
        """Run the module in its own process, as Ansible runs it on a target."""
        try:
            module = AnsibleModule(
                argument_spec=self.argument_spec(), supports_check_mode=self.supports_check_mode, **self.constraints()
            )
        except OverflowError:
            AnsibleModule(argument_spec=self.unchecked_argument_spec(), supports_check_mode=True).fail_json(
                msg=INFINITE_NUMBER)
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            # AnsibleModule has no public name for diff mode; _diff is what its own helpers read.
            result = self.run(module.params, module.check_mode, module._diff, module.warn)
        except TaskFailed as failure:
            module.fail_json(msg=failure.msg, **failure.details)
        module.exit_json(**result)
