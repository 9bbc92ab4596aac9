"""Where a webhook may be sent: an HTTPS endpoint on the public internet, never inside the service's own network.

A subscriber chooses the URL and the service calls it, so an unguarded URL would let a client make the service
reach what only the service can reach (server-side request forgery): its own loopback, the municipality's private
network, a cloud's metadata service at 169.254.169.254. So the URL must be `https`, and every address its host
resolves to must be public. An operator can name hosts that are exempt (TILSYN_WEBHOOK_ALLOWED_HOSTS: a receiver
on the same machine, a test's loopback); to such a host plain `http` is allowed too.

Resolving the host is I/O and belongs to the API (api/webhooks/addresses.py); the rules on the URL and on each
address are here. The address rule is checked at subscription and again before every delivery (DNS may change).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import invalid

URL_LOCATION = "body.url"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Names that mean "this machine" or "this site" whatever DNS says (RFC 6761, RFC 6762, RFC 8375, cloud metadata).
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".home.arpa")

_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # shared address space (RFC 6598): not private, not public either
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052): an IPv4 address inside
_PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)  # RFC 1918 and unique local IPv6 (RFC 4193)
_METADATA = ipaddress.ip_address("169.254.169.254")


@dataclass(frozen=True)
class Destination:
    """A webhook URL taken apart: its scheme, its host as written (without brackets) and its port."""

    scheme: str
    host: str
    port: int

    @property
    def literal_address(self) -> IPAddress | None:
        """The host as an IP address when the URL names one, else None (a name to resolve)."""
        try:
            return ipaddress.ip_address(self.host.split("%", 1)[0])
        except ValueError:
            return None


def normalised_host(host: str) -> str:
    """A host as compared: lower case, without IPv6 brackets or a trailing dot; an IP address in its short form."""
    host = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def is_allowed_host(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether the operator named this host as exempt from the address rule."""
    return normalised_host(host) in {normalised_host(h) for h in allowed_hosts if h.strip()}


def parse_destination(url: str, allowed_hosts: Iterable[str] = ()) -> Destination:
    """The URL's destination, if the URL itself is acceptable: http or https, a host, no user name or password in
    it, and (unless the operator allows the host) not a name that means this machine or a local network."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise invalid(URL_LOCATION, f"The URL cannot be read: {exc}.") from exc
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("https", "http"):
        raise invalid(URL_LOCATION, "A webhook URL starts with https://.")
    if not host:
        raise invalid(URL_LOCATION, "A webhook URL names a host, e.g. https://esdh.example.dk/tilsyn/events.")
    if parts.username is not None or parts.password is not None:
        raise invalid(URL_LOCATION, "A webhook URL holds no user name or password; the signature authenticates us.")
    name = normalised_host(host)
    if not is_allowed_host(host, allowed_hosts) and (name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES)):
        raise invalid(URL_LOCATION, f"{host} names this machine or a local network, not a public host.")
    return Destination(scheme, host, port or (443 if scheme == "https" else 80))


def refuse_plain_http(destination: Destination) -> None:
    """Refuse plain http to a host the operator has not named (checked after the address: that says more)."""
    if destination.scheme != "https":
        raise invalid(URL_LOCATION, "A webhook URL must use https: events are sent encrypted.")


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64), which is where it leads."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or int(address) >> 32 == 0:  # NAT64, or the deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: IPAddress) -> str | None:
    """What makes an address non-public, in words; None for a public address."""
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address == _METADATA:
        return "a link-local address (the cloud metadata service)"
    if address.is_link_local:
        return "a link-local address"
    if any(address in network for network in _PRIVATE if network.version == address.version):
        return "a private address"
    if address in _CGNAT:
        return "a shared (carrier-grade NAT) address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a public address"
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why a webhook may not be sent to this address (e.g. "169.254.169.254 is a link-local address"), or None.

    An IPv6 address that carries an IPv4 address (::ffff:127.0.0.1) is judged by where it leads."""
    embedded = None if address.is_loopback or address.is_unspecified else _embedded_ipv4(address)
    if embedded is not None:
        kind = _kind(embedded)
        return f"{address} leads to {embedded}, {kind}" if kind else None
    kind = _kind(address)
    return f"{address} is {kind}" if kind else None


def refuse_addresses(host: str, addresses: Iterable[IPAddress]) -> None:
    """Refuse a destination unless every address its host has is public (one private answer is enough to refuse:
    which one a connection takes is not ours to choose)."""
    found = list(addresses)
    if not found:
        raise invalid(URL_LOCATION, f"{host} has no address.")
    for address in found:
        problem = address_problem(address)
        if problem:
            resolved = "" if normalised_host(host) == str(address) else f"{host} resolves to {address}: "
            raise invalid(URL_LOCATION, f"{resolved}{problem}; webhooks go to public addresses only.")
