#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: scalingo_database_firewall
short_description: Manage the firewall rules of a Scalingo dedicated database as a declared set
version_added: 1.0.0
description:
  - A dedicated database refuses every connection until a firewall rule allows it. This module makes the database's
    rules what the task lists.
  - A rule is either a network in CIDR form with an optional label, or a range Scalingo maintains (a managed range,
    such as the egress addresses of Scalingo's own apps in a region), named by its ID or its name.
  - A listed CIDR whose rule has another label is relabelled in place. Where the Database API has no label update,
    the rule is deleted and created again, with a warning, since that cuts the network off while the change applies.
    The order of the list does not matter, and a rule listed twice is one rule. A change takes about two minutes to
    apply on the database.
  - Every rule is checked before any request (a valid CIDR with no bit set past its prefix, at most 30 rules); when
    any is wrong, nothing is written.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  database:
    version_added: 1.0.0
    description:
      - Name of the database whose rules are managed.
      - The database must exist; a missing one fails the task and is named in its message.
    type: str
    required: true
  state:
    version_added: 1.0.0
    description:
      - V(present) makes the listed rules exist; V(absent) removes them (a O(rules[].cidr) rule whatever its label).
    type: str
    default: present
    choices: [present, absent]
  rules:
    version_added: 1.0.0
    description:
      - The rules. Each is either O(rules[].cidr) (with an optional O(rules[].label)) or O(rules[].managed_range).
    type: list
    elements: dict
    default: []
    suboptions:
      cidr:
        description:
          - A network allowed to connect, for example V(203.0.113.0/24) or V(2001:db8::/48). A single address is
            V(203.0.113.7/32). It is written in its canonical form.
        type: str
      label:
        description:
          - A label for a O(rules[].cidr) rule, for example V(office).
        type: str
      managed_range:
        description:
          - The ID (for example V(man-osc-fr1-egress)) or the name of a range Scalingo maintains. An unknown one fails
            and lists the valid names.
        type: str
  purge:
    version_added: 1.0.0
    description:
      - With V(true), O(rules) is the whole set, and rules of the database that it does not list are deleted.
      - With V(false), the listed rules are only added (or, for a changed label, relabelled).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details: The rules and the managed ranges are read; nothing is created or deleted.
  diff_mode:
    support: full
extends_documentation_fragment:
  - scalingo.cloud.scalingo
  - scalingo.cloud.scalingo.attributes
  - scalingo.cloud.scalingo.database_ids
notes:
  - Costs, in requests, a lookup of the database and of its addon (none for what O(database_id) and O(addon_id) give),
    an addon token (cached like the bearer token), the list of rules, the list of managed ranges when a rule names
    one by name or by an ID none of the database's rules has, and one request per rule created or deleted.
"""

EXAMPLES = r"""
- name: Allow the office network and Scalingo's own apps, and nothing else
  scalingo.cloud.scalingo_database_firewall:
    database: orders-production
    rules:
      - cidr: 203.0.113.0/24
        label: office
      - managed_range: man-osc-fr1-egress

- name: Add a partner's address, leaving the other rules alone
  scalingo.cloud.scalingo_database_firewall:
    database: orders-production
    rules:
      - cidr: 198.51.100.7/32
        label: partner
    purge: false

- name: Remove the partner's address
  scalingo.cloud.scalingo_database_firewall:
    database: orders-production
    rules:
      - cidr: 198.51.100.7/32
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
rules:
  description: The database's firewall rules after the task (in check mode, as they would be).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the rule. V(null) in check mode for a rule that would be created.
      type: str
      sample: fw-6d9c1e0a2b3c
    type:
      description: V(custom_range) (a CIDR) or V(managed_range).
      type: str
      sample: custom_range
    cidr:
      description: The network of a V(custom_range) rule.
      type: str
      sample: 203.0.113.0/24
    label:
      description: The label of a V(custom_range) rule, empty when it has none.
      type: str
      sample: office
    range_id:
      description: The managed range of a V(managed_range) rule.
      type: str
      sample: man-osc-fr1-egress
"""

from typing import Any, Optional

from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._database_access import (
    CUSTOM_RANGE,
    MANAGED_RANGE,
    MAX_RULES,
    canonical_cidr,
    create_rule,
    delete_rule,
    invalid_cidr_reason,
    list_managed_ranges,
    list_rules,
    relabel_rule,
    rule_key,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._module import ModuleDeclaration
from ansible_collections.scalingo.cloud.plugins.module_utils._resources import (
    DATABASE_ID_OPTIONS,
    DATABASE_ID_REQUIRED_BY,
    DatabaseResource,
    invalid_database_reason,
)
from ansible_collections.scalingo.cloud.plugins.module_utils._task import TaskFailed, api_errors_fail_task


# The networks that hold every address: a rule for one of them filters nothing.
OPEN_NETWORKS = ("0.0.0.0/0", "::/0")


class FirewallTask(DatabaseResource):
    # Missing rules found made by another task when this one created them.
    adopted = 0

    def run(self) -> dict[str, Any]:
        if self.params["state"] == "present":
            self._warn_of_open_networks()
        with api_errors_fail_task("read the firewall rules of database '%s'" % self.name):
            api = self.database_api()
            existing = list_rules(api)
            wanted = self._wanted_rules(api, existing)
        # Before any write: the managed ranges are counted now that each is known by its ID.
        too_many = _too_many(len(wanted))
        if too_many:
            raise TaskFailed(too_many)
        relabels: list[tuple[dict[str, Any], str]] = []
        relabelled: list[dict[str, Any]] = []
        if self.params["state"] == "absent":
            to_delete = [rule for rule in existing if any(_listed_as(rule, listed) for listed in wanted)]
            missing: list[dict[str, Any]] = []
        else:
            relabels = _relabels(existing, wanted)
            relabelled = [rule for rule, _label in relabels]
            to_delete = self._rules_to_delete([rule for rule in existing if rule not in relabelled], wanted)
            kept = {rule_key(rule) for rule in existing if rule not in to_delete and rule not in relabelled}
            kept |= {rule_key(dict(rule, label=label)) for rule, label in relabels}
            missing = [rule for rule in wanted if rule_key(rule) not in kept]
        unchanged = [rule for rule in existing if rule not in to_delete and rule not in relabelled]
        after = unchanged + self._relabel(api, relabels) + self._apply(api, to_delete, missing)
        # A missing rule another task made meanwhile was not this task's change.
        changed = bool(to_delete or relabels) or len(missing) > self.adopted
        return self.result(changed, "rules", _in_order(existing), _in_order(after))

    def _warn_of_open_networks(self) -> None:
        for rule in self.params["rules"]:
            cidr = canonical_cidr(rule["cidr"]) if rule["cidr"] is not None else None
            if cidr in OPEN_NETWORKS:
                self.warn("Firewall rule %s of database '%s' lets every address on the Internet connect: list the "
                          "networks that need the database instead." % (cidr, self.name))

    def _wanted_rules(self, api: DatabaseAPI, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The listed rules as the API writes them, each once, managed ranges named by their IDs.

        A managed range named by the ID of one of the database's rules is that range: only other names need the
        list of Scalingo's ranges.
        """
        in_rules = {rule["range_id"] for rule in existing if rule["type"] == MANAGED_RANGE}
        ranges: Optional[list[dict[str, str]]] = None
        wanted: dict[tuple[str, str, str], dict[str, Any]] = {}
        for listed in self.params["rules"]:
            reference = listed["managed_range"]
            if reference is None:
                rule = {"type": CUSTOM_RANGE, "cidr": canonical_cidr(listed["cidr"]), "label": listed["label"] or ""}
            elif reference in in_rules:
                rule = {"type": MANAGED_RANGE, "range_id": reference}
            else:
                ranges = ranges if ranges is not None else list_managed_ranges(api)
                rule = {"type": MANAGED_RANGE, "range_id": self._range_id(reference, ranges)}
            wanted.setdefault(rule_key(rule), dict({"id": None, "cidr": None, "label": None, "range_id": None}, **rule))
        return list(wanted.values())

    def _range_id(self, reference: str, ranges: list[dict[str, str]]) -> str:
        for managed in ranges:
            if reference in (managed["id"], managed["name"]):
                return managed["id"]
        raise TaskFailed(
            "Managed range '%s' is not one of Scalingo's. Valid names: %s."
            % (reference, ", ".join("%s (%s)" % (managed["name"], managed["id"]) for managed in ranges) or "none")
        )

    def _rules_to_delete(self, existing: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.params["purge"]:
            return []
        wanted_keys = {rule_key(rule) for rule in wanted}
        return [rule for rule in existing if rule_key(rule) not in wanted_keys]

    def _relabel(self, api: DatabaseAPI, relabels: list[tuple[dict[str, Any], str]]) -> list[dict[str, Any]]:
        """Change labels in place; where the API has no such route, replace the rule and say what that costs."""
        if self.check_mode:
            return [dict(rule, label=label) for rule, label in relabels]
        relabelled = []
        for rule, label in relabels:
            action = "relabel firewall rule %s of database '%s'" % (rule["cidr"], self.name)
            with api_errors_fail_task(action):
                updated = relabel_rule(api, rule, label)
            if updated is None:
                self.warn(
                    "The Database API has no label update: firewall rule %s of database '%s' was relabelled by "
                    "deleting and creating it again, which cuts that network off while the change applies (about "
                    "two minutes)." % (rule["cidr"], self.name)
                )
                updated = self._apply(api, [rule], [dict(rule, id=None, label=label)])[0]
            self.changed = True
            relabelled.append(updated)
        return relabelled

    def _apply(
        self, api: DatabaseAPI, to_delete: list[dict[str, Any]], missing: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Delete, then create (a replaced rule frees its CIDR and its place first); the rules created."""
        if self.check_mode:
            return missing
        created = []
        for rule in to_delete:
            with api_errors_fail_task("delete firewall rule %s of database '%s'" % (_described(rule), self.name)):
                delete_rule(api, rule["id"])
            self.changed = True
        for rule in missing:
            with api_errors_fail_task("add firewall rule %s to database '%s'" % (_described(rule), self.name)):
                made, by_us = create_rule(api, rule)
            created.append(made)
            # A rule another task made meanwhile is there as listed; this task changed nothing for it.
            self.changed = self.changed or by_us
            self.adopted += 0 if by_us else 1
        return created


def _relabels(existing: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """The existing custom rules listed under another label, each with the label it is to take."""
    labels = {rule["cidr"]: rule["label"] for rule in wanted if rule["type"] == CUSTOM_RANGE}
    wanted_keys = {rule_key(rule) for rule in wanted}
    return [
        (rule, labels[rule["cidr"]]) for rule in existing
        if rule["type"] == CUSTOM_RANGE and rule["cidr"] in labels and rule_key(rule) not in wanted_keys
    ]


def _listed_as(rule: dict[str, Any], listed: dict[str, Any]) -> bool:
    """Whether ``rule`` is one that ``state: absent`` lists: a CIDR whatever its label, or a managed range."""
    if rule["type"] != listed["type"]:
        return False
    if rule["type"] == MANAGED_RANGE:
        return bool(rule["range_id"] == listed["range_id"])
    return bool(rule["cidr"] == listed["cidr"])


def _described(rule: dict[str, Any]) -> str:
    return rule["range_id"] if rule["type"] == MANAGED_RANGE else rule["cidr"]


def _in_order(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rules, key=rule_key)


def check_input(params: dict[str, Any]) -> Optional[str]:
    """Every rule, before any request: nothing is written when one is wrong."""
    reason = invalid_database_reason(params)
    for rule in params["rules"]:
        reason = reason or (invalid_cidr_reason(rule["cidr"]) if rule["cidr"] is not None else None)
    if reason:
        return reason
    return _cidr_listed_twice_reason(params["rules"]) or _too_many_rules_reason(params["rules"])


def _cidr_listed_twice_reason(rules: list[dict[str, Any]]) -> Optional[str]:
    # A CIDR is a rule's identity: under two labels, one would replace the other on every run.
    labels: dict[str, str] = {}
    for rule in rules:
        if rule["cidr"] is None:
            continue
        cidr, label = canonical_cidr(rule["cidr"]), rule["label"] or ""
        if cidr in labels and labels[cidr] != label:
            return "Firewall rule %s is listed twice, labelled %r and %r: a network is one rule, list it once." % (
                cidr, labels[cidr], label)
        labels.setdefault(str(cidr), label)
    return None


def _too_many_rules_reason(rules: list[dict[str, Any]]) -> Optional[str]:
    # Counted as the API counts them: a network once whatever its label. A managed range named by its ID and by its
    # name is one rule, which only the list of ranges tells: FirewallTask counts those once it has read it.
    networks = {canonical_cidr(rule["cidr"]) for rule in rules if rule["cidr"] is not None}
    ranges = {rule["managed_range"] for rule in rules if rule["managed_range"] is not None}
    return _too_many(len(networks) + (1 if ranges else 0))


def _too_many(count: int) -> Optional[str]:
    if count > MAX_RULES:
        return "A database takes %d firewall rules at most; the task lists %d." % (MAX_RULES, count)
    return None


DECLARATION = ModuleDeclaration(
    logic=FirewallTask.logic,
    check_input=check_input,
    required_by=DATABASE_ID_REQUIRED_BY,
    options=dict(
        database=dict(type="str", required=True),
        rules=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(cidr=dict(type="str"), label=dict(type="str"), managed_range=dict(type="str")),
            mutually_exclusive=[["cidr", "managed_range"]],
            required_one_of=[["cidr", "managed_range"]],
            required_by={"label": ["cidr"]},
        ),
        purge=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        **DATABASE_ID_OPTIONS,
    ),
)


def main() -> None:
    DECLARATION.main()


if __name__ == "__main__":
    main()
