"""The address guard: a webhook goes only to a public address (domain/webhook_addresses.py), checked here with DNS.

`check_destination` runs when a subscription is created or its URL changed, and the delivery worker runs it again
before every attempt, since what a name resolves to can change after it was checked.
"""

from __future__ import annotations

import ipaddress
import socket

from api.config import Settings
from domain.errors import invalid
from domain.webhook_addresses import (
    URL_LOCATION,
    IPAddress,
    is_allowed_host,
    parse_destination,
    refuse_addresses,
    refuse_plain_http,
)

# The resolver, by name here so tests can answer for it without touching the socket module for everyone.
getaddrinfo = socket.getaddrinfo


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (IPv4 and IPv6), as a connection could use them."""
    try:
        infos = getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise invalid(URL_LOCATION, f"{host} cannot be resolved to an address.") from exc
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # without an IPv6 zone (fe80::1%eth0)
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_destination(url: str, settings: Settings) -> None:
    """Refuse (DomainError, invalid input at `body.url`) a URL that is not https or whose host is not public.

    A host named in TILSYN_WEBHOOK_ALLOWED_HOSTS is exempt (and may use plain http). A host given as an address is
    judged as it is; a name by every address it resolves to now.
    """
    allowed = settings.webhook_allowed_hosts
    destination = parse_destination(url, allowed)
    if is_allowed_host(destination.host, allowed):
        return
    literal = destination.literal_address
    addresses = [literal] if literal is not None else resolve_host(destination.host, destination.port)
    refuse_addresses(destination.host, addresses)
    refuse_plain_http(destination)
