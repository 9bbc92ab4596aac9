"""Where a webhook may go: https to public addresses only, unless the operator names the host (no fixtures)."""

from __future__ import annotations

import ipaddress

import pytest

from domain.errors import DomainError
from domain.webhook_addresses import (
    address_problem,
    is_allowed_host,
    parse_destination,
    refuse_addresses,
    refuse_plain_http,
)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("169.254.169.254", "a link-local address (the cloud metadata service)"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("10.0.0.5", "a private address"),
        ("172.16.3.4", "a private address"),
        ("192.168.1.10", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("0.0.0.0", "the unspecified address"),  # noqa: S104 - an address judged, not bound
        ("::", "the unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.7", "not a public address"),
    ],
)
def test_a_non_public_address_is_refused_with_what_it_is(address: str, kind: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == f"{ipaddress.ip_address(address)} is {kind}"


@pytest.mark.parametrize(
    ("address", "leads_to"),
    [("::ffff:127.0.0.1", "127.0.0.1"), ("::ffff:169.254.169.254", "169.254.169.254"), ("::ffff:10.1.2.3", "10.1.2.3")],
)
def test_an_ipv4_mapped_ipv6_address_is_judged_by_the_ipv4_address_it_leads_to(address: str, leads_to: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None and f"leads to {leads_to}" in problem


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_a_public_address_is_accepted(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_one_private_address_among_public_ones_refuses_the_host() -> None:
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")]
    with pytest.raises(DomainError) as refused:
        refuse_addresses("split.example.dk", addresses)
    assert refused.value.violations[0].location == "body.url"
    assert "split.example.dk resolves to 10.0.0.1: 10.0.0.1 is a private address" in refused.value.detail


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://esdh.example.dk/hook", "starts with https://"),
        ("https:///hook", "names a host"),
        ("https://user:pw@esdh.example.dk/hook", "no user name or password"),
        ("https://localhost/hook", "names this machine"),
        ("https://printer.local/hook", "names this machine"),
        ("https://metadata.google.internal/computeMetadata", "names this machine"),
        ("https://esdh.example.dk:99999/hook", "cannot be read"),
    ],
)
def test_a_url_that_is_not_https_to_a_named_public_host_is_refused(url: str, says: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_destination(url)
    assert says in refused.value.detail


def test_plain_http_and_a_local_name_are_accepted_for_a_host_the_operator_allows() -> None:
    assert parse_destination("http://127.0.0.1:8081/hook", ["127.0.0.1"]).port == 8081
    assert parse_destination("http://[::1]/hook", ["::1"]).host == "::1"
    assert parse_destination("http://localhost:9000/", ["LOCALHOST"]).host == "localhost"
    assert is_allowed_host("[0:0::1]", ["::1"]) and not is_allowed_host("127.0.0.2", ["127.0.0.1"])


def test_plain_http_is_refused_to_a_host_the_operator_has_not_named() -> None:
    with pytest.raises(DomainError) as refused:
        refuse_plain_http(parse_destination("http://esdh.example.dk/hook"))
    assert "must use https" in refused.value.detail
