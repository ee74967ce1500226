# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who can reach a dedicated database: its firewall rules, its users, its endpoints.

Private to the scalingo.cloud collection. Rules and users are calls of the
Database API (``ScalingoClient.database_api``), about the database's addon;
endpoints and project moves are calls of the main API. Functions here give
back plain dicts; deciding what is changed is the modules' business.
"""

from __future__ import annotations

import ipaddress
import string
from typing import Any, Callable, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._database_api import DatabaseAPI
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._creates import create_once
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import get_list

CUSTOM_RANGE = "custom_range"
MANAGED_RANGE = "managed_range"
MAX_RULES = 30
RULE_FIELDS = ("id", "type", "cidr", "label", "range_id")
USER_NAME_CHARACTERS = frozenset(string.ascii_lowercase + string.digits + "-")
PASSWORD_LENGTHS = (24, 64)


# --- firewall rules -----------------------------------------------------------------------------


def canonical_cidr(text: str) -> Optional[str]:
    """``text`` as a network in its canonical form, or None when it is not one (bits past the prefix included)."""
    try:
        return str(ipaddress.ip_network(text.strip(), strict=True))
    except ValueError:
        return None


def invalid_cidr_reason(text: str) -> Optional[str]:
    if canonical_cidr(text) is not None:
        return None
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return "Firewall rule %r is not a CIDR such as 203.0.113.0/24." % text
    return "Firewall rule %r has bits set past its prefix: the network is %s." % (text, network)


def list_rules(api: DatabaseAPI) -> list[dict[str, Any]]:
    return [rule_view(rule, "GET", _rules_path(api)) for rule in get_list(api, _rules_path(api), "rules")[1]]


def rule_view(rule: Any, method: str, path: str) -> dict[str, Any]:
    if not isinstance(rule, dict) or rule.get("type") not in (CUSTOM_RANGE, MANAGED_RANGE):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a firewall rule of no known type")
    view = {field: rule.get(field) for field in RULE_FIELDS}
    if not isinstance(view["id"], str) or not view["id"]:
        # Without its ID a rule cannot be deleted: a purge would have nothing to send.
        raise ScalingoAPIError(method, path, None, "unexpected answer: a firewall rule without an ID")
    if view["type"] == CUSTOM_RANGE:
        # Written as the API wrote it, compared in canonical form.
        view["cidr"] = canonical_cidr(str(view["cidr"])) or view["cidr"]
        view["label"] = view["label"] or ""
    return view


def create_rule(api: DatabaseAPI, rule: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Add a rule, ``{type, cidr, label}`` or ``{type, range_id}``; the rule, and whether this task made it.

    See create_once: a create whose answer was lost is looked for, and one refused because another task made the
    same rule meanwhile takes that rule.
    """
    path = _rules_path(api)
    body = {key: value for key, value in rule.items() if key in ("type", "cidr", "label", "range_id") and value}

    def find() -> Optional[dict[str, Any]]:
        return next((existing for existing in list_rules(api) if same_rule(existing, rule)), None)

    creation = create_once(api, lambda: api.post(path, body), find, taken=("cidr", "range_id"))
    if creation.found is not None:
        return creation.found, creation.made_by_us
    answer = creation.answer
    created = answer.get("rule") if isinstance(answer, dict) and "rule" in answer else answer
    try:
        return rule_view(created, "POST", path), True
    except ScalingoAPIError as error:
        # The API took the create (it answered 2xx): the rule was made, though its answer cannot be read.
        error.may_have_applied = True
        raise


def relabel_rule(api: DatabaseAPI, rule: dict[str, Any], label: str) -> Optional[dict[str, Any]]:
    """Change a custom rule's label in place; None where the API has no such route, or the rule's route takes no
    PATCH (405): the caller then replaces the rule."""
    path = "%s/%s" % (_rules_path(api), quote(str(rule["id"]), safe=""))
    try:
        answer = api.patch(path, {"firewall_rule": {"label": label}})
    except ScalingoAPIError as error:
        if error.no_such_route or error.status == 405:
            return None
        raise
    updated = answer.get("rule") if isinstance(answer, dict) and "rule" in answer else answer
    if not updated:
        # Applied (a 2xx), described by nothing: the rule is the one we had, relabelled.
        return dict(rule, label=label)
    return rule_view(updated, "PATCH", path)


def same_rule(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return rule_key(existing) == rule_key(wanted)


def rule_key(rule: dict[str, Any]) -> tuple[str, str, str]:
    """What makes a rule the same rule: its type and CIDR or range, and a custom rule's label."""
    if rule["type"] == MANAGED_RANGE:
        return (MANAGED_RANGE, str(rule["range_id"]), "")
    return (CUSTOM_RANGE, str(rule["cidr"]), str(rule.get("label") or ""))


def delete_rule(api: DatabaseAPI, rule_id: str) -> bool:
    """Remove a rule; False when the API says it was already gone."""
    return _delete(api, "%s/%s" % (_rules_path(api), quote(rule_id, safe="")))


def list_managed_ranges(api: DatabaseAPI) -> list[dict[str, str]]:
    ranges = get_list(api, "/firewall/managed_ranges", "ranges")[1]
    return [
        {"id": str(item.get("id")), "name": str(item.get("name"))}
        for item in ranges if isinstance(item, dict) and item.get("id")
    ]


def _rules_path(api: DatabaseAPI) -> str:
    return "/databases/%s/firewall_rules" % quote(api.addon_id, safe="")


# --- users --------------------------------------------------------------------------------------


def invalid_user_name_reason(name: str) -> Optional[str]:
    hyphens_inside_only = not name.startswith("-") and not name.endswith("-") and "--" not in name
    if 6 <= len(name) <= 32 and set(name) <= USER_NAME_CHARACTERS and hyphens_inside_only:
        return None
    return (
        "User name %r is invalid: it must be 6 to 32 characters long, hold only lower-case letters, digits and "
        "hyphens, and neither start nor end with a hyphen nor hold two in a row." % name
    )


def invalid_password_reason(password: str) -> Optional[str]:
    shortest, longest = PASSWORD_LENGTHS
    if shortest <= len(password) <= longest:
        return None
    # The length only: never the password.
    return "Option password must be %d to %d characters long; it has %d." % (shortest, longest, len(password))


def database_api_id(api: DatabaseAPI) -> str:
    """The database's id in the Database API, which a user's create and update name."""
    path = "/databases/%s" % quote(api.addon_id, safe="")
    answer = api.get(path)
    database = answer.get("database") if isinstance(answer, dict) else None
    identifier = database.get("id") if isinstance(database, dict) else None
    if not isinstance(identifier, str) or not identifier:
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no database id")
    return identifier


def list_users(api: DatabaseAPI) -> list[dict[str, Any]]:
    path = _users_path(api)
    answer = api.get(path)
    # The key has a hyphen; the unwrapped list is accepted too.
    users = answer.get("database-users") if isinstance(answer, dict) else answer
    if not isinstance(users, list):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no list of users")
    return [user_view(user, "GET", path) for user in users]


def user_view(user: Any, method: str, path: str) -> dict[str, Any]:
    """A user's documented fields, never a password."""
    if not isinstance(user, dict) or not isinstance(user.get("name"), str):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a user without a name")
    attributes = user.get("dbms_attributes")
    return {
        "name": user["name"],
        "read_only": bool(user.get("read_only")),
        "protected": bool(user.get("protected")),
        "password_encryption": attributes.get("password_encryption") if isinstance(attributes, dict) else None,
    }


def create_user(
    api: DatabaseAPI, database_id: str, name: str, read_only: bool, password: Optional[str]
) -> tuple[dict[str, Any], Optional[str], bool]:
    """Create a user: the user, the password the API generated when none was given, and whether this task made it.

    See create_once. A create whose answer was lost, and with it a generated password, fails all the same, saying
    how to get a password back.
    """
    spec: dict[str, Any] = {"database_id": database_id, "name": name, "read_only": read_only}
    if password is not None:
        spec.update(password=password, password_confirmation=password)
    path = _users_path(api)

    def send() -> Any:
        return _naming_the_database(
            api, database_id, lambda named: api.post(path, {"database_user": dict(spec, database_id=named)}))

    def find() -> Optional[dict[str, Any]]:
        return next((user for user in list_users(api) if user["name"] == name), None)

    creation = create_once(api, send, find, taken=("name",))
    if creation.found is None:
        user, echoed = _user_and_password(creation.answer, "POST", path)
        # A password the task gave is the task's: only one the API generated is returned.
        return user, echoed if password is None else None, True
    if creation.made_by_us and password is None:
        # Nobody knows that password, and the next run finds the user there: say how to get one back.
        lost = ScalingoAPIError("POST", path, None, (
            "the answer was lost; the user was created, but the password the API generated for it was lost: run the "
            "task with update_password: always to have a new one generated (or given), then back to on_create"),
            may_have_applied=True)
        lost.known_applied = True
        raise lost
    return creation.found, None, creation.made_by_us


def set_password(api: DatabaseAPI, database_id: str, name: str, password: str) -> Optional[dict[str, Any]]:
    """Set a user's password; the user as the answer describes it, or None when the answer is empty (``{}``)."""
    path = "%s/%s" % (_users_path(api), quote(name, safe=""))

    def send(named: str) -> Any:
        body = {"database_user": {"database_id": named, "password": password, "password_confirmation": password}}
        # Setting the same password twice sets it once: safe to retry after a gateway error.
        return api.patch(path, body, repeatable=True)

    answer = _naming_the_database(api, database_id, send)
    # The answer of a password change is undocumented: an empty one still says the change was applied.
    if not answer or (isinstance(answer, dict) and not answer.get("database_user", True)):
        return None
    return _user_and_password(answer, "PATCH", path)[0]


def _naming_the_database(api: DatabaseAPI, database_id: str, send: Callable[[str], Any]) -> Any:
    """``send(database_id)``, and once more with the addon ID when the API refuses that database_id (422).

    The documentation sends the Database API's own id of the database, the CLI the addon ID.
    """
    try:
        return send(database_id)
    except ScalingoAPIError as error:
        if error.status != 422 or "database_id" not in error.field_errors or database_id == api.addon_id:
            raise
        return send(api.addon_id)


def reset_password(api: DatabaseAPI, name: str) -> tuple[dict[str, Any], Optional[str]]:
    """Have the API generate a new password for a user, and return it."""
    path = "%s/%s/reset_password" % (_users_path(api), quote(name, safe=""))
    # A reset sent twice leaves the password of the second, the one returned: safe to retry.
    return _user_and_password(api.post(path, {}, repeatable=True), "POST", path)


def delete_user(api: DatabaseAPI, name: str) -> bool:
    """Delete a user; False when the API says it was already gone."""
    return _delete(api, "%s/%s" % (_users_path(api), quote(name, safe="")))


def _delete(api: DatabaseAPI, path: str) -> bool:
    """Delete ``path``; False when the API says it was already gone before this task's delete."""
    try:
        api.delete(path)
    except ScalingoAPIError as error:
        if error.is_not_found:
            # Gone; by our hand when an earlier attempt of this delete may have been applied.
            return error.may_have_applied
        raise
    return True


def _user_and_password(answer: Any, method: str, path: str) -> tuple[dict[str, Any], Optional[str]]:
    # The Go client reads {"database_user": {...}}; the documentation shows the user unwrapped.
    user = answer.get("database_user", answer) if isinstance(answer, dict) else answer
    password = user.get("password") if isinstance(user, dict) else None
    return user_view(user, method, path), password if isinstance(password, str) and password else None


def _users_path(api: DatabaseAPI) -> str:
    return "/databases/%s/users" % quote(api.addon_id, safe="")


# --- the main API -------------------------------------------------------------------------------


def list_endpoints(client: ScalingoClient, database: dict[str, Any]) -> list[dict[str, Any]]:
    endpoints = get_list(client, "/v1/databases/%s/endpoints" % quote(database["id"], safe=""), "endpoints")[1]
    return [
        {"hostname": item.get("hostname"), "port": item.get("port"), "type": item.get("type")}
        for item in endpoints if isinstance(item, dict)
    ]


def move_to_project(client: ScalingoClient, database: dict[str, Any], project_id: str) -> None:
    client.request("PUT", "/v1/apps/%s" % quote(database["id"], safe=""), body={"project_id": project_id})
