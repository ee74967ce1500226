# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a scalingo.cloud module's logic in Ansible's worker process when its task runs on the controller.

Private to the scalingo.cloud collection. A module task costs a new Python
process that imports Ansible's module code and requests, for a lookup that
takes a few milliseconds. Most tasks of this collection talk to the Scalingo
API from the controller itself (``hosts: localhost`` or
``delegate_to: localhost``), where that process would run as the same user,
with the same environment, as the worker that starts it. There, the action
runs the module's declaration in the worker instead: same options, same
constraints, same checks, same result. Anywhere else (another host,
``become``, ``async``, no requests on the controller, or the variable
``scalingo_run_on_controller`` set to false), the module runs on its target
as usual.
"""

from __future__ import annotations

import json
import os
import traceback
import weakref
from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Optional

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator, ValidationResult
from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.release import __version__ as ANSIBLE_VERSION
from ansible.utils.display import Display

from ansible_collections.scalingo.cloud.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.scalingo.cloud.plugins.module_utils._module import INFINITE_NUMBER, ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import forget_found
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed

# The transport of ansible.builtin.local, however the play names it: commands run on the controller as the user
# running Ansible.
CONTROLLER_TRANSPORT = "local"
# The variable that sends a task on the controller to a module process all the same.
SWITCH = "scalingo_run_on_controller"

display = Display()
# The task objects (one per loop item) whose logic this worker ran: a task seen again is an until retry.
_TASKS_RUN: "weakref.WeakSet[Any]" = weakref.WeakSet()


class WrongSwitch(Exception):
    """The switch holds neither true nor false."""


class ScalingoModuleAction(NormalAction):
    """The action of a scalingo.cloud module; subclasses name the module's declaration in ``declaration``."""

    declaration: ModuleDeclaration

    def run(self, tmp: Optional[str] = None, task_vars: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        result = self._run_where_it_should(tmp, task_vars)
        if self.declaration.holds_secrets(result):
            # Ansible shows a result so marked censored in every callback, at every verbosity, as with no_log on
            # the task; a module's own process cannot mark it (Ansible strips such keys from a module's result),
            # its action can, on both paths. register: still gets the whole result.
            result["_ansible_no_log"] = True
        return result

    def _run_where_it_should(self, tmp: Optional[str], task_vars: Optional[dict[str, Any]]) -> dict[str, Any]:
        action = self._task.resolved_action or self._task.action
        try:
            reason = self._reason_to_run_on_target(task_vars or {})
        except WrongSwitch as wrong:
            return {"failed": True, "msg": str(wrong)}
        host = self._play_context.remote_addr
        if reason:
            display.vvv("%s runs as a module on its target: %s." % (action, reason), host=host)
            return super().run(tmp, task_vars)
        display.vvv(
            "%s runs in Ansible's worker on the controller, without a module process (%s: false "
            "runs it as a module)." % (action, SWITCH),
            host=host,
        )
        if self._is_a_retry():
            # An until retry: what the earlier attempt listed may be what it waits to see change.
            forget_found()
        environment: dict[str, Any] = {}
        self._compute_environment_string(environment)
        return run_in_worker(
            self.declaration,
            action,
            dict(self._task.args),
            check_mode=bool(self._task.check_mode),
            diff=bool(self._task.diff),
            environment=environment,
        )

    def _is_a_retry(self) -> bool:
        """Whether this run is an until retry of a task (or loop item) the worker ran before.

        ansible-core makes a new action for each attempt, but keeps the task object of the item through its
        retries; each loop item gets a copy of its own.
        """
        try:
            seen = self._task in _TASKS_RUN
            _TASKS_RUN.add(self._task)
        except TypeError:  # a task that cannot be weakly referenced: every run is a first
            return False
        return seen

    def _reason_to_run_on_target(self, task_vars: dict[str, Any]) -> Optional[str]:
        """Why this task must run its module in a process of its own, or None when the worker can run it."""
        if not self._switch_is_on(task_vars):
            return "%s is false" % SWITCH
        if self._connection.transport != CONTROLLER_TRANSPORT:
            return "its connection is %s, not local" % self._connection.transport
        if self._play_context.become:
            # Another user would have another home, token cache and environment.
            return "it uses become"
        if self._task.async_val:
            # An async task must outlive the worker.
            return "it is async"
        if not HAS_REQUESTS:
            # The module on the target reports a missing requests in its own words.
            return "the controller's Python has no requests"
        return None

    def _switch_is_on(self, task_vars: dict[str, Any]) -> bool:
        # A delegated task reads the variables of the host it is delegated to, as its connection does.
        variables = task_vars
        if self._task.delegate_to:
            variables = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, task_vars)
        value = self._templar.template(variables.get(SWITCH, True))
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise WrongSwitch("%s must be true or false, not '%s'." % (SWITCH, value)) from None


def run_in_worker(
    declaration: ModuleDeclaration,
    action: str,
    args: dict[str, Any],
    check_mode: bool,
    diff: bool,
    environment: Mapping[str, Any],
) -> dict[str, Any]:
    """The result ``declaration`` gives for ``args``, as the module's own process would have returned it.

    ``environment`` is the task's ``environment`` keyword: options fall back to
    environment variables, and requests reads its proxies and CA bundle there.
    """
    warnings: list[str] = []
    args = as_a_module_gets_them(args)
    with environment_of_task(environment):
        infinite = False
        try:
            validation = ArgumentSpecValidator(declaration.argument_spec(), **declaration.constraints()).validate(args)
        except OverflowError:
            infinite = True
            validation = ArgumentSpecValidator(declaration.unchecked_argument_spec()).validate(args)
        params = validation.validated_parameters
        try:
            if infinite:
                raise TaskFailed(INFINITE_NUMBER)
            if validation.error_messages:
                raise TaskFailed(validation_message(action, validation))
            if check_mode and not declaration.supports_check_mode:
                # AnsibleModule's own result and words, at the same point: after validation.
                result = {"skipped": True, "msg": "remote module (%s) does not support check mode" % action}
            else:
                result = declaration.run(params, check_mode, diff, warnings.append)
        except TaskFailed as failure:
            result = dict(failure.details, failed=True, msg=failure.msg)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # A fault of the module's own: a failed task that says so, the traceback only at -vvv.
            result = {
                "failed": True,
                "msg": "%s stopped on an unexpected %s; %s." % (action, type(error).__name__, traceback_hint()),
                "exception": traceback.format_exc(),
            }
    result["invocation"] = {"module_args": params}
    result.update(validation_notices(validation, warnings))
    # As AnsibleModule does: no value of a no_log option (the API token) leaves in the result. ansible-core has
    # no public name for these values; AnsibleModule itself reads this attribute.
    return dict(remove_values(result, validation._no_log_values))


def as_a_module_gets_them(args: dict[str, Any]) -> dict[str, Any]:
    """The task's arguments as plain JSON values, as a module process receives them.

    Ansible hands the action its own types (tagged or unsafe strings); a check's message would name them
    ("<class '..._AnsibleTaggedStr'> cannot be converted to a float") where the module names a str. Values JSON
    cannot hold are left as they are: the checks then speak of them as they would have.
    """
    try:
        return dict(json.loads(json.dumps(args, cls=AnsibleJSONEncoder, vault_to_text=True)))
    except (TypeError, ValueError):
        return args


def traceback_hint(version: str = ANSIBLE_VERSION) -> str:
    """How to see the traceback of a failed task on this ansible-core."""
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) >= (2, 19):
        # From 2.19 on, -vvv no longer shows a result's exception; this setting does.
        return "run with ANSIBLE_DISPLAY_TRACEBACK=error to see the traceback"
    return "run with -vvv to see the traceback"


def validation_message(action: str, validation: ValidationResult) -> str:
    """The sentence AnsibleModule fails with for the same options."""
    if isinstance(validation.errors.errors[0], UnsupportedError):
        return "Unsupported parameters for (%s) module: %s" % (action, validation.errors.msg)
    return str(validation.errors.msg)


def validation_notices(validation: ValidationResult, warnings: list[str]) -> dict[str, Any]:
    """The ``warnings`` and ``deprecations`` of the result, the validator's first, as AnsibleModule returns them.

    AnsibleModule's validator (ModuleArgumentSpecValidator) records these in a
    module process; in the worker it would print them at once instead of
    returning them, so the plain validator is used and its findings are read
    here. ansible-core gives them no public name: these are the attributes
    ModuleArgumentSpecValidator itself reads.
    """
    notices: dict[str, Any] = {}
    warnings = [
        "Both option %s and its alias %s are set." % (alias["option"], alias["alias"])
        for alias in validation._warnings
    ] + warnings
    if warnings:
        notices["warnings"] = warnings
    if validation._deprecations:
        notices["deprecations"] = [dict(deprecation) for deprecation in validation._deprecations]
    return notices


@contextmanager
def environment_of_task(environment: Mapping[str, Any]) -> Iterator[None]:
    """Set the task's environment variables for as long as the module's logic runs.

    The worker process runs this one task and ends, but the variables are put
    back all the same, so that nothing depends on that.
    """
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update({name: str(value) for name, value in environment.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
