# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the scalingo_database_net_peering module in Ansible's worker process when its task runs on the controller."""

from __future__ import annotations

from ansible_collections.scalingo.cloud.plugins.modules.scalingo_database_net_peering import DECLARATION
from ansible_collections.scalingo.cloud.plugins.plugin_utils._action import ScalingoModuleAction


class ActionModule(ScalingoModuleAction):
    declaration = DECLARATION
