"""Indicator types (STIX 2.1 cyber-observable names) and per-type normalisation.

Normalising makes equal indicators compare equal: networks lose their host bits, single
addresses their /32, domains are lower-cased IDNA, hashes lower-case hex, URLs have a lower-case
scheme and host.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


class IntelError(Exception):
    """Base class of every error raised by warroom.intel."""


class IndicatorError(IntelError, ValueError):
    """A value that is not valid for its indicator type."""


class IndicatorType(enum.StrEnum):
    """STIX 2.1 observable types, with the hash algorithm in the STIX path form."""

    IPV4 = "ipv4-addr"
    IPV6 = "ipv6-addr"
    DOMAIN = "domain-name"
    URL = "url"
    EMAIL = "email-addr"
    MD5 = "file:hashes.MD5"
    SHA1 = "file:hashes.SHA-1"
    SHA256 = "file:hashes.SHA-256"
    FILE_NAME = "file:name"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    IndicatorType.IPV4: "IPv4 address or network",
    IndicatorType.IPV6: "IPv6 address or network",
    IndicatorType.DOMAIN: "Domain name",
    IndicatorType.URL: "URL",
    IndicatorType.EMAIL: "E-mail address",
    IndicatorType.MD5: "File MD5",
    IndicatorType.SHA1: "File SHA-1",
    IndicatorType.SHA256: "File SHA-256",
    IndicatorType.FILE_NAME: "File name",
}

_HASH_LENGTHS = {IndicatorType.MD5: 32, IndicatorType.SHA1: 40, IndicatorType.SHA256: 64}
_HEX = re.compile(r"[0-9a-f]+")
# One DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1035, 1123).
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


def _ip(value: str, version: int) -> str:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise IndicatorError(f"{value!r} is not an IPv{version} address or network") from None
    if network.version != version:
        raise IndicatorError(f"{value!r} is an IPv{network.version} address, not IPv{version}")
    # A single address is stored without its /32 or /128.
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def _domain(value: str) -> str:
    name = value.rstrip(".").lower()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise IndicatorError(f"{value!r} is not a valid domain name") from None
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
    ):
        raise IndicatorError(f"{value!r} is not a valid domain name")
    return name


def _url(value: str) -> str:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:  # a bad port or a malformed IPv6 host
        raise IndicatorError(f"{value!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in {"http", "https", "ftp", "ftps"} or not parts.hostname:
        raise IndicatorError(f"{value!r} is not an absolute http(s) or ftp URL")
    host = parts.hostname
    try:
        host = str(ipaddress.ip_address(host))
        if ":" in host:
            host = f"[{host}]"
    except ValueError:
        host = _domain(host)
    netloc = host if port is None else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local or any(c.isspace() for c in local):
        raise IndicatorError(f"{value!r} is not an e-mail address")
    return f"{local}@{_domain(domain)}"


def _hash(kind: IndicatorType) -> Callable[[str], str]:
    def check(value: str) -> str:
        digest = value.lower()
        if len(digest) != _HASH_LENGTHS[kind] or not _HEX.fullmatch(digest):
            raise IndicatorError(
                f"{value!r} is not a {kind.label} ({_HASH_LENGTHS[kind]} hexadecimal digits)"
            )
        return digest

    return check


def _file_name(value: str) -> str:
    if "/" in value or "\\" in value or "\x00" in value:
        raise IndicatorError(f"{value!r} is a path, not a file name")
    return value


_NORMALISERS: dict[IndicatorType, Callable[[str], str]] = {
    IndicatorType.IPV4: lambda v: _ip(v, 4),
    IndicatorType.IPV6: lambda v: _ip(v, 6),
    IndicatorType.DOMAIN: _domain,
    IndicatorType.URL: _url,
    IndicatorType.EMAIL: _email,
    IndicatorType.MD5: _hash(IndicatorType.MD5),
    IndicatorType.SHA1: _hash(IndicatorType.SHA1),
    IndicatorType.SHA256: _hash(IndicatorType.SHA256),
    IndicatorType.FILE_NAME: _file_name,
}


def normalise(kind: IndicatorType | str, value: str) -> str:
    """The canonical form of VALUE as an indicator of type KIND.

    Raises IndicatorError naming the value and what was expected.
    """
    try:
        kind = IndicatorType(kind)
    except ValueError:
        known = ", ".join(t.value for t in IndicatorType)
        raise IndicatorError(f"unknown indicator type {kind!r}; known types: {known}") from None
    # Defanged forms are how indicators travel in reports and chat: hxxp, [.] and (.) .
    cleaned = value.strip().replace("[.]", ".").replace("(.)", ".").replace("[:]", ":")
    if cleaned.lower().startswith("hxxp"):
        cleaned = "http" + cleaned[4:]
    if not cleaned:
        raise IndicatorError(f"empty value for indicator type {kind.value}")
    return _NORMALISERS[kind](cleaned)
