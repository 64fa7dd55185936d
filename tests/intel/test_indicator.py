"""Indicator validation and normalisation (warroom.intel.indicator)."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.intel import IndicatorError, IndicatorType, normalise

T = IndicatorType


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (T.IPV4, " 107.191.58.76 ", "107.191.58.76"),
        (T.IPV4, "107.191.58.76/32", "107.191.58.76"),
        (T.IPV4, "104.238.159.149/24", "104.238.159.0/24"),
        (T.IPV4, "96.9.125[.]147", "96.9.125.147"),
        (T.IPV6, "2001:DB8::1", "2001:db8::1"),
        (T.DOMAIN, "Update.Example.COM.", "update.example.com"),
        (T.DOMAIN, "bücher.example", "xn--bcher-kva.example"),
        (
            T.URL,
            "hxxps://Evil.Example[.]com/_layouts/15/x.aspx?a=1",
            "https://evil.example.com/_layouts/15/x.aspx?a=1",
        ),
        (T.URL, "HTTP://10.0.0.5:8080", "http://10.0.0.5:8080/"),
        (T.EMAIL, "Ops@Example.COM", "Ops@example.com"),
        (
            T.SHA256,
            "92BB4DDB98EEAF11FC15BB32E71D0A63256A0ED826A03BA293CE3A8BF057A514",
            "92bb4ddb98eeaf11fc15bb32e71d0a63256a0ed826a03ba293ce3a8bf057a514",
        ),
        (T.MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        (T.FILE_NAME, "spinstall0.aspx", "spinstall0.aspx"),
    ],
)
def test_it_normalises(kind: IndicatorType, raw: str, expected: str) -> None:
    assert normalise(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (T.IPV4, "300.1.1.1", "not an IPv4"),
        (T.IPV4, "2001:db8::1", "is an IPv6 address, not IPv4"),
        (T.IPV4, "010.0.0.1", "not an IPv4"),
        (T.DOMAIN, "localhost", "not a valid domain"),
        (T.DOMAIN, "-bad-.example.com", "not a valid domain"),
        (T.DOMAIN, "a..example.com", "not a valid domain"),
        (T.URL, "example.com/path", "not an absolute"),
        (T.URL, "javascript:alert(1)", "not an absolute"),
        (T.URL, "http://example.com:99999/", "not a valid URL"),
        (T.URL, "http://[::1/", "not a valid URL"),
        (T.SHA256, "abc123", "64 hexadecimal digits"),
        (T.SHA1, "z" * 40, "40 hexadecimal digits"),
        (T.FILE_NAME, r"C:\\inetpub\\spinstall0.aspx", "a path"),
        (T.EMAIL, "no-at-sign", "not an e-mail"),
        (T.IPV4, "   ", "empty value"),
    ],
)
def test_it_rejects_with_a_clear_message(kind: IndicatorType, raw: str, message: str) -> None:
    with pytest.raises(IndicatorError, match=message):
        normalise(kind, raw)


def test_it_rejects_unknown_types_listing_the_known_ones() -> None:
    with pytest.raises(IndicatorError, match=r"unknown indicator type 'ip'.*ipv4-addr"):
        normalise("ip", "1.2.3.4")


@given(st.ip_addresses())
def test_addresses_round_trip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    kind = T.IPV4 if address.version == 4 else T.IPV6
    assert normalise(kind, str(address)) == str(address)


@given(st.sampled_from(list(T)), st.text(max_size=80))
def test_anything_is_accepted_or_refused_cleanly(kind: IndicatorType, raw: str) -> None:
    # Arbitrary input never raises anything but IndicatorError, and accepted values are stable.
    try:
        value = normalise(kind, raw)
    except IndicatorError:
        return
    assert normalise(kind, value) == value


@given(st.binary(min_size=32, max_size=32))
def test_sha256_case_does_not_matter(digest: bytes) -> None:
    assert normalise(T.SHA256, digest.hex().upper()) == digest.hex()
