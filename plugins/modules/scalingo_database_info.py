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
    version_added: 0.1.0
    description:
      - ID or name of one database.
      - When the database does not exist, RV(databases) is an empty list.
      - When omitted, every database is returned.
    type: str
  project_id:
    version_added: 0.1.0
    description:
      - Only return databases of this project.
      - Mutually exclusive with O(project).
    type: str
  project:
    version_added: 1.1.0
    description:
      - Only return databases of the project of this name. The task lists the account's projects once to find its ID;
        a name that matches no project, or several, fails and lists the candidates.
      - Mutually exclusive with O(project_id).
    type: str
  include_status:
    description:
      - Whether to add each database's status (RV(databases[].status)), the database's own as the Database API
        reports it (see O(database_api)), not its addon's.
      - Costs, per database, a read of its addon (shared with the other options that need it) and a read of
        the database.
    type: bool
    default: false
    version_added: 0.2.0
  include_url:
    description:
      - Whether to add each database's connection URL (RV(databases[].url)), the E(SCALINGO_POSTGRESQL_URL)
        variable of its app.
      - The URL holds the database password. A result that holds one is shown censored, at every verbosity, as
        with C(no_log) on the task; C(register) still gets it. Keep the registered result out of logs and files.
      - Costs one request per database.
    type: bool
    default: false
    version_added: 0.2.0
  include_endpoints:
    description:
      - Whether to add each database's endpoints (RV(databases[].endpoints)), where clients connect.
      - Costs one request per database.
    type: bool
    default: false
    version_added: 1.0.0
  include_network:
    description:
      - Whether to add each database's private network (RV(databases[].network_configuration)), the Outscale
        account and net it lives in and its IP range, which a net peering is requested against.
      - Costs one request per database.
    type: bool
    default: false
    version_added: 1.1.0
  include_net_peerings:
    description:
      - Whether to add each database's Outscale net peerings (RV(databases[].net_peerings)), those the API lists as
        deleted left out.
      - Costs one request per database.
    type: bool
    default: false
    version_added: 1.1.0
  include_firewall_rules:
    description:
      - Whether to add each database's firewall rules (RV(databases[].firewall_rules)).
      - Costs, per database, a read of its addon (shared with the other options that need it) and the list of
        rules; with the legacy layout of the Database API, an addon token too (cached between tasks).
    type: bool
    default: false
    version_added: 1.0.0
  include_users:
    description:
      - Whether to add each database's users (RV(databases[].users)). Never a password.
      - Costs, per database, a read of its addon (shared with the other options that need it) and the list of
        users; with the legacy layout of the Database API, an addon token too (cached between tasks).
    type: bool
    default: false
    version_added: 1.0.0
  include_settings:
    description:
      - Whether to add each database's maintenance window and periodic backups (RV(databases[].settings)), as
        scalingo.cloud.scalingo_database_settings sets them.
      - Costs, per database, a read of its addon (shared with the other options that need it) and
        a read of the database.
    type: bool
    default: false
    version_added: 1.1.0
  include_backups:
    description:
      - Whether to add each database's backups (RV(databases[].backups)), periodic and manual.
      - Costs, per database, a read of its addon (shared with the other options that need it) and
        the list of backups.
    type: bool
    default: false
    version_added: 1.1.0
  include_recovery_window:
    description:
      - Whether to add the times each database can be restored to (RV(databases[].recovery_window)), with
        scalingo.cloud.scalingo_database_restore.
      - Costs, per database, a read of its addon (shared with the other options that need it) and
        one request.
    type: bool
    default: false
    version_added: 1.1.0
  include_maintenance:
    description:
      - Whether to add each database's maintenance operations, past and planned (RV(databases[].maintenance)).
      - Costs, per database, a read of its addon (shared with the other options that need it) and
        a request per page of operations.
    type: bool
    default: false
    version_added: 1.1.0
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

- name: Read the status of every database
  scalingo.cloud.scalingo_database_info:
    include_status: true
  register: with_status

- name: Show a database's backups, how far back it can be restored, and its maintenance
  scalingo.cloud.scalingo_database_info:
    name: orders-production
    include_settings: true
    include_backups: true
    include_recovery_window: true
    include_maintenance: true
  register: orders_recovery

- name: Fetch the connection URL of one database, a secret (the task's output is censored)
  scalingo.cloud.scalingo_database_info:
    name: orders-production
    include_url: true
  register: orders_connection
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
    status:
      description:
        - The database's status. V(creating) while it is being created (also while the Database API does not know
          it yet); V(running) when it serves; V(migrating), V(updating) or V(upgrading) while it moves, changes plan
          or changes version; V(stopped) when it is stopped, which waiting does not change.
        - Before 1.1.0, the status of the database's addon (V(provisioning), V(running), V(suspended)), which can
          say V(running) while the database is not.
      returned: when O(include_status=true)
      type: str
      sample: running
      version_added: 0.2.0
    url:
      description:
        - Connection URL of the database, password included. V(null) when its app has none.
        - A secret; see O(include_url).
      returned: when O(include_url=true)
      type: str
      sample: postgres://orders_production:secret@orders-production.postgresql.example:30000/orders_production
      version_added: 0.2.0
    endpoints:
      description: Where clients connect to the database.
      returned: when O(include_endpoints=true)
      type: list
      elements: dict
      version_added: 1.0.0
      contains:
        hostname:
          description: Host name of the endpoint.
          type: str
          sample: orders-production.postgresql.osc-fr1.scalingo-dbs.com
        port:
          description: Port of the endpoint.
          type: int
          sample: 30000
        type:
          description: V(public-rw) or V(private-peering-rw).
          type: str
          sample: public-rw
    firewall_rules:
      description:
        - The database's firewall rules, each with the keys of the RV(scalingo.cloud.scalingo_database_firewall#module:rules)
          that scalingo.cloud.scalingo_database_firewall returns.
      returned: when O(include_firewall_rules=true)
      type: list
      elements: dict
      version_added: 1.0.0
    users:
      description:
        - The database's users, each with the keys of the RV(scalingo.cloud.scalingo_database_user#module:user) that
          scalingo.cloud.scalingo_database_user returns. Never a password.
      returned: when O(include_users=true)
      type: list
      elements: dict
      version_added: 1.0.0
    settings:
      description:
        - The database's maintenance window and periodic backups, with the keys of the
          RV(scalingo.cloud.scalingo_database_settings#module:settings) that scalingo.cloud.scalingo_database_settings
          returns.
      returned: when O(include_settings=true)
      type: dict
      version_added: 1.1.0
    backups:
      description:
        - The database's backups, each with the keys of the RV(scalingo.cloud.scalingo_database_backup#module:backup)
          that scalingo.cloud.scalingo_database_backup returns. Never a download link.
      returned: when O(include_backups=true)
      type: list
      elements: dict
      version_added: 1.1.0
    network_configuration:
      description: The database's private network; V(null) when the API says it has none.
      returned: when O(include_network=true)
      type: dict
      version_added: 1.1.0
      contains:
        outscale_account_id:
          description: The Outscale account of the database's net.
          type: str
        outscale_net_id:
          description: The Outscale net the database lives in.
          type: str
          sample: vpc-0a1b2c3d
        ip_range:
          description: Its IP range.
          type: str
          sample: 10.20.0.0/24
    net_peerings:
      description:
        - The database's Outscale net peerings, each with the keys of the
          RV(scalingo.cloud.scalingo_database_net_peering#module:net_peerings) that
          scalingo.cloud.scalingo_database_net_peering returns.
      returned: when O(include_net_peerings=true)
      type: list
      elements: dict
      version_added: 1.1.0
    recovery_window:
      description: The times the database can be restored to.
      returned: when O(include_recovery_window=true)
      type: dict
      version_added: 1.1.0
      contains:
        earliest_recoverable_at:
          description: The earliest, RFC 3339; V(null) when the API does not say.
          type: str
          sample: "2026-11-28T14:30:00Z"
        latest_recoverable_at:
          description: The latest, RFC 3339; V(null) when the API does not say.
          type: str
          sample: "2026-12-05T16:02:11Z"
    maintenance:
      description: The database's maintenance operations, past and planned.
      returned: when O(include_maintenance=true)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        id:
          description: ID of the operation.
          type: str
        type:
          description: What the maintenance does, as the API names it.
          type: str
          sample: postgresql-minor-upgrade
        status:
          description: V(scheduled), V(notified), V(queued), V(running), V(done), V(failed) or V(cancelled).
          type: str
          sample: done
        started_at:
          description: When it started; V(null) before.
          type: str
        ended_at:
          description: When it ended; V(null) before.
          type: str
"""

from typing import Any, Callable, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._backups import (
    list_backups,
    list_maintenance,
    read_settings,
    recovery_window,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._database_access import (
    list_endpoints,
    list_rules,
    list_users,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import (
    connection_url,
    database_status,
    find_addon,
    find_database,
    list_databases,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._networking import list_peerings, network_configuration
from ansible_collections.scalingo.cloud.plugins.module_utils._options import client_from_params
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import project_id_named
from ansible_collections.scalingo.cloud.plugins.module_utils._task import api_errors_fail_task

# The details read from the Database API, which need the database's addon.
NEEDS_DATABASE_API = (
    "include_status", "include_firewall_rules", "include_users", "include_settings", "include_backups",
    "include_recovery_window", "include_maintenance",
)


def fetch_databases(client: ScalingoClient, ref: Optional[str]) -> list[dict[str, Any]]:
    if ref is None:
        with api_errors_fail_task("list databases"):
            return list_databases(client)
    with api_errors_fail_task("look up database '%s'" % ref):
        found = find_database(client, ref)
    return [] if found is None else [found]


def add_details(client: ScalingoClient, databases: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Add what the include_* options ask for; each costs requests per database, as the documentation says."""
    return [dict(database, **details_of(client, database, params)) for database in databases]


def details_of(client: ScalingoClient, database: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    with api_errors_fail_task("read the details of database '%s'" % database["name"]):
        # One read of the addon serves the status and the Database API's calls.
        needs_addon = any(params[option] for option in NEEDS_DATABASE_API)
        addon = find_addon(client, database) if needs_addon else {}
        api = client.database_api(database["id"], addon["id"]) if needs_addon else None
        if api is not None and params["include_status"]:
            details["status"] = database_status(api)
        if params["include_url"]:
            details["url"] = connection_url(client, database)
        if params["include_endpoints"]:
            details["endpoints"] = list_endpoints(client, database)
        if params["include_network"]:
            details["network_configuration"] = network_configuration(client, database)
        if params["include_net_peerings"]:
            details["net_peerings"] = list_peerings(client, database)
        if api is not None and params["include_firewall_rules"]:
            details["firewall_rules"] = list_rules(api)
        if api is not None and params["include_users"]:
            details["users"] = list_users(api)
        if api is not None and params["include_settings"]:
            details["settings"] = read_settings(api)
        if api is not None and params["include_backups"]:
            details["backups"] = list_backups(api)
        if api is not None and params["include_recovery_window"]:
            details["recovery_window"] = recovery_window(api)
        if api is not None and params["include_maintenance"]:
            details["maintenance"] = list_maintenance(api)
    return details


def in_project(databases: list[dict[str, Any]], project_id: Optional[str]) -> list[dict[str, Any]]:
    if project_id is None:
        return databases
    return [database for database in databases if database["project_id"] == project_id]


def run(params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> dict[str, Any]:
    """The task's result for checked ``params``; raises TaskFailed when it fails.

    Reading changes nothing, so check mode and diff change nothing either.
    """
    client = client_from_params(params, warn)
    project_id = params["project_id"]
    if params["project"] is not None:
        project_id = project_id_named(client, params["project"])
    databases = in_project(fetch_databases(client, params["name"]), project_id)
    return {
        "changed": False,
        "databases": add_details(client, databases, params),
    }


DECLARATION = ModuleDeclaration(
    secret_results=("databases[].url",),
    logic=run,
    mutually_exclusive=[["project", "project_id"]],
    options=dict(
        name=dict(type="str"),
        project_id=dict(type="str"),
        project=dict(type="str"),
        include_status=dict(type="bool", default=False),
        include_url=dict(type="bool", default=False),
        include_endpoints=dict(type="bool", default=False),
        include_network=dict(type="bool", default=False),
        include_net_peerings=dict(type="bool", default=False),
        include_firewall_rules=dict(type="bool", default=False),
        include_users=dict(type="bool", default=False),
        include_settings=dict(type="bool", default=False),
        include_backups=dict(type="bool", default=False),
        include_recovery_window=dict(type="bool", default=False),
        include_maintenance=dict(type="bool", default=False),
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
