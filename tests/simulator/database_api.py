# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Database API of the simulator: firewall rules, users and the database object of a dedicated database.

The same routes in the three layouts the API notes list: ``legacy``, a host
of its own as Scalingo's ``db-api.<region>.scalingo.com``, under ``/api``,
taking addon tokens only, each for its addon and until it expires;
``main-api``, the main host under ``/api``, and ``main``, the main host under
``/v1``, both taking the user's bearer token. All share the main simulator's
state, which says which layouts exist (``database_api_layouts``): a layout
switched off answers as a router does to an unknown path. Its checks come from the API notes: a rule is a CIDR with an
optional label or a managed range, 30 at most, no duplicates; a user name is 6
to 32 lower-case letters, digits and hyphens, with no hyphen first, last or
twice in a row; a password is 24 to 64 characters; the default user is
protected.
"""

from __future__ import annotations

import ipaddress
import secrets
import string
import time
from typing import Any, Callable, Iterable, Optional

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .app import EMPTY_OBJECT, NOT_YET_KNOWN, DatabaseRecord, ScalingoSimulator, _json

LEGACY, MAIN_API, MAIN = "legacy", "main-api", "main"
LAYOUTS = (LEGACY, MAIN_API, MAIN)
MAX_RULES = 30
MANAGED_RANGES = (
    {"id": "man-osc-fr1-egress", "name": "Scalingo osc-fr1 egress"},
    {"id": "man-osc-secnum-fr1-egress", "name": "Scalingo osc-secnum-fr1 egress"},
)
LOWER_ALPHANUMERIC = frozenset(string.ascii_lowercase + string.digits)


class DatabaseAPISimulator:
    """The WSGI application of the Database API, over the state of ``main``."""

    def __init__(self, main: ScalingoSimulator, layout: str = LEGACY) -> None:
        self.main = main
        self.layout = layout
        prefix = "/v1" if layout == MAIN else "/api"
        recovery = main.recovery
        routes = [
            ("/databases/<addon_id>", "GET", self._get_database),
            ("/databases/<addon_id>", "PATCH", recovery.update_database),
            ("/databases/<addon_id>/backups", "GET", recovery.list_backups),
            ("/databases/<addon_id>/backups", "POST", recovery.create_backup),
            ("/databases/<addon_id>/backups/<backup_id>/archive", "GET", recovery.backup_archive),
            ("/databases/<addon_id>/pitr/recovery_window", "GET", recovery.recovery_window),
            ("/databases/<addon_id>/pitr/restore", "POST", recovery.restore),
            ("/databases/<addon_id>/maintenance", "GET", recovery.list_maintenance),
            ("/databases/<addon_id>/maintenance/<maintenance_id>", "GET", recovery.show_maintenance),
            ("/databases/<addon_id>/firewall_rules", "GET", self._list_rules),
            ("/databases/<addon_id>/firewall_rules", "POST", self._create_rule),
            ("/databases/<addon_id>/firewall_rules/<rule_id>", "PATCH", self._update_rule),
            ("/databases/<addon_id>/firewall_rules/<rule_id>", "DELETE", self._delete_rule),
            ("/firewall/managed_ranges", "GET", self._list_ranges),
            ("/databases/<addon_id>/users", "GET", self._list_users),
            ("/databases/<addon_id>/users", "POST", self._create_user),
            ("/databases/<addon_id>/users/<name>", "PATCH", self._update_user),
            ("/databases/<addon_id>/users/<name>", "DELETE", self._delete_user),
            ("/databases/<addon_id>/users/<name>/reset_password", "POST", self._reset_password),
        ]
        # The notes: a database's operations are under it on the main host's layouts; the legacy host's answers
        # point to its own /api/operations/{id}.
        if layout == LEGACY:
            routes.append(("/operations/<operation_id>", "GET", self._read_operation_by_id))
        else:
            routes.append(("/databases/<addon_id>/operations/<operation_id>", "GET", recovery.read_operation))
        self._routes = Map([Rule(prefix + path, methods=[method], endpoint=endpoint) for path, method, endpoint in routes])
        self._prefix = prefix

    def serves(self, request: Request) -> bool:
        """Whether this layout exists now and has a route for ``request``."""
        if self.layout not in self.main.state.database_api_layouts:
            return False
        try:
            endpoint, arguments = self._routes.bind_to_environ(request.environ).match()
        except HTTPException:
            return False
        if self.layout == MAIN and not str(arguments.get("addon_id", "ad-")).startswith("ad-"):
            # /v1/databases/{id or name} is the main API's own lookup; addon IDs look like ad-...
            return False
        return endpoint != self._update_rule or self.main.state.firewall_label_updates != "no-route"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The legacy host, as a WSGI application of its own."""
        request = Request(environ)
        body = request.get_json(silent=True)
        fault = self.main.record_and_take_fault(request, body, prefix="db-api:")
        if fault is not None:
            if fault.apply_first:
                self.dispatch(request, body)
            time.sleep(fault.delay)
            return fault.response()(environ, start_response)
        return self.dispatch(request, body)(environ, start_response)

    def dispatch(self, request: Request, body: Any) -> Response:
        if not self.serves(request):
            return Response("404 page not found\n", 404, mimetype="text/plain")
        endpoint, arguments = self._routes.bind_to_environ(request.environ).match()
        if endpoint == self._read_operation_by_id:
            with self.main._lock:
                owner = self._operation_owner(arguments["operation_id"])
            # The operation's own database's token opens it; any other answers as an unknown operation does.
            addon_id = owner.addon_id if owner is not None else None
        else:
            addon_id = arguments.get("addon_id")
        if self.layout == LEGACY:
            with self.main._lock:
                authorized = self._addon_token_is_valid(request, addon_id)
        else:
            authorized = self.main.bearer_is_valid(request)
        with self.main._lock:
            if not authorized:
                return _json({"error": "invalid or expired token"}, 401)
            if endpoint == self._read_operation_by_id and addon_id is None:
                return _json({"error": "operation not found"}, 404)
            if addon_id is None:
                return endpoint(request, body, **arguments)
            record = self._record(addon_id)
            if record is None:
                return _json({"error": "database not found"}, 404)
            arguments.pop("addon_id", None)
            answer = endpoint(request, body, record, **arguments)
            if endpoint == self.main.recovery.restore and answer.status_code == 201:
                self._point_to_operation(answer, record)
            return answer

    def _operation_owner(self, operation_id: str) -> Optional[DatabaseRecord]:
        """The database whose restore the operation is; None for an operation no database has."""
        addon_id = next((addon_id for addon_id, recovery in self.main.state.recoveries.items()
                         if operation_id in recovery.operations), None)
        return self._record(addon_id) if addon_id is not None else None

    def _read_operation_by_id(self, request: Request, body: Any, record: DatabaseRecord, operation_id: str) -> Response:
        # The legacy host's route: dispatch finds the operation's database, whose token alone opens it.
        return self.main.recovery.read_operation(request, body, record, operation_id)

    def _point_to_operation(self, answer: Response, record: DatabaseRecord) -> None:
        """The restore's Location: its operation, at this layout's route for it."""
        if not self.main.state.restore_gives_location:
            return
        created = answer.get_json()
        operation_id = created.get("operation_id") or created["operation"]["id"]
        if self.layout == LEGACY:
            answer.headers["Location"] = "%s/operations/%s" % (self._prefix, operation_id)
        else:
            answer.headers["Location"] = "%s/databases/%s/operations/%s" % (self._prefix, record.addon_id, operation_id)

    def _addon_token_is_valid(self, request: Request, addon_id: Optional[str]) -> bool:
        scheme, token = request.headers.get("Authorization", "").partition(" ")[::2]
        granted = self.main.state.addon_tokens.get(token)
        if scheme != "Bearer" or granted is None:
            return False
        token_addon, expiry = granted
        # A token opens its own addon only; the managed ranges are open to any valid one.
        return expiry > time.time() and (addon_id is None or addon_id == token_addon)

    def _record(self, addon_id: str) -> Optional[DatabaseRecord]:
        return next((record for record in self.main.state.databases.values() if record.addon_id == addon_id), None)

    # --- the database --------------------------------------------------------

    def _get_database(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        # A database being created may not be known here yet (404), or known by nothing but an empty object.
        status = record.read_status()
        if status == NOT_YET_KNOWN:
            return _json({"error": "database not found"}, 404)
        if status == EMPTY_OBJECT:
            return _json({"database": {}}, 200)
        if self.main.recovery.of(record).restoring():
            # A restore stops the database until it is done.
            status = "stopped"
        return _json({"database": record.database_api_view(status)}, 200)

    # --- firewall rules --------------------------------------------------------

    def _list_rules(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        return _json({"rules": record.firewall_rules}, 200)

    def _create_rule(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        # The Go client sends the rule as it is, not wrapped in {"rule": ...}.
        rule = body if isinstance(body, dict) else {}
        errors = self._rule_errors(record, rule)
        if errors:
            return _json({"errors": errors}, 422)
        stored = {
            "id": "fw-" + secrets.token_hex(6), "type": rule["type"], "cidr": rule.get("cidr"),
            "label": rule.get("label") or "", "range_id": rule.get("range_id"), "database_id": record.database_api_id,
        }
        record.firewall_rules.append(stored)
        return _json({"rule": stored}, 201)

    def _rule_errors(self, record: DatabaseRecord, rule: dict[str, Any]) -> dict[str, list[str]]:
        if len(record.firewall_rules) >= MAX_RULES:
            return {"base": ["a database has %d firewall rules at most" % MAX_RULES]}
        if rule.get("type") == "custom_range":
            if not _is_network_address(rule.get("cidr")):
                return {"cidr": ["is invalid"]}
            if any(existing.get("cidr") == rule["cidr"] for existing in record.firewall_rules):
                return {"cidr": ["has already been taken"]}
            return {}
        if rule.get("type") == "managed_range":
            if rule.get("range_id") not in [known["id"] for known in MANAGED_RANGES]:
                return {"range_id": ["is not a managed range"]}
            if rule.get("label"):
                return {"label": ["must be blank for a managed range"]}
            if any(existing.get("range_id") == rule["range_id"] for existing in record.firewall_rules):
                return {"range_id": ["has already been taken"]}
            return {}
        return {"type": ["must be custom_range or managed_range"]}

    def _update_rule(self, request: Request, body: Any, record: DatabaseRecord, rule_id: str) -> Response:
        if self.main.state.firewall_label_updates == "no-patch":
            # The rule's route exists, without PATCH.
            return _json({"error": "method not allowed"}, 405)
        # The notes: only a custom rule's label may change.
        rule = next((rule for rule in record.firewall_rules if rule["id"] == rule_id), None)
        if rule is None:
            return _json({"error": "firewall rule not found"}, 404)
        spec = body.get("firewall_rule") if isinstance(body, dict) else None
        if not isinstance(spec, dict) or set(spec) != {"label"} or not isinstance(spec["label"], str):
            return _json({"errors": {"firewall_rule": ["only the label can change"]}}, 422)
        if rule["type"] != "custom_range":
            return _json({"errors": {"label": ["must be blank for a managed range"]}}, 422)
        rule["label"] = spec["label"]
        return _json({"rule": rule}, 200)

    def _delete_rule(self, request: Request, body: Any, record: DatabaseRecord, rule_id: str) -> Response:
        remaining = [rule for rule in record.firewall_rules if rule["id"] != rule_id]
        if len(remaining) == len(record.firewall_rules):
            return _json({"error": "firewall rule not found"}, 404)
        record.firewall_rules = remaining
        return Response(status=204)

    def _list_ranges(self, request: Request, body: Any) -> Response:
        return _json({"ranges": list(MANAGED_RANGES)}, 200)

    # --- users ---------------------------------------------------------------

    def _list_users(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        return _json({"database-users": [_public_user(user) for user in record.users.values()]}, 200)

    def _create_user(self, request: Request, body: Any, record: DatabaseRecord) -> Response:
        spec = body.get("database_user") if isinstance(body, dict) else None
        if not isinstance(spec, dict):
            return _json({"error": "missing database_user parameter"}, 400)
        if not self._names_this_database(record, spec):
            return _json({"errors": {"database_id": ["is not this database"]}}, 422)
        errors = self._user_errors(record, spec)
        if errors:
            return _json({"errors": errors}, 422)
        generated = "password" not in spec
        password = secrets.token_urlsafe(24) if generated else spec["password"]
        user = {"name": spec["name"], "read_only": bool(spec.get("read_only")), "protected": False, "password": password}
        record.users[user["name"]] = user
        answer = _public_user(user)
        if generated:
            answer["password"] = password
        return _json({"database_user": answer}, 201)

    def _names_this_database(self, record: DatabaseRecord, spec: dict[str, Any]) -> bool:
        # The docs send the Database API's own id of the database, the CLI its addon ID: a server takes one.
        accepted = record.addon_id if self.main.state.users_take_addon_id else record.database_api_id
        return spec.get("database_id") == accepted

    def _user_errors(self, record: DatabaseRecord, spec: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        name = spec.get("name")
        if not _is_user_name(name):
            errors["name"] = ["is invalid"]
        elif name in record.users:
            errors["name"] = ["has already been taken"]
        errors.update(_password_errors(spec))
        return errors

    def _update_user(self, request: Request, body: Any, record: DatabaseRecord, name: str) -> Response:
        user, refusal = _user_whose_password_may_change(record, name)
        if refusal is not None:
            return refusal
        spec = body.get("database_user") if isinstance(body, dict) else None
        if not isinstance(spec, dict) or not self._names_this_database(record, spec):
            return _json({"errors": {"database_id": ["is not this database"]}}, 422)
        errors = _password_errors(spec, required=True)
        if errors:
            return _json({"errors": errors}, 422)
        user["password"] = spec["password"]
        return _json({"database_user": _public_user(user)}, 200)

    def _reset_password(self, request: Request, body: Any, record: DatabaseRecord, name: str) -> Response:
        user, refusal = _user_whose_password_may_change(record, name)
        if refusal is not None:
            return refusal
        user["password"] = secrets.token_urlsafe(24)
        return _json({"database_user": dict(_public_user(user), password=user["password"])}, 200)

    def _delete_user(self, request: Request, body: Any, record: DatabaseRecord, name: str) -> Response:
        user = record.users.get(name)
        if user is None:
            return _json({"error": "user not found"}, 404)
        if user["protected"]:
            return _json({"error": "the default user of a database cannot be deleted"}, 403)
        del record.users[name]
        return Response(status=204)


def _user_whose_password_may_change(record: DatabaseRecord, name: str) -> tuple[dict[str, Any], Optional[Response]]:
    """The user named ``name``, or the answer that refuses to touch its password (missing, or the default user)."""
    user = record.users.get(name)
    if user is None:
        return {}, _json({"error": "user not found"}, 404)
    if user["protected"]:
        return user, _json({"error": "the password of the default user can only be changed by Scalingo's support"}, 403)
    return user, None


def _public_user(user: dict[str, Any]) -> dict[str, Any]:
    """A user as the API shows it: never its password."""
    return {
        "name": user["name"], "read_only": user["read_only"], "protected": user["protected"],
        "dbms_attributes": {"password_encryption": "scram-sha-256"},
    }


def _is_user_name(name: Any) -> bool:
    # Read as the notes put it: words of lower-case letters and digits joined by single hyphens, so that no piece
    # between hyphens is empty (no hyphen first, last or twice in a row).
    if not isinstance(name, str) or not 6 <= len(name) <= 32:
        return False
    return all(piece and all(character in LOWER_ALPHANUMERIC for character in piece) for piece in name.split("-"))


def _password_errors(spec: dict[str, Any], required: bool = False) -> dict[str, list[str]]:
    if "password" not in spec:
        return {"password": ["can't be blank"]} if required else {}
    password = spec["password"]
    if not isinstance(password, str) or not 24 <= len(password) <= 64:
        return {"password": ["must be 24 to 64 characters long"]}
    if spec.get("password_confirmation") != password:
        return {"password_confirmation": ["doesn't match password"]}
    return {}


def _is_network_address(cidr: Any) -> bool:
    """Whether ``cidr`` is an address, a slash and a prefix length, with no bit set past the prefix."""
    if not isinstance(cidr, str) or cidr.count("/") != 1:
        return False
    address, prefix = cidr.split("/")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not prefix.isdigit() or not 0 <= int(prefix) <= parsed.max_prefixlen:
        return False
    host_bits = parsed.max_prefixlen - int(prefix)
    return int(parsed) & ((1 << host_bits) - 1) == 0 and str(parsed) == address
