# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: database_entry_problems
short_description: What is wrong with the entries of the databases role
version_added: 1.1.0
description:
  - Checks every entry of a list in the shape of the P(scalingo.cloud.databases#role) role's O(scalingo_databases)
    with the checks the modules run before their own requests (names, hours, weekdays, private ranges, peering IDs,
    firewall CIDRs, user names, password lengths), and that no database is named twice.
  - Returns one sentence per problem, naming its entry and never a password; an empty list when there is none.
  - The role runs it before its first change, so that a mistake in any entry fails the run before a database is
    created.
author:
  - scalingo.cloud maintainers (@scalingo-cloud)
options:
  _input:
    description: The entries, as the role takes them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the entries before anything is changed
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join(' ') }}"
  vars:
    problems: "{{ scalingo_databases | scalingo.cloud.database_entry_problems }}"
"""

RETURN = r"""
_value:
  description: One sentence per problem, in the order of the entries; empty when there is none.
  type: list
  elements: str
"""

from typing import Any, Callable

from ansible_collections.scalingo.cloud.plugins.module_utils._role_entries import entry_problems


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"database_entry_problems": entry_problems}
