#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_project
short_description: Ensure a Scalingo project exists, by name, or delete it
version_added: 1.1.0
description:
  - A project groups an account's apps and databases; new databases go to the account's default project. This
    module looks the project up by its name and creates it when no project has that name, renames it, makes it the
    default, or deletes it, and changes nothing when it already is as the task says.
  - Scalingo does not require project names to be unique. When several projects have the name, the task fails and
    lists their IDs, and changes nothing.
  - A project that still holds resources cannot be deleted; the task fails, names the databases it holds, and changes
    nothing.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  name:
    version_added: 1.1.0
    description:
      - Name of the project.
    type: str
    required: true
  new_name:
    version_added: 1.1.0
    description:
      - A new name for the project named O(name). Once renamed, the project is found by this name, so the task
        changes nothing when it runs again.
      - When no project has either name, the project is created with this one.
    type: str
  default:
    version_added: 1.1.0
    description:
      - V(true) makes the project the account's default, where new databases go; the API then takes the flag from the
        former default. V(false) keeps a project that is not the default so; on the default project it fails before
        any request, in check mode too, since the API cannot take the flag off (make another project the default
        instead).
      - Left out, the flag is left as it is (a new project is then not the default).
    type: bool
  state:
    version_added: 1.1.0
    description:
      - V(present) makes the project exist; V(absent) deletes it. The default project is never deleted (the task
        fails before any request), nor one that holds databases (the API refuses, with a 409 or a 422, and the task
        names them).
    type: str
    default: present
    choices: [present, absent]
attributes:
  check_mode:
    support: full
    details:
      - The projects are read; nothing is created, changed or deleted.
      - A delete lists the databases to say, as the real run would, that a project holding some cannot be deleted.
  diff_mode:
    support: full
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
notes:
  - Costs the list of projects, and one request for a create, a change or a delete. A delete refused because the
    project holds resources, and a delete in check mode, cost the list of databases too, to name them.
"""

EXAMPLES = r"""
- name: Ensure the analytics project exists
  scalingo.cloud.scalingo_project:
    name: analytics

- name: Make it the account's default project, where new databases go
  scalingo.cloud.scalingo_project:
    name: analytics
    default: true

- name: Rename the sandbox project (found by its new name the next time)
  scalingo.cloud.scalingo_project:
    name: sandbox
    new_name: playground

- name: Delete the playground project (it must hold nothing)
  scalingo.cloud.scalingo_project:
    name: playground
    state: absent
"""

RETURN = r"""
project:
  description:
    - The project after the task (in check mode, as it would be); for V(state=absent), the project deleted.
    - Empty when there is no such project.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the project; V(null) in check mode for a project that would be created.
      type: str
      sample: pr-82a3cac5-9b25-473e-b33d-6272b87e636f
    name:
      description: Name of the project.
      type: str
      sample: analytics
    default:
      description: Whether it is the account's default project.
      type: bool
      sample: false
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import list_databases
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._projects import (
    ProjectHoldsResources,
    create_project,
    delete_project,
    list_projects,
    projects_named,
    update_project,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import ScalingoTask
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


class ProjectTask(ScalingoTask):
    name_option = "name"

    def run(self) -> dict[str, Any]:
        with api_errors_fail_task("list projects"):
            projects = list_projects(self.client)
        if self.params["state"] == "absent":
            return self._absent(self._only(projects_named(projects, self.name), self.name))
        return self._present(projects)

    def _present(self, projects: list[dict[str, Any]]) -> dict[str, Any]:
        new_name = self.params["new_name"]
        found = self._only(projects_named(projects, self.name), self.name)
        renamed = self._only(projects_named(projects, new_name), new_name) if new_name else None
        if found is not None and renamed is not None and found is not renamed:
            raise TaskFailed(
                "Project '%s' cannot be renamed '%s': a project of that name exists already (%s)." % (
                    self.name, new_name, renamed["id"]))
        existing = found or renamed
        if existing is None:
            return self._create(new_name or self.name)
        changes = self._changes(existing)
        after = dict(existing, **changes)
        if changes and not self.check_mode:
            with api_errors_fail_task("change project '%s'" % existing["name"], project=existing):
                after = update_project(self.client, existing, changes)
            self.changed = True
        return self._result(bool(changes), existing, after)

    def _changes(self, project: dict[str, Any]) -> dict[str, Any]:
        """What the task changes of an existing project: its name, its default flag; only what differs."""
        if self.params["default"] is False and project["default"]:
            # The API cannot take the flag off: an account always has a default project.
            raise TaskFailed(
                "Project '%s' (%s) is the account's default project, and the API cannot make it not the default: "
                "set default: true on the project that should be the default instead. Nothing was changed." % (
                    project["name"], project["id"]), project=project)
        wanted = {"name": self.params["new_name"], "default": self.params["default"]}
        return {key: value for key, value in wanted.items() if value is not None and value != project[key]}

    def _create(self, name: str) -> dict[str, Any]:
        default = bool(self.params["default"])
        if self.check_mode:
            return self._result(True, None, {"id": None, "name": name, "default": default})
        with api_errors_fail_task("create project '%s'" % name):
            created, made_by_us = create_project(self.client, name, default)
        self.changed = made_by_us
        if made_by_us:
            self._fail_if_named_twice(created)
        return self._result(made_by_us, None, created)

    def _fail_if_named_twice(self, created: dict[str, Any]) -> None:
        """Names are not unique to the API: two runs creating one project at once make two. Read again to see."""
        with api_errors_fail_task("list projects after creating project '%s'" % created["name"], project=created):
            named = projects_named(list_projects(self.client), created["name"])
        others = [project["id"] for project in named if project["id"] != created["id"]]
        if others:
            raise TaskFailed(
                "Project '%s' was created (%s), and another run created a project of the same name at the same time "
                "(%s): the name now names %d projects, and every task naming it fails. Keep one: delete or rename "
                "the others in the Scalingo dashboard (a project that holds databases cannot be deleted; move them "
                "first)." % (created["name"], created["id"], ", ".join(others), len(named)), project=created)

    def _absent(self, existing: Optional[dict[str, Any]]) -> dict[str, Any]:
        if existing is None:
            return self._result(False, None, None)
        if existing["default"]:
            raise TaskFailed(
                "Project '%s' (%s) is the account's default project, which cannot be deleted: make another project "
                "the default first (default: true). Nothing was changed." % (self.name, existing["id"]),
                project=existing)
        if self.check_mode:
            # What the real run would meet: the API refuses to delete a project that holds databases.
            with api_errors_fail_task("list the databases of project '%s'" % self.name, project=existing):
                held = self._databases_in(existing)
            if held:
                raise TaskFailed(self._still_held(existing, "", held), project=existing)
        else:
            try:
                with api_errors_fail_task("delete project '%s'" % self.name, project=existing):
                    deleted = delete_project(self.client, existing)
            except ProjectHoldsResources as refusal:
                raise TaskFailed(self._still_held(existing, refusal.reason), project=existing) from None
            if not deleted:
                # The API said it was gone already: someone else deleted it since the list.
                return self._result(False, None, None)
            self.changed = True
        return dict(self._result(True, existing, None), project=existing)

    def _databases_in(self, project: dict[str, Any]) -> list[str]:
        return [database["name"] for database in list_databases(self.client) if database["project_id"] == project["id"]]

    def _still_held(self, project: dict[str, Any], reason: str, held: Optional[list[str]] = None) -> str:
        """Why a project could not be deleted, naming the databases it holds when they can be listed."""
        where = "Project '%s' (%s) still holds" % (self.name, project["id"])
        if held is None:
            try:
                held = self._databases_in(project)
            except ScalingoAPIError:
                held = []
        if held:
            where = "%s databases %s" % (where, ", ".join(held))
        else:
            where = "%s resources (the API said: %s)" % (where, reason)
        return "%s: delete them or move them to another project first. Nothing was changed." % where

    def _only(self, matches: list[dict[str, Any]], name: str) -> Optional[dict[str, Any]]:
        if len(matches) > 1:
            raise TaskFailed(
                "Project name '%s' is shared by %d projects (%s): the task cannot tell which is meant. Rename all "
                "but one in the Scalingo dashboard." % (name, len(matches), ", ".join(match["id"] for match in matches)))
        return matches[0] if matches else None

    def _result(self, changed: bool, before: Optional[dict[str, Any]], after: Optional[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": changed, "project": after or {}}
        if self.diff:
            result["diff"] = {"before": before or {}, "after": after or {}}
        return result


def check_input(params: dict[str, Any]) -> Optional[str]:
    if params["state"] == "absent" and (params["new_name"] is not None or params["default"] is not None):
        return "Options new_name and default apply to state: present only."
    return None


DECLARATION = ModuleDeclaration(
    logic=ProjectTask.logic,
    check_input=check_input,
    options=dict(
        name=dict(type="str", required=True),
        new_name=dict(type="str"),
        default=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
