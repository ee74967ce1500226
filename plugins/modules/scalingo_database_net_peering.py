#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_net_peering
short_description: Manage the Outscale net peerings of a Scalingo dedicated database as a declared set
version_added: 1.1.0
description:
  - A dedicated database on a private network (see O(scalingo.cloud.scalingo_database#module:ip_range)) is reached
    from an Outscale net through a net peering. The peering is requested in Outscale, from the net to the database's
    (see RV(scalingo.cloud.scalingo_database_info#module:databases[].network_configuration)); this module then makes
    the database's peerings the ones the task lists, by their Outscale IDs.
  - A peering the API lists as V(deleted) counts as gone. Every ID is checked before any request.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.1.0
    description:
      - Name of the database; it must exist.
    type: str
    required: true
  peerings:
    version_added: 1.1.0
    description:
      - Outscale net peering IDs, for example V(pcx-1a2b3c4d). The order does not matter; an ID listed twice is one.
    type: list
    elements: str
    default: []
  purge:
    version_added: 1.1.0
    description:
      - With V(true), O(peerings) is the whole set, and the database's other peerings are deleted.
      - With V(false), the listed peerings are only added.
    type: bool
    default: true
  state:
    version_added: 1.1.0
    description:
      - V(present) makes the listed peerings exist; V(absent) deletes them.
    type: str
    default: present
    choices: [present, absent]
attributes:
  check_mode:
    support: full
    details: The database and its peerings are read; nothing is created or deleted.
  diff_mode:
    support: full
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - Costs a lookup of the database, the list of its peerings, and one request per peering created or deleted.
"""

EXAMPLES = r"""
- name: Peer the database with the application's Outscale net, and nothing else
  scalingo.cloud.scalingo_database_net_peering:
    database: analytics-warehouse
    peerings:
      - pcx-1a2b3c4d

- name: End one peering, leaving the others
  scalingo.cloud.scalingo_database_net_peering:
    database: analytics-warehouse
    peerings:
      - pcx-1a2b3c4d
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
net_peerings:
  description: The database's peerings after the task (in check mode, as they would be), sorted by Outscale ID.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the peering at Scalingo; V(null) in check mode for one that would be created.
      type: str
    status:
      description: The peering's state as the API reports it, for example V(active); V(null) in check mode for one
        that would be created.
      type: str
      sample: active
    outscale_net_peering_id:
      description: The Outscale ID of the peering.
      type: str
      sample: pcx-1a2b3c4d
    outscale_source_net_id:
      description: The Outscale net on the other side.
      type: str
      sample: vpc-5e6f7a8b
    outscale_source_net_ip_range:
      description: The IP range of that net.
      type: str
      sample: 10.10.0.0/16
    outscale_source_account_id:
      description: The Outscale account that owns it.
      type: str
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._networking import (
    PEERING_FIELDS,
    create_peering,
    delete_peering,
    invalid_peering_id_reason,
    list_peerings,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import api_errors_fail_task


class NetPeeringTask(DatabaseResource):
    def run(self) -> dict[str, Any]:
        with api_errors_fail_task("read the net peerings of database '%s'" % self.name):
            database = self.database()
            existing = list_peerings(self.client, database)
        listed = set(self.params["peerings"])
        present = {peering["outscale_net_peering_id"] for peering in existing}
        if self.params["state"] == "absent":
            to_delete = [peering for peering in existing if peering["outscale_net_peering_id"] in listed]
            missing: list[str] = []
        else:
            to_delete = [peering for peering in existing if self.params["purge"] and peering["outscale_net_peering_id"] not in listed]
            missing = sorted(listed - present)
        kept = [peering for peering in existing if peering not in to_delete]
        after = kept + self._delete_then_create(database, to_delete, missing)
        # What the API did, not what was planned: a peering another run made or ended meanwhile is no change.
        changed = bool(to_delete or missing) if self.check_mode else self.changed
        return self.result(changed, "net_peerings", _in_order(existing), _in_order(after))

    def _delete_then_create(
        self, database: dict[str, Any], to_delete: list[dict[str, Any]], missing: list[str]
    ) -> list[dict[str, Any]]:
        if self.check_mode:
            return [dict(dict.fromkeys(PEERING_FIELDS), outscale_net_peering_id=outscale_id) for outscale_id in missing]
        for peering in to_delete:
            action = "delete net peering %s of database '%s'" % (peering["outscale_net_peering_id"], self.name)
            with api_errors_fail_task(action):
                if delete_peering(self.client, database, peering):
                    self.changed = True
        created = []
        for outscale_id in missing:
            with api_errors_fail_task("add net peering %s to database '%s'" % (outscale_id, self.name)):
                peering, made_by_us = create_peering(self.client, database, outscale_id)
            created.append(peering)
            self.changed = self.changed or made_by_us
        return created


def _in_order(peerings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(peerings, key=lambda peering: str(peering["outscale_net_peering_id"]))


def check_input(params: dict[str, Any]) -> Optional[str]:
    """Every ID, before any request: nothing is written when one is wrong."""
    reasons = [invalid_database_reason(params)] + [invalid_peering_id_reason(text) for text in params["peerings"]]
    return next((reason for reason in reasons if reason), None)


DECLARATION = ModuleDeclaration(
    logic=NetPeeringTask.logic,
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        peerings=dict(type="list", elements="str", default=[]),
        purge=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        **DATABASE_ID_OPTIONS,
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
