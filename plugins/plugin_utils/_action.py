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
runs the module's ``run()`` in the worker instead: same options, same
validation, same result. Anywhere else (another host, ``become``, ``async``,
or no requests on the controller), the module runs on the target as usual.
"""

from __future__ import annotations

import os
import traceback
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Iterator, Mapping, Optional

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action.normal import ActionModule as NormalAction

from ansible_collections.scalingo.cloud.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed

# The transport of ansible.builtin.local, however the play names it: commands run on the controller as the user
# running Ansible.
CONTROLLER_TRANSPORT = "local"


class ScalingoModuleAction(NormalAction):
    """The action of a scalingo.cloud module; subclasses name the module in ``module``."""

    module: ModuleType

    def run(self, tmp: Optional[str] = None, task_vars: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        if not self._runs_on_controller():
            return super().run(tmp, task_vars)
        environment: dict[str, Any] = {}
        self._compute_environment_string(environment)
        return run_in_worker(
            self.module,
            self._task.resolved_action or self._task.action,
            dict(self._task.args),
            check_mode=bool(self._task.check_mode),
            diff=bool(self._task.diff),
            environment=environment,
        )

    def _runs_on_controller(self) -> bool:
        return (
            self._connection.transport == CONTROLLER_TRANSPORT
            # Another user would have another home, token cache and environment.
            and not self._play_context.become
            # An async task must outlive the worker.
            and not self._task.async_val
            # The module on the target reports a missing requests in its own words.
            and HAS_REQUESTS
        )


def run_in_worker(
    module: ModuleType,
    action: str,
    args: dict[str, Any],
    check_mode: bool,
    diff: bool,
    environment: Mapping[str, Any],
) -> dict[str, Any]:
    """The result ``module`` returns for ``args``, as its own process would have returned it.

    ``environment`` is the task's ``environment`` keyword: options fall back to
    environment variables, and requests reads its proxies and CA bundle there.
    """
    warnings: list[str] = []
    with environment_of_task(environment):
        validation = ArgumentSpecValidator(module.argument_spec()).validate(args)
        params = validation.validated_parameters
        try:
            if validation.error_messages:
                raise TaskFailed(validation_message(action, validation.errors))
            result = module.run(params, check_mode, diff, warnings.append)
        except TaskFailed as failure:
            result = dict(failure.details, failed=True, msg=failure.msg)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # A fault of the module's own: a failed task that says so, the traceback only at -vvv.
            result = {
                "failed": True,
                "msg": "%s stopped on an unexpected %s; the traceback is shown with -vvv." % (
                    action, type(error).__name__),
                "exception": traceback.format_exc(),
            }
    result["invocation"] = {"module_args": params}
    if warnings:
        result["warnings"] = warnings
    # As AnsibleModule does: no value of a no_log option (the API token) leaves in the result.
    return dict(remove_values(result, validation._no_log_values))


def validation_message(action: str, errors: Any) -> str:
    """The sentence AnsibleModule fails with for the same options."""
    if isinstance(errors.errors[0], UnsupportedError):
        return "Unsupported parameters for (%s) module: %s" % (action, errors.msg)
    return str(errors.msg)


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
