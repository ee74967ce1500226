#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_user
short_description: Manage a user of a Scalingo dedicated database
version_added: 1.0.0
description:
  - Ensures a user of a dedicated database exists, read-only or not, or is deleted.
  - The API never shows a user's password, so whether it is the one the task gives cannot be known. With
    O(update_password=on_create), the password is sent only when the user is created; with
    O(update_password=always), it is set on every run, and the task always reports a change.
  - Without O(password), the API generates one; it is returned once, as RV(password), by the run that created the
    user (or, with O(update_password=always), that reset it).
  - Whether a user is read-only cannot change once it exists; a difference fails the task and says so.
  - The database's default user is protected, as the API and the CLI say; deleting it or setting its password fails
    with a sentence that says so, before any write and in check mode too.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.0.0
    description: Name of the database the user belongs to; it must exist.
    type: str
    required: true
  name:
    version_added: 1.0.0
    description:
      - Name of the user, 6 to 32 lower-case letters, digits and hyphens, neither starting nor ending with a
        hyphen, with no two hyphens in a row. Checked before any request.
    type: str
    required: true
  state:
    version_added: 1.0.0
    description:
      - V(present) ensures the user exists; V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  read_only:
    version_added: 1.0.0
    description:
      - Whether the user may only read.
    type: bool
    default: false
  password:
    version_added: 1.0.0
    description:
      - The user's password, 24 to 64 characters, checked before any request. Never logged nor returned.
      - Omitted, the API generates one (see RV(password)).
    type: str
  update_password:
    version_added: 1.0.0
    description:
      - V(on_create) sends the password only when the user is created.
      - V(always) sets it on every run (with no O(password), has the API generate a new one); the task then always
        reports a change.
    type: str
    default: on_create
    choices: [on_create, always]
attributes:
  check_mode:
    support: full
    details: The users are read; nothing is created, changed or deleted.
  diff_mode:
    support: full
    details: The user before and after; never a password.
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - Costs, in requests, a lookup of the database and of its addon (none for what O(database_id) and O(addon_id) give),
    an addon token (cached like the bearer token), the list of users, and for a create or a password change one
    more read and the write. The items of a loop on the controller read the database, its addon and its list of
    users once for all.
"""

EXAMPLES = r"""
- name: Give the reporting service a read-only user, with a password from the vault
  scalingo.cloud.scalingo_database_user:
    database: orders-production
    name: reporting
    read_only: true
    password: "{{ vault_reporting_password }}"

# The run that creates the user returns its password once, in orders_user.password, and its output is censored:
# keep the password from there (in a vault, or a file of the application's), with no_log on every task that
# handles it.
- name: Give the orders service a user, with a password the API generates
  scalingo.cloud.scalingo_database_user:
    database: orders-production
    name: orders-app
  register: orders_user

- name: Rotate the reporting user's password
  scalingo.cloud.scalingo_database_user:
    database: orders-production
    name: reporting
    read_only: true
    password: "{{ vault_reporting_new_password }}"
    update_password: always

- name: Delete a user that is no longer used
  scalingo.cloud.scalingo_database_user:
    database: orders-production
    name: old-batch
    state: absent
"""

RETURN = r"""
database_id:
  description: ID of the database, to pass on as O(database_id) to the next task about it.
  returned: success
  type: str
  version_added: 1.1.0
  sample: 54100930736f7563d5030000
addon_id:
  description: ID of the database's addon, to pass on as O(addon_id) to the next task about it.
  returned: when the task read the addon, or was given it
  type: str
  version_added: 1.1.0
  sample: ad-0bd4a9a9-ec71-4fc5-a0fb-23ac7b8f9d5e
user:
  description:
    - The user after the task, as the API describes it. With O(state=absent), the user that was deleted, or an empty
      dict when there was none.
  returned: success
  type: dict
  contains:
    name:
      description: Name of the user.
      type: str
      sample: reporting
    read_only:
      description: Whether the user may only read.
      type: bool
      sample: true
    protected:
      description: Whether it is the database's protected default user.
      type: bool
      sample: false
    password_encryption:
      description: How the database stores the password. V(null) in check mode for a user that would be created.
      type: str
      sample: scram-sha-256
password:
  description:
    - The password the API generated, on the run that created the user without O(password), or that reset it with
      O(update_password=always). Never on other runs.
    - A secret. A result that holds it is shown censored, at every verbosity, as with C(no_log) on the task;
      C(register) still gets it. Keep C(no_log) on the tasks that use it.
  returned: when the API generated a password
  type: str
  sample: Zm9vYmFyYmF6cXV4cXV1eHF1dXg
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._database_access import (
    create_user,
    database_api_id,
    delete_user,
    invalid_password_reason,
    invalid_user_name_reason,
    list_users,
    reset_password,
    set_password,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


class UserTask(DatabaseResource):
    def run(self) -> dict[str, Any]:
        self.user: str = self.params["name"]
        self.on = "user '%s' of database '%s'" % (self.user, self.name)
        with api_errors_fail_task("read the users of database '%s'" % self.name):
            api = self.database_api()
            # One list for all the users a loop declares on the database; each item writes its change into it.
            self.users = self.listed_once("users", lambda: list_users(api))
            existing = next((user for user in self.users if user["name"] == self.user), None)
        if self.params["state"] == "absent":
            return self._absent(api, existing)
        if existing is None:
            return self._create(api)
        return self._converge(api, existing)

    def _absent(self, api: DatabaseAPI, existing: Optional[dict[str, Any]]) -> dict[str, Any]:
        if existing is None:
            return self.result(False, "user", {}, {})
        self._fail_if_protected(existing, "deleted")
        if not self.check_mode:
            with api_errors_fail_task("delete " + self.on):
                delete_user(api, self.user)
            self.changed = True
            self.users.remove(existing)
        return dict(self.result(True, "user", existing, {}), user=existing)

    def _fail_if_protected(self, existing: dict[str, Any], what: str) -> None:
        """Refuse, before any write and in every mode, what the API refuses: the default user is protected."""
        if existing["protected"]:
            raise TaskFailed(_protected_user_reason(self.user, self.name, what), user=existing)

    def _create(self, api: DatabaseAPI) -> dict[str, Any]:
        if self.check_mode:
            planned = {"name": self.user, "read_only": self.params["read_only"], "protected": False,
                       "password_encryption": None}
            return self.result(True, "user", {}, planned)
        with api_errors_fail_task("create " + self.on):
            user, generated, by_us = create_user(
                api, database_api_id(api), self.user, self.params["read_only"], self.params["password"]
            )
        self.users.append(user)
        if not by_us:
            # Another task created the user between our read and our create: converge on theirs.
            return self._converge(api, user)
        self.changed = True
        return _with_password(self.result(True, "user", {}, user), generated)

    def _converge(self, api: DatabaseAPI, existing: dict[str, Any]) -> dict[str, Any]:
        if existing["read_only"] != self.params["read_only"]:
            raise TaskFailed(
                "User '%s' of database '%s' has read_only %s, not %s, and the API cannot change it: delete the user "
                "and create it again (state: absent, then present) to change it."
                % (self.user, self.name, _yaml(existing["read_only"]), _yaml(self.params["read_only"])),
                user=existing,
            )
        if self.params["update_password"] != "always":
            return self.result(False, "user", existing, existing)
        self._fail_if_protected(existing, "given a new password")
        if self.check_mode:
            return _password_changes_in_diff(self.result(True, "user", existing, existing))
        generated = None
        with api_errors_fail_task("set the password of " + self.on):
            if self.params["password"] is None:
                user, generated = reset_password(api, self.user)
            else:
                user = set_password(api, database_api_id(api), self.user, self.params["password"]) or existing
        self.changed = True
        self.users[self.users.index(existing)] = user
        return _with_password(_password_changes_in_diff(self.result(True, "user", existing, user)), generated)


def _protected_user_reason(user: str, database: str, what: str) -> str:
    return ("User '%s' of database '%s' is protected (the database's default user): it cannot be %s. Nothing was "
            "changed." % (user, database, what))


def _password_changes_in_diff(result: dict[str, Any]) -> dict[str, Any]:
    """A diff that says the password changes, and nothing of what it is: the user's attributes do not show it."""
    if "diff" in result:
        result["diff"]["before"]["password"] = "(current)"
        result["diff"]["after"]["password"] = "(changed)"
    return result


def _with_password(result: dict[str, Any], generated: Optional[str]) -> dict[str, Any]:
    return dict(result, password=generated) if generated else result


def _yaml(value: bool) -> str:
    return "true" if value else "false"


def check_input(params: dict[str, Any]) -> Optional[str]:
    password = params["password"]
    reasons = (
        invalid_database_reason(params),
        invalid_user_name_reason(params["name"]),
        invalid_password_reason(password) if password is not None else None,
    )
    return next((reason for reason in reasons if reason), None)


DECLARATION = ModuleDeclaration(
    logic=UserTask.logic,
    secret_results=("password",),
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        name=dict(type="str", required=True),
        read_only=dict(type="bool", default=False),
        password=dict(type="str", no_log=True),
        # Not a password: said so, or AnsibleModule warns that the name looks like one.
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        **DATABASE_ID_OPTIONS,
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
