# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A local connection the collection treats as a remote target, for tests.

scalingo.cloud runs its modules' logic in Ansible's worker when the task's
connection is ``local``. Through this connection, the same playbooks run the
modules as on any other host: in a process of their own.
"""

from __future__ import annotations

DOCUMENTATION = """
    name: scalingo_test_target
    short_description: run tasks on the controller as if it were a remote host
    description:
        - The local connection under another name, so that action plugins treat the controller as a target.
    author: scalingo.cloud maintainers (@scalingo-cloud)
    options:
        become_success_timeout:
            type: int
            default: 10
            description:
                - Number of seconds to wait for become to succeed when enabled.
        become_strip_preamble:
            type: bool
            default: true
            description:
                - Strip internal become output preceding command execution.
    extends_documentation_fragment:
        - connection_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    transport = "scalingo_test_target"
