#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_info
short_description: List Scalingo PostgreSQL databases offered as Dedicated Resources, or get one
version_added: 0.1.0
description:
  - Returns every database the API token can see, or the one database named by O(name).
  - Never changes anything.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  name:
    description:
      - ID or name of one database.
      - When the database does not exist, RV(databases) is an empty list.
      - When omitted, every database is returned.
    type: str
  project_id:
    description:
      - Only return databases of this project.
    type: str
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.info_module
"""

EXAMPLES = r"""
- name: List every database
  scalingo.cloud.scalingo_database_info:
  register: all_databases

- name: Get one database by name (or by ID)
  scalingo.cloud.scalingo_database_info:
    name: orders-production
  register: orders

- name: Fail when the database is missing
  ansible.builtin.assert:
    that: orders.databases | length == 1
    fail_msg: orders-production does not exist

- name: List the databases of one project
  scalingo.cloud.scalingo_database_info:
    project_id: pr-82a3cac5-9b25-473e-b33d-6272b87e636f
  register: project_databases
"""

RETURN = r"""
databases:
  description: The databases found, an empty list when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Unique ID of the database.
      returned: always
      type: str
      sample: 54100930736f7563d5030000
    name:
      description: Name of the database.
      returned: always
      type: str
      sample: orders-production
    project_id:
      description: ID of the project the database belongs to.
      returned: always
      type: str
      sample: pr-82a3cac5-9b25-473e-b33d-6272b87e636f
    technology:
      description: Database technology.
      returned: always
      type: str
      sample: postgresql-ng
    plan:
      description: Plan of the database.
      returned: always
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
    find_database,
    list_databases,
)
from ansible_collections.scalingo.cloud.plugins.module_utils.scalingo_options import (
    client_from_params,
    insecure_settings_warning,
    invalid_input_reason,
    scalingo_argument_spec,
)


def fetch_databases(module: AnsibleModule) -> list[dict[str, Any]]:
    client = client_from_params(module.params)
    ref: Optional[str] = module.params["name"]
    try:
        if ref is None:
            return list_databases(client)
        found = find_database(client, ref)
    except ScalingoAPIError as error:
        module.fail_json(msg=error.sentence("list databases" if ref is None else "look up database '%s'" % ref))
    return [] if found is None else [found]


def in_project(databases: list[dict[str, Any]], project_id: Optional[str]) -> list[dict[str, Any]]:
    if project_id is None:
        return databases
    return [database for database in databases if database["project_id"] == project_id]


def build_module() -> AnsibleModule:
    argument_spec = scalingo_argument_spec()
    argument_spec.update(
        name=dict(type="str"),
        project_id=dict(type="str"),
    )
    return AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)


def main() -> None:
    module = build_module()
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    reason = invalid_input_reason(module.params, ("name", "project_id"))
    if reason:
        module.fail_json(msg=reason)
    warning = insecure_settings_warning(module.params)
    if warning:
        module.warn(warning)
    databases = in_project(fetch_databases(module), module.params["project_id"])
    module.exit_json(changed=False, databases=databases)


if __name__ == "__main__":
    main()
