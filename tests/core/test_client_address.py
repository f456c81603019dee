"""The client address: X-Forwarded-For only from trusted proxies, rightmost untrusted hop."""

import pytest
from django.test import RequestFactory

from rathaus.core.client_address import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.RATHAUS_TRUSTED_PROXIES = []
    assert client_ip(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_a_header_from_an_untrusted_peer_is_ignored(settings):
    settings.RATHAUS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.1", "203.0.113.1"),
        # The client may write anything into the header; only the hop our proxy added counts.
        ("1.2.3.4, 203.0.113.1", "203.0.113.1"),
        # Several proxies of ours (CDN → load balancer): skip them all.
        ("1.2.3.4, 203.0.113.1, 10.1.2.3", "203.0.113.1"),
        ("2001:db8::1", "2001:db8::1"),
        # No header: the proxy itself (a health check).
        (None, "10.0.0.2"),
        # A broken value written by our proxy: not believed.
        ("not-an-address", "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client(
    settings, forwarded, expected
):
    settings.RATHAUS_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_ip(request("10.0.0.2", forwarded)) == expected


def test_a_single_trusted_address_is_exact(settings):
    settings.RATHAUS_TRUSTED_PROXIES = ["192.0.2.1"]
    assert client_ip(request("192.0.2.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(request("192.0.2.2", "203.0.113.9")) == "192.0.2.2"
