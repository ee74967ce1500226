#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database
short_description: Ensure a Scalingo PostgreSQL database offered as a Dedicated Resource exists
version_added: 0.1.0
description:
  - Looks the database up by name and creates it only when the Scalingo API answers that it does not exist.
  - An existing database is left as it is. The API cannot change a database's plan or project, so when the
    existing database has another plan, or another project than O(project_id), the module fails and says what differs.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  name:
    description:
      - Name of the database, 6 to 48 lower-case letters, digits and hyphens.
      - Checked before any request is sent.
    type: str
    required: true
  technology:
    description:
      - Database technology.
    type: str
    default: postgresql-ng
    choices: [postgresql-ng]
  plan:
    description:
      - Plan of the database, for example V(postgresql-dr-starter-4096).
      - Required when the database does not exist yet. When it exists, its plan must be this one.
    type: str
  project_id:
    description:
      - ID of the project the database belongs to.
      - When omitted, a new database goes to the account's default project and an existing one may be in any project.
    type: str
  state:
    description:
      - V(present) ensures the database exists.
    type: str
    default: present
    choices: [present]
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Ensure the production database exists
  scalingo.cloud.scalingo_database:
    name: orders-production
    plan: postgresql-dr-starter-4096
    project_id: pr-82a3cac5-9b25-473e-b33d-6272b87e636f

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
"""

RETURN = r"""
database:
  description: The database, as the API describes it. In check mode, before a create, the database that would be created.
  returned: success
  type: dict
  contains:
    id:
      description: Unique ID of the database. V(null) in check mode when the database would be created.
      returned: success
      type: str
      sample: 54100930736f7563d5030000
    name:
      description: Name of the database.
      returned: success
      type: str
      sample: orders-production
    project_id:
      description: ID of the project the database belongs to.
      returned: success
      type: str
      sample: pr-82a3cac5-9b25-473e-b33d-6272b87e636f
    technology:
      description: Database technology.
      returned: success
      type: str
      sample: postgresql-ng
    plan:
      description: Plan of the database.
      returned: success
      type: str
      sample: postgresql-dr-starter-4096
"""

from typing import Any, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ScalingoAPIError,
)
from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_databases import (
    TECHNOLOGIES,
    Creation,
    create_database_once,
    find_database,
    invalid_name_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_options import (
    client_from_params,
    insecure_settings_warning,
    invalid_input_reason,
    scalingo_argument_spec,
)


class DatabaseModule:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.params = module.params
        self.name: str = module.params["name"]
        self.client = client_from_params(module.params)

    def present(self) -> dict[str, Any]:
        existing = self._find()
        if existing is not None:
            return self._unchanged(existing)
        desired = self._desired_database()
        if self.module.check_mode:
            return self._result(changed=True, before=None, after=desired)
        creation = self._create()
        if not creation.made_by_us:
            # Another host or job created it between our lookup and our create.
            return self._unchanged(creation.database)
        self._fail_on_differences(creation.database)
        return self._result(changed=True, before=None, after=creation.database)

    def _unchanged(self, existing: dict[str, Any]) -> dict[str, Any]:
        self._fail_on_differences(existing)
        return self._result(changed=False, before=existing, after=existing)

    def _find(self) -> Optional[dict[str, Any]]:
        try:
            return find_database(self.client, self.name)
        except ScalingoAPIError as error:
            self.module.fail_json(msg=error.sentence("look up database '%s'" % self.name))

    def _create(self) -> Creation:
        try:
            return create_database_once(
                self.client, self.name, self.params["technology"], self.params["plan"], self.params["project_id"]
            )
        except ScalingoAPIError as error:
            self.module.fail_json(msg=error.sentence("create database '%s'" % self.name))

    def _desired_database(self) -> dict[str, Any]:
        if not self.params["plan"]:
            self.module.fail_json(
                msg="Database '%s' does not exist and cannot be created without a plan: set the plan option "
                "(for example postgresql-dr-starter-4096)." % self.name
            )
        return {
            "id": None,
            "name": self.name,
            "project_id": self.params["project_id"],
            "technology": self.params["technology"],
            "plan": self.params["plan"],
        }

    def _fail_on_differences(self, existing: dict[str, Any]) -> None:
        differences = [
            "%s is '%s', not '%s'" % (field, existing[field], wanted)
            for field, wanted in self._fixed_fields().items()
            if wanted is not None and existing[field] != wanted
        ]
        if differences:
            self.module.fail_json(
                msg="Database '%s' already exists and differs from the task: %s. The Scalingo API cannot change "
                "the plan, technology or project of an existing database." % (self.name, "; ".join(differences)),
                database=existing,
            )

    def _fixed_fields(self) -> dict[str, Optional[str]]:
        return {
            "technology": self.params["technology"],
            "plan": self.params["plan"],
            "project_id": self.params["project_id"],
        }

    def _result(self, changed: bool, before: Optional[dict[str, Any]], after: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": changed, "database": after}
        if self.module._diff:
            result["diff"] = {"before": before or {}, "after": after}
        return result


def build_module() -> AnsibleModule:
    argument_spec = scalingo_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        technology=dict(type="str", default=TECHNOLOGIES[0], choices=list(TECHNOLOGIES)),
        plan=dict(type="str"),
        project_id=dict(type="str"),
        state=dict(type="str", default="present", choices=["present"]),
    )
    return AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)


def main() -> None:
    module = build_module()
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    reason = invalid_input_reason(module.params, ("name", "plan", "project_id")) or invalid_name_reason(
        module.params["name"]
    )
    if reason:
        module.fail_json(msg=reason)
    warning = insecure_settings_warning(module.params)
    if warning:
        module.warn(warning)
    module.exit_json(**DatabaseModule(module).present())


if __name__ == "__main__":
    main()
