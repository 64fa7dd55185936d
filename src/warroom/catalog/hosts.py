"""Which catalog hosts name an asset of a case.

Matching ignores case, and an IP address matches in any of its spellings. A full name (with
dots) must match in full; a bare name (no dots, such as "SP-FE01") also matches the first
label of a full one ("sp-fe01.corp.example"), on either side, as the hunt import matches hosts
to assets. Two full names in different domains ("dc01.corp.example", "dc01.lab.example") do
not match.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q
from django.db.models.functions import Lower

from warroom.catalog.models import ComponentHost

__all__ = ["HostNames", "matching_hosts"]


class HostNames(NamedTuple):
    """What an asset answers to, lower case, split by how a catalog host may match it."""

    exact: frozenset[str]  # its names and addresses: a host equal to one matches
    bare: frozenset[str]  # its names without a dot: match a full host's first label
    labels: frozenset[str]  # first labels of its full names: match a bare host

    @classmethod
    def of(cls, name: str, hostname: str, addresses: Iterable[object] | None) -> HostNames:
        """The names of an asset with NAME, HOSTNAME and IP ADDRESSES."""
        texts = [text.strip().lower() for text in (name, hostname) if text.strip()]
        found = {_address(str(address)) for address in addresses or ()}
        found |= {_address(text) for text in texts}
        names = {text for text in texts if _address(text) is None}
        exact = names | {address for address in found if address is not None}
        bare = frozenset(text for text in names if "." not in text)
        labels = frozenset(text.split(".", 1)[0] for text in names if "." in text)
        return cls(frozenset(exact), bare, labels)

    def match(self, host: str) -> bool:
        """HOST, a catalog host in lower case, names this asset."""
        address = _address(host)
        if address is not None or host in self.exact:
            return (address or host) in self.exact
        if "." in host:
            return host.split(".", 1)[0] in self.bare
        return host in self.labels


def _address(text: str) -> str | None:
    """TEXT as an IP address in its canonical form, or None when it is not one."""
    try:
        return ipaddress.ip_address(text.strip()).compressed
    except ValueError:
        return None


def matching_hosts(assets: list[HostNames]) -> list[tuple[str, int]]:
    """(host, component id) of every catalog host that may name one of ASSETS: one query."""
    wanted = Q(lhost__in=sorted({key for names in assets for key in names.exact | names.labels}))
    for name in sorted({key for names in assets for key in names.bare}):
        wanted |= Q(lhost__startswith=f"{name}.")
    rows = ComponentHost.objects.annotate(lhost=Lower("host")).filter(wanted)
    return list(rows.values_list("lhost", "component_id"))
