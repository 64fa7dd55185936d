"""Keys that make an indicator and a token from the evidence compare equal (for matchers/ioc).

Indicators and distinct tokens both become Arrow tables of `(kind, key)`; IP networks become
integer bounds, IPv6 split into two unsigned 64-bit halves so that plain BETWEEN joins work.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyarrow as pa

from warroom.intel.indicator import IndicatorError, IndicatorType, normalise
from warroom.intel.reader import Indicator

T = IndicatorType
IP, DOMAIN, URL, HASH, FILE, EMAIL = "ip", "domain", "url", "hash", "file", "email"

_KIND = {
    T.IPV4: IP,
    T.IPV6: IP,
    T.DOMAIN: DOMAIN,
    T.URL: URL,
    T.MD5: HASH,
    T.SHA1: HASH,
    T.SHA256: HASH,
    T.FILE_NAME: FILE,
    T.EMAIL: EMAIL,
}
_MASK64 = (1 << 64) - 1
_U64 = pa.uint64()
_EXACT = pa.schema([("kind", pa.string()), ("key", pa.string()), ("number", pa.int32())])
_NETS = pa.schema(
    [("number", pa.int32()), ("version", pa.int8())]
    + [(name, _U64) for name in ("hi_first", "hi_last", "lo_first", "lo_last")]
)
_TKEYS = pa.schema([(name, pa.string()) for name in ("ckind", "token", "kind", "key")])
_TNUMS = pa.schema([("token", pa.string()), ("version", pa.int8()), ("hi", _U64), ("lo", _U64)])


def _halves(number: int) -> tuple[int, int]:
    return number >> 64, number & _MASK64


def indicator_tables(indicators: Sequence[Indicator]) -> tuple[pa.Table, pa.Table]:
    """(exact keys, IP networks) of INDICATORS, rows numbered by their index."""
    exact: list[tuple[str, str, int]] = []
    nets: list[tuple[int, int, int, int, int, int]] = []
    for number, indicator in enumerate(indicators):
        kind = _KIND[indicator.type]
        if kind == IP and "/" in indicator.value:
            network = ipaddress.ip_network(indicator.value)
            hi_first, lo_first = _halves(int(network.network_address))
            hi_last, lo_last = _halves(int(network.broadcast_address))
            if hi_first != hi_last:  # a prefix of 64 bits or less: any lower half
                lo_first, lo_last = 0, _MASK64
            nets.append((number, network.version, hi_first, hi_last, lo_first, lo_last))
        else:
            key = indicator.value.lower() if kind in {FILE, EMAIL} else indicator.value
            exact.append((kind, key, number))
    return _table(exact, _EXACT), _table(nets, _NETS)


def _table(rows: Sequence[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([list(column) for column in columns], schema=schema)


def _ip_keys(token: str) -> Iterator[str]:
    try:
        yield str(ipaddress.ip_address(token))
    except ValueError:
        return


def _url_keys(token: str) -> Iterator[str]:
    try:
        yield normalise(T.URL, token.rstrip(".,;)"))
    except IndicatorError:
        return


# The keys SQL cannot make (matchers/ioc makes the others in SQL, for speed).
_TOKEN_KEYS: dict[str, tuple[str, Callable[[str], Iterator[str]]]] = {
    "ip6": (IP, _ip_keys),
    "url": (URL, _url_keys),
}


def token_tables(tokens: Iterable[tuple[str, str]]) -> tuple[pa.Table, pa.Table]:
    """(keys, IP numbers) of the distinct (candidate kind, token) pairs TOKENS."""
    key_rows: list[tuple[str, str, str, str]] = []
    number_rows: list[tuple[str, int, int, int]] = []
    for ckind, token in tokens:
        kind, make_keys = _TOKEN_KEYS[ckind]
        for key in make_keys(token):
            key_rows.append((ckind, token, kind, key))
            if kind == IP:
                address = ipaddress.ip_address(key)
                number_rows.append((token, address.version, *_halves(int(address))))
    return _table(key_rows, _TKEYS), _table(number_rows, _TNUMS)
