# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options of every scalingo.cloud module; see
    # plugins/module_utils/_options.py for the matching argument spec.
    DOCUMENTATION = r"""
options:
  api_token:
    version_added: 0.1.0
    description:
      - Scalingo API token (C(tk-us-...)), exchanged for a short-lived bearer token before the first API call.
      - If not set, the value of the E(SCALINGO_API_TOKEN) environment variable is used.
      - The token is never logged nor returned.
    type: str
    required: true
  region:
    version_added: 0.1.0
    description:
      - Scalingo region whose API is used, unless O(api_url) is set.
      - If not set, the value of the E(SCALINGO_REGION) environment variable is used.
    type: str
    default: osc-fr1
    choices: [osc-fr1, osc-secnum-fr1]
  api_url:
    version_added: 0.1.0
    description:
      - Base URL of the Scalingo API. Overrides O(region).
      - If not set, the value of the E(SCALINGO_API_URL) environment variable is used.
      - Must be C(https://), except for a loopback address such as C(http://127.0.0.1:8000) (a local test server).
      - A path after the host (a reverse proxy's prefix) is kept. A query, a fragment or a C(user:password@) is
        refused before any request.
      - An empty value counts as not set, as when an AWX credential leaves its API URL field blank.
    type: str
  auth_url:
    version_added: 0.1.0
    description:
      - Base URL of the Scalingo authentication service, where the API token is exchanged.
      - If not set, the value of the E(SCALINGO_AUTH_URL) environment variable is used.
      - Must be C(https://), except for a loopback address. A query, a fragment or a C(user:password@) is
        refused before any request.
    type: str
    default: https://auth.scalingo.com
  database_api_url:
    description:
      - Base URL of the legacy host of the Scalingo Database API (the O(database_api=legacy) layout), where a
        database's status, firewall rules and users are read and changed with an addon token. Overrides
        O(region) for those calls.
      - If not set, the value of the E(SCALINGO_DATABASE_API_URL) environment variable is used, then
        E(SCALINGO_DB_URL) (the Scalingo CLI's name), and else C(https://db-api.<region>.scalingo.com).
      - The same rules as O(api_url) apply. An empty value counts as not set.
    type: str
    version_added: 1.0.0
  database_api:
    description:
      - Where the calls of the Database API go (a database's status, firewall rules and users). Scalingo is moving
        them from their own host to the main API, and a region may serve any of three layouts.
      - V(main-api) is C({api_url}/api/databases/...) with the user's bearer token; V(main) is
        C({api_url}/v1/databases/...) with the bearer token; V(legacy) is C({database_api_url}/api/databases/...)
        with an addon token asked of the main API.
      - V(auto) tries them in that order and keeps the first that serves, for the following calls and, with
        O(token_cache=true), for an hour of tasks. It passes a layout over only on answers saying that the address
        does not exist (a 404 that is not the API's own JSON, a host that refuses connections or does not resolve),
        never on the API's own errors.
      - If not set, the value of the E(SCALINGO_DATABASE_API) environment variable is used.
    type: str
    default: auto
    choices: [auto, main-api, main, legacy]
    version_added: 1.1.0
  validate_certs:
    version_added: 0.1.0
    description:
      - Whether to verify the TLS certificates of the API and of the authentication service.
      - Turning it off sends a warning; do it only against a test server.
    type: bool
    default: true
  timeout:
    version_added: 0.1.0
    description:
      - Seconds to wait for each answer of the API, from more than 0 to 3600. The whole answer, headers and body,
        must arrive within them (about a second more at worst), however slowly a server sends it.
    type: float
    default: 30
  retries:
    version_added: 0.2.0
    description:
      - How many times to retry a request that met a rate limit (429), a gateway error (502, 503, 504),
        a timeout or a connection failure, waiting as the API asks (C(Retry-After)) or else longer each time
        (about 1, 2, 4... up to 30 seconds).
      - A create whose answer was lost is never blindly sent again; the database is looked up first.
      - V(0) sends each request once.
    type: int
    default: 8
  retry_max_wait:
    version_added: 0.2.0
    description:
      - Most seconds to spend waiting between retries of one request, from 0 to 86400. The default rides out the
        API's one-minute rate-limit window.
    type: float
    default: 150
  token_cache:
    version_added: 0.2.0
    description:
      - Whether to keep the short-lived bearer token (never the API token) for the next tasks, so that a run
        exchanges the API token once rather than once per task.
      - The token is kept in a file readable by its owner only (mode 0600), in C(~/.cache/scalingo.cloud) (or
        C($XDG_CACHE_HOME/scalingo.cloud)), a folder only its owner may enter (0700), under a name hashed from the
        API token and O(auth_url). It is used until five minutes before it expires, and dropped as soon as the
        API refuses it.
      - A folder open to others or owned by someone else is not used, and the task warns. A cache file that is a
        link, is open to others, or holds anything but a token is not read; one that holds anything but a token is
        dropped.
    type: bool
    default: true
requirements:
  - requests
notes:
  - All options above can be set once for every module of the collection with
    C(module_defaults) and the action group C(group/scalingo.cloud.scalingo).
"""

    # The options of the modules about something of a database (plugins/module_utils/_resources.py,
    # DATABASE_ID_OPTIONS).
    DATABASE_IDS = r"""
options:
  database_id:
    version_added: 1.1.0
    description:
      - ID of the database O(database) names, as scalingo.cloud.scalingo_database returns it (RV(ignore:database.id))
        or an earlier task of a module like this one returns it (RV(ignore:database_id)).
      - Given, the module does not look the database up, and trusts the ID to be that of O(database); where the
        items of a loop on the controller have already listed the account's databases, an ID that is not that of
        O(database) fails the task before any write. scalingo.cloud.scalingo_database_restore trusts no ID, and
        looks the database up all the same.
    type: str
  addon_id:
    version_added: 1.1.0
    description:
      - ID of the database's addon, as an earlier task of a module like this one returns it (RV(ignore:addon_id)).
      - Given with O(database_id), the module does not read the addon either. Requires O(database_id).
    type: str
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: all
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - When the task runs on the controller (connection C(local), no C(become), not C(async)), the action runs the
        module's code in the Ansible worker that handles the task, without a module process per loop item; options,
        results and the task's C(environment) are the same.
      - Anywhere else the module runs on its target, which then needs C(requests).
      - Set the variable C(scalingo_run_on_controller=false) to run the module as a module on the controller too,
        with its C(ansible_python_interpreter) and a process of its own.
  action_group:
    description: Use C(group/scalingo.cloud.scalingo) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - scalingo.cloud.scalingo
"""

    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    details: This module changes nothing, so check mode runs it as usual.
  diff_mode:
    support: N/A
    details: This module changes nothing.
"""
