#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database
short_description: Manage a Scalingo PostgreSQL database offered as a Dedicated Resource
version_added: 0.1.0
description:
  - With O(state=present), looks the database up by name and creates it only when the Scalingo API answers that it
    does not exist. With O(wait=true), waits until the database is running.
  - An existing database keeps its plan unless O(allow_plan_change=true). An existing database in another project than
    O(project) or O(project_id) is moved there. Its technology and its IP range cannot change; when either differs,
    the module fails and says so.
  - With O(state=absent), deletes the database, its data and its backups.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  name:
    version_added: 0.1.0
    description:
      - Name of the database, 6 to 48 lower-case letters, digits and hyphens.
      - Checked before any request is sent. An ID is refused, since a task names its database by name.
    type: str
    required: true
  technology:
    version_added: 0.1.0
    description:
      - Database technology.
    type: str
    default: postgresql-ng
    choices: [postgresql-ng]
  plan:
    version_added: 0.1.0
    description:
      - Plan of the database, for example V(postgresql-dr-starter-4096).
      - Required when the database does not exist yet.
      - When the database exists on another plan, the module fails unless O(allow_plan_change=true).
    type: str
  allow_plan_change:
    description:
      - Whether to move an existing database to O(plan) when it is on another plan.
      - The plan name is looked up among the open plans of the technology; an unknown name fails and lists them.
      - The change takes about 15 minutes, during which the database reports a status other than V(running), such as
        V(updating).
      - The API changes the plan of a running database only. On a database still being provisioned, the module
        fails, or with O(wait=true) waits until it runs and then changes the plan.
    type: bool
    default: false
    version_added: 0.2.0
  project_id:
    version_added: 0.1.0
    description:
      - ID of the project the database belongs to.
      - When omitted, a new database goes to the account's default project and an existing one may be in any project.
      - An existing database in another project is moved to this one (in check mode, the move is only reported).
      - Mutually exclusive with O(project).
    type: str
  project:
    version_added: 1.1.0
    description:
      - Name of the project the database belongs to, as O(project_id) but by name (see scalingo.cloud.scalingo_project).
      - The task lists the account's projects once to find its ID. A name that matches no project, or several, fails
        and lists the candidates. In check mode, a project that does not exist yet (one an earlier task would
        create) gives a warning instead, and the database is shown without a project ID.
      - Mutually exclusive with O(project_id).
    type: str
  ip_range:
    version_added: 1.1.0
    description:
      - The private IPv4 network, in CIDR form, of a database on a private network, for example V(10.20.0.0/24). It
        must lie in V(10.0.0.0/8), V(172.16.0.0/12) or V(192.168.0.0/16) and be a V(/25) or larger (as the Scalingo
        CLI requires), and is checked before any request.
      - Set at creation only. After a create, the module reads the new database's network configuration (after the
        wait, with O(wait=true)) and fails, with C(changed=true), when the API did not put it on that range; a
        database asked for private is never reported created as asked while it is public. For an existing database,
        the module reads its network configuration and fails when its range is another.
      - The database is then reached from an Outscale net through a peering (see
        scalingo.cloud.scalingo_database_net_peering).
    type: str
  state:
    version_added: 0.1.0
    description:
      - V(present) ensures the database exists; V(absent) deletes it.
      - Deleting is irreversible, backups included. Only O(name) is used to find the database.
    type: str
    default: present
    choices: [present, absent]
  wait:
    description:
      - Whether to wait, after a create, a plan change, or on an existing database that is still being created or
        changed, until its status is V(running).
      - The status is the database's own, read from the Database API (see O(database_api)), not its addon's, which
        can say V(running) too early. A database being created may not be known there yet, which reads as
        V(creating). After a plan change, the wait first sees the database leave V(running), or 60 seconds pass, so
        that it cannot end before the change started.
      - Reads come every 2 seconds at first, then less often, up to every 30 seconds. A database V(stopped) fails at
        once, since waiting will not change it.
    type: bool
    default: false
    version_added: 0.2.0
  wait_for_change:
    description:
      - With O(wait=true), whether an earlier task has just changed the database's plan, so that this wait, like
        the one after a plan change of its own, first sees the database leave V(running) (or 60 seconds pass).
      - The scalingo.cloud.databases role sets it from RV(plan_changed) of its task that sends the changes.
    type: bool
    default: false
    version_added: 1.1.0
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). Provisioning usually takes 15 to 30 minutes.
      - When the time runs out, the module fails; the database exists and running the task again resumes the wait.
    type: int
    default: 2400
    version_added: 0.2.0
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
attributes:
  check_mode:
    support: full
    details: Reads are sent (lookup, plans); creates, plan changes and deletes are not, and nothing is waited for.
  diff_mode:
    support: full
notes:
  - In steady state a task costs one request, the lookup of the database by name. The items of a loop run on the
    controller share one list of the account's databases, read at their second lookup, and answer from it; a name
    the list does not hold is still looked up by name, and the database is created only when that lookup answers
    404. On a target, each item looks its database up.
"""

EXAMPLES = r"""
- name: Ensure the production database exists
  scalingo.cloud.scalingo_database:
    name: orders-production
    plan: postgresql-dr-starter-4096
    project_id: pr-82a3cac5-9b25-473e-b33d-6272b87e636f

- name: Ensure the analytics database exists in the analytics project, on a private network
  scalingo.cloud.scalingo_database:
    name: analytics-warehouse
    plan: postgresql-dr-starter-4096
    project: analytics
    ip_range: 10.20.0.0/24

- name: Ensure the staging database exists, in the account's default project
  scalingo.cloud.scalingo_database:
    name: orders-staging
    plan: postgresql-dr-starter-4096
  register: staging

- name: Preview what would be created, without creating it
  scalingo.cloud.scalingo_database:
    name: orders-preview
    plan: postgresql-dr-starter-4096
  check_mode: true
  diff: true

- name: Create a database and wait until it is running (usually 15 to 30 minutes)
  scalingo.cloud.scalingo_database:
    name: orders-reporting
    plan: postgresql-dr-starter-4096
    wait: true
    wait_timeout: 2400

- name: Move the staging database to a bigger plan
  scalingo.cloud.scalingo_database:
    name: orders-staging
    plan: postgresql-dr-starter-8192
    allow_plan_change: true
    wait: true

- name: Delete the reporting database, its data and its backups
  scalingo.cloud.scalingo_database:
    name: orders-reporting
    state: absent
"""

RETURN = r"""
database:
  description:
    - The database, as the API describes it. In check mode, before a create, the database that would be created.
    - With O(state=absent), the database that was deleted, or an empty dict when there was none.
  returned: success
  type: dict
  contains:
    id:
      description: Unique ID of the database. V(null) in check mode when the database would be created.
      type: str
      sample: 54100930736f7563d5030000
    name:
      description: Name of the database.
      type: str
      sample: orders-production
    project_id:
      description: ID of the project the database belongs to.
      type: str
      sample: pr-82a3cac5-9b25-473e-b33d-6272b87e636f
    technology:
      description: Database technology.
      type: str
      sample: postgresql-ng
    plan:
      description: Plan of the database.
      type: str
      sample: postgresql-dr-starter-4096
created:
  description:
    - Whether this task created the database (in check mode, whether it would). V(false) when the database was
      there, whatever else the task changed (its plan, its project).
  returned: when O(state=present)
  type: bool
  sample: true
  version_added: 1.0.0
plan_changed:
  description:
    - V(true) when this task changed the plan of the existing database (in check mode, when it would have), for a
      later wait to pass on as O(wait_for_change).
  returned: when the task changed the database's plan
  type: bool
  sample: true
  version_added: 1.1.0
status:
  description: The database's own status after the wait (C(database.status) of the Database API), V(running).
  returned: when O(wait=true), O(state=present) and not in check mode
  type: str
  sample: running
  version_added: 0.2.0
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    RUNNING,
    TECHNOLOGIES,
    NotRunning,
    UnknownPlan,
    change_plan,
    create_database_once,
    database_status,
    GoneMeanwhile,
    delete_database,
    find_addon,
    find_database,
    gone_meanwhile_on_404,
    invalid_name_reason,
    plan_id_for,
    wait_until_running,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._database_access import move_to_project
from ansible_collections.scalingo.cloud.plugins.module_utils._networking import (
    invalid_ip_range_reason,
    network_configuration,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._options import invalid_wait_timeout_reason
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    ScalingoTask,
    account_databases,
    project_id_named,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


class DatabaseTask(ScalingoTask):
    name_option = "name"
    # Set once this task changed the plan, and the addon it changed: the wait then first sees the change start.
    plan_changed = False
    addon_id: Optional[str] = None
    # The project the task names, by ID: the option's, or the one its project name resolves to (see project_id()).
    _project_id: Optional[str] = None
    _project_resolved = False

    # --- states -------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        return self.absent() if self.params["state"] == "absent" else self.present()

    def present(self) -> dict[str, Any]:
        existing = self.find()
        if existing is None:
            return self._create()
        try:
            return self._converge(existing)
        except GoneMeanwhile:
            # A write answered the API's 404 for a database the lookup (or the loop's list) found.
            current = self._looked_up_afresh()
            return self._create() if current is None else self._converge(current)

    def absent(self) -> dict[str, Any]:
        existing = self.find()
        if existing is None:
            return self._result(changed=False, before=None, after=None)
        if not self.check_mode:
            with api_errors_fail_task("delete database '%s'" % self.name):
                deleted = delete_database(self.client, existing)
            if not deleted:
                # The API said the database is gone (its own 404): whether another database now has the name, only
                # a fresh lookup says.
                return self._absent_after_a_stale_verdict(existing)
            account_databases(self.client).forget(self.name)
            self.changed = True
        # An absent task reports the database it deleted.
        return dict(self._result(changed=True, before=existing, after=None), database=existing)

    def _looked_up_afresh(self) -> Optional[dict[str, Any]]:
        """The database named, by a lookup by name: what was found before (the loop's list, say) is out of date."""
        account_databases(self.client).forget(self.name)
        with api_errors_fail_task("look up database '%s'" % self.name):
            return find_database(self.client, self.name)

    def _absent_after_a_stale_verdict(self, gone: dict[str, Any]) -> dict[str, Any]:
        current = self._looked_up_afresh()
        if current is None or current["id"] == gone["id"]:
            return self._result(changed=False, before=None, after=None)
        raise TaskFailed(
            "Database '%s' (%s) was deleted by someone else meanwhile, and another database now has the name (%s): "
            "the task deletes nothing it did not look up. Run it again to delete the new one." % (
                self.name, gone["id"], current["id"]), database=current)

    # --- steps --------------------------------------------------------------

    def _create(self) -> dict[str, Any]:
        desired = self._desired_database()
        if self.check_mode:
            return self._result(changed=True, before=None, after=desired, created=True)
        project_id = self.project_id()
        with api_errors_fail_task("create database '%s'" % self.name):
            database, made_by_us = create_database_once(
                self.client, self.name, self.params["technology"], self.params["plan"], project_id,
                self.params["ip_range"],
            )
        account_databases(self.client).remember(database)
        if not made_by_us:
            # Another host or job created it between our lookup and our create.
            return self._converge(database)
        self.changed = True
        self._fail_on_fixed_differences(database)
        status = self._wait(database)
        self._fail_unless_created_private(database)
        return self._result(changed=True, before=None, after=database, status=status, created=True)

    def _converge(self, existing: dict[str, Any]) -> dict[str, Any]:
        self._fail_on_fixed_differences(existing)
        self._fail_on_another_ip_range(existing)
        wanted_plan = self.params["plan"]
        plan_differs = wanted_plan is not None and wanted_plan != existing["plan"]
        if plan_differs and not self.params["allow_plan_change"]:
            # Said before anything is done: the task changes all it declares, or nothing.
            raise TaskFailed(
                "Database '%s' is on plan '%s', not '%s'. Set allow_plan_change: true to change its plan."
                % (self.name, existing["plan"], wanted_plan),
                database=existing,
            )
        wanted = self._move_to_project(existing)
        if plan_differs:
            self._change_plan(existing, wanted_plan)
            wanted = dict(wanted, plan=wanted_plan)
            if not self.check_mode:
                account_databases(self.client).remember(wanted)
        result = self._result(
            changed=wanted != existing, before=existing, after=wanted, status=self._wait(wanted), created=False
        )
        return dict(result, plan_changed=True) if self.plan_changed else result

    def _move_to_project(self, existing: dict[str, Any]) -> dict[str, Any]:
        """The database in the task's project, moved there when it is in another."""
        project_id = self.project_id()
        if project_id is None and self.params["project"] is not None:
            # Check mode, and the project is not there yet: the database would move to it once it is.
            return dict(existing, project_id=None)
        if project_id is None or project_id == existing["project_id"]:
            return existing
        if not self.check_mode:
            with api_errors_fail_task("move database '%s' to project '%s'" % (self.name, project_id), database=existing):
                with gone_meanwhile_on_404():
                    move_to_project(self.client, existing, project_id)
            self.changed = True
            account_databases(self.client).remember(dict(existing, project_id=project_id))
        return dict(existing, project_id=project_id)

    def _change_plan(self, database: dict[str, Any], plan: str) -> None:
        action = "change the plan of database '%s'" % self.name
        try:
            with api_errors_fail_task(action):
                plan_id = plan_id_for(self.client, database["technology"], plan)
        except UnknownPlan as unknown:
            raise TaskFailed(
                "Plan '%s' is not an open plan of %s. Valid plans: %s."
                % (unknown.plan, unknown.technology, ", ".join(unknown.valid_plans) or "none"),
                database=database,
            ) from None
        if self.check_mode:
            self.plan_changed = True
            return
        with api_errors_fail_task(action):
            with gone_meanwhile_on_404():
                addon = find_addon(self.client, database)
            self.addon_id = addon["id"]
            status = database_status(self.client.database_api(database["id"], addon["id"]))
        if status != RUNNING:
            # The API changes the plan of a running database only; the database says so, not its addon.
            if not self.params["wait"]:
                raise TaskFailed(
                    "Database '%s' is '%s'; its plan can change once it is running. Set wait: true to wait "
                    "for that." % (self.name, status),
                    database=database,
                )
            self._wait(database)
        with api_errors_fail_task(action):
            with gone_meanwhile_on_404():
                change_plan(self.client, database, addon, plan_id)
        self.changed = True
        self.plan_changed = True

    def _wait(self, database: dict[str, Any]) -> Optional[str]:
        if not self.params["wait"] or self.check_mode:
            return None
        try:
            with api_errors_fail_task("read the status of database '%s'" % self.name):
                status = wait_until_running(
                    self.client, database, self.params["wait_timeout"], addon_id=self.addon_id,
                    after_change=self.plan_changed or self.params["wait_for_change"],
                )
        except NotRunning as stopped:
            raise TaskFailed(not_running_message(database, stopped), database=database) from None
        return status

    def _desired_database(self) -> dict[str, Any]:
        if not self.params["plan"]:
            raise TaskFailed(
                "Database '%s' does not exist and cannot be created without a plan: set the plan option "
                "(for example postgresql-dr-starter-4096)." % self.name
            )
        return {
            "id": None,
            "name": self.name,
            "project_id": self.project_id(),
            "technology": self.params["technology"],
            "plan": self.params["plan"],
        }

    def project_id(self) -> Optional[str]:
        """The ID of the task's project, its name resolved with one list of projects per task; None when unsaid."""
        if not self._project_resolved:
            self._project_id = self.params["project_id"]
            name = self.params["project"]
            if name is not None:
                # In check mode, the task that would create the project has not created it.
                self._project_id = project_id_named(self.client, name, missing_ok=self.check_mode)
                if self._project_id is None:
                    self.warn("Project '%s' does not exist (yet): in check mode, the database is shown without a "
                              "project ID." % name)
            self._project_resolved = True
        return self._project_id

    def _fail_on_fixed_differences(self, existing: dict[str, Any]) -> None:
        if existing["technology"] != self.params["technology"]:
            raise TaskFailed(
                "Database '%s' already exists and differs from the task: technology is '%s', not '%s'. The "
                "technology of a database cannot change."
                % (self.name, existing["technology"], self.params["technology"]),
                database=existing,
            )

    def _fail_on_another_ip_range(self, existing: dict[str, Any]) -> None:
        wanted_range = self.params["ip_range"]
        if wanted_range is None:
            return
        with api_errors_fail_task("read the network configuration of database '%s'" % self.name, database=existing):
            configuration = network_configuration(self.client, existing)
        current = (configuration or {}).get("ip_range")
        if current != wanted_range.strip():
            raise TaskFailed(
                "Database '%s' already exists and differs from the task: its IP range is %s, not %s. The IP range "
                "of a database is set when it is created and cannot change." % (
                    self.name, current or "none (it is not on a private network)", wanted_range.strip()),
                database=existing,
            )

    def _fail_unless_created_private(self, database: dict[str, Any]) -> None:
        """A database asked for on a private network is on it: the documented create names no ip_range, so an API
        may create the database public, and only its network configuration tells."""
        wanted_range = self.params["ip_range"]
        if wanted_range is None:
            return
        with api_errors_fail_task("read the network configuration of database '%s', created with ip_range %s" % (
                self.name, wanted_range.strip()), database=database):
            configuration = network_configuration(self.client, database)
        current = (configuration or {}).get("ip_range")
        if current != wanted_range.strip():
            raise TaskFailed(
                "Database '%s' (%s) was created, but not on the private network asked for: its IP range is %s, not "
                "%s, so it is not private as the task says. The API did not apply ip_range, and the range of a "
                "database cannot change: delete it (state: absent) and ask Scalingo's support how to create a "
                "database on a private network in this region." % (
                    self.name, database["id"], current or "none (it is not on a private network)", wanted_range.strip()),
                database=database,
            )

    def _result(
        self,
        changed: bool,
        before: Optional[dict[str, Any]],
        after: Optional[dict[str, Any]],
        status: Optional[str] = None,
        created: Optional[bool] = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": changed, "database": after or {}}
        if created is not None:
            result["created"] = created
        if status is not None:
            result["status"] = status
        if self.diff:
            result["diff"] = {"before": before or {}, "after": after or {}}
        return result


def not_running_message(database: dict[str, Any], stopped: NotRunning) -> str:
    where = "Database '%s' exists (id %s) but its status is still '%s'" % (
        database["name"], database["id"], stopped.status)
    if stopped.timed_out:
        return "%s after %.0f seconds of waiting. Run the task again to resume the wait." % (where, stopped.waited)
    return "%s, which waiting will not change: check the database in the Scalingo dashboard." % where


def check_input(params: dict[str, Any]) -> Optional[str]:
    """What the argument spec cannot say about the options; checked before any request."""
    return invalid_name_reason(params["name"]) or invalid_wait_timeout_reason(params) or (
        invalid_ip_range_reason(params["ip_range"]) if params["ip_range"] is not None else None
    )


DECLARATION = ModuleDeclaration(
    logic=DatabaseTask.logic,
    check_input=check_input,
    mutually_exclusive=[["project", "project_id"]],
    options=dict(
        name=dict(type="str", required=True),
        technology=dict(type="str", default=TECHNOLOGIES[0], choices=list(TECHNOLOGIES)),
        plan=dict(type="str"),
        allow_plan_change=dict(type="bool", default=False),
        project_id=dict(type="str"),
        project=dict(type="str"),
        ip_range=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=2400),
        wait_for_change=dict(type="bool", default=False),
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
