# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A dedicated database's private network: its configuration and its Outscale net peerings.

Private to the scalingo.cloud collection. These are calls of the main API
under ``/v1/databases/{database id}``, with the user's bearer token (go-scalingo's
preview client). A peering the API has deleted may stay listed with status
``deleted``; it counts as gone.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Optional
from urllib.parse import quote

from ansible_collections.scalingo.cloud.plugins.module_utils._client import ScalingoClient
from ansible_collections.scalingo.cloud.plugins.module_utils._errors import ScalingoAPIError
from ansible_collections.scalingo.cloud.plugins.module_utils._creates import create_once
from ansible_collections.scalingo.cloud.plugins.module_utils._databases import get_list

DELETED = "deleted"
PEERING_FIELDS = (
    "id", "status", "outscale_net_peering_id", "outscale_source_net_id", "outscale_source_net_ip_range",
    "outscale_source_account_id",
)
NETWORK_FIELDS = ("outscale_account_id", "outscale_net_id", "ip_range")
# RFC 1918: the networks a private network's range is drawn from.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(text) for text in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# The longest prefix the CLI takes for a database's private network.
SMALLEST_PREFIX = 25
_OUTSCALE_PEERING_ID = re.compile(r"pcx-[0-9a-f]{8,32}")


def invalid_ip_range_reason(text: str) -> Optional[str]:
    try:
        network = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError:
        return "Option ip_range is %r: it must be a private IPv4 network in CIDR form, such as 10.20.0.0/24." % text
    if not any(network.version == 4 and network.subnet_of(private) for private in PRIVATE_NETWORKS):  # type: ignore[arg-type]
        return "Option ip_range is %s: it must lie in a private network (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)." % (
            network)
    if network.prefixlen > SMALLEST_PREFIX:
        # The CLI's rule: a database's network holds 128 addresses or more.
        return "Option ip_range is %s: it must be a /%d or larger (a prefix of %d or less), such as 10.20.0.0/24." % (
            network, SMALLEST_PREFIX, SMALLEST_PREFIX)
    return None


def invalid_peering_id_reason(text: str) -> Optional[str]:
    if _OUTSCALE_PEERING_ID.fullmatch(text):
        return None
    return "Net peering %r is not an Outscale net peering ID, such as pcx-1a2b3c4d." % text


def network_configuration(client: ScalingoClient, database: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The database's private network, or None when the API says it has none (its own 404)."""
    path = _database_path(database, "network_configuration")
    try:
        answer = client.get(path)
    except ScalingoAPIError as error:
        if error.is_not_found:
            return None
        raise
    configuration = answer.get("network_configuration") if isinstance(answer, dict) else None
    if not isinstance(configuration, dict):
        raise ScalingoAPIError("GET", path, None, "unexpected answer: no network_configuration")
    return {key: configuration.get(key) for key in NETWORK_FIELDS}


def list_peerings(client: ScalingoClient, database: dict[str, Any]) -> list[dict[str, Any]]:
    """The database's peerings, those the API lists as deleted left out."""
    path = _database_path(database, "net_peerings")
    peerings = [peering_view(item, "GET", path) for item in get_list(client, path, "net_peerings")[1]]
    return [peering for peering in peerings if peering["status"] != DELETED]


def peering_view(item: Any, method: str, path: str) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(
            item.get("outscale_net_peering_id"), str):
        raise ScalingoAPIError(method, path, None, "unexpected answer: a net peering without an id")
    return {key: item.get(key) for key in PEERING_FIELDS}


def create_peering(client: ScalingoClient, database: dict[str, Any], outscale_id: str) -> tuple[dict[str, Any], bool]:
    """Peer the database with an Outscale net, never sending it twice (see create_once).

    The peering, and whether our request can have made it: one another run made since our list is adopted.
    """
    path = _database_path(database, "net_peerings")

    def send() -> dict[str, Any]:
        answer = client.post(path, {"outscale_net_peering_id": outscale_id})
        try:
            return peering_view(answer.get("net_peering", answer) if isinstance(answer, dict) else answer, "POST", path)
        except ScalingoAPIError as error:
            # A 2xx: the peering was made, whatever its answer says.
            error.may_have_applied = error.known_applied = True
            raise

    def find() -> Optional[dict[str, Any]]:
        found = [peering for peering in list_peerings(client, database) if peering["outscale_net_peering_id"] == outscale_id]
        return found[0] if found else None

    creation = create_once(client, send, find, taken=("outscale_net_peering_id",))
    return (creation.answer if creation.found is None else creation.found), creation.made_by_us


def delete_peering(client: ScalingoClient, database: dict[str, Any], peering: dict[str, Any]) -> bool:
    """End a peering; False when the API says it was already gone."""
    try:
        client.delete(_database_path(database, "net_peerings", peering["id"]))
    except ScalingoAPIError as error:
        if error.is_not_found:
            return False
        raise
    return True


def _database_path(database: dict[str, Any], *segments: str) -> str:
    return "/".join(["/v1/databases"] + [quote(segment, safe="") for segment in (database["id"],) + segments])
