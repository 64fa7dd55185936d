"""Which catalog hosts name an asset: case, bare names, domains, IP address spellings."""

import pytest

from warroom.catalog.hosts import HostNames


@pytest.mark.parametrize(
    ("name", "hostname", "addresses", "host", "matches"),
    [
        ("DC01.corp.example", "", [], "dc01.corp.example", True),
        ("whatever", "DC01.Corp.Example", [], "dc01.corp.example", True),
        ("DC01.corp.example", "", [], "dc01", True),  # bare host, full asset
        ("DC01", "", [], "dc01.corp.example", True),  # full host, bare asset
        ("dc01", "", [], "dc01", True),
        ("dc01.lab.example", "", [], "dc01.corp.example", False),  # another domain
        ("dc011.corp.example", "", [], "dc01", False),
        ("dc01", "", [], "dc011.corp.example", False),
        ("server", "", ["10.20.0.10"], "10.20.0.10", True),
        ("server", "", ["10.20.0.10"], "10.20.0.1", False),
        ("server", "", ["2001:0DB8::0001"], "2001:db8::1", True),
        ("10.20.0.10", "", [], "10.20.0.10", True),  # an address given as the name
        ("10.20.0.10", "", [], "10", False),  # an address has no first label
        ("server", "", [], "10.20.0.10", False),
    ],
)
def test_a_host_matches_an_asset(name, hostname, addresses, host, matches):
    assert HostNames.of(name, hostname, addresses).match(host) is matches
