"""Per-format indicator readers: plain lists, CSV, STIX 2.1 bundles, MISP events.

A reader only understands its format. It yields `Raw` values (a type when the format states
one, None when it must be inferred) and `ReadProblem`s for what it could not read;
`warroom.intel.reader` infers, normalises, deduplicates and collects the problems.
"""

from __future__ import annotations

from typing import NamedTuple

from warroom.intel.indicator import IndicatorType


class ReadProblem(NamedTuple):
    """Something in an indicator file that was not loaded, and why.

    `where` is a line number for text formats and a JSON path (`objects[3].pattern`) for JSON.
    """

    path: str
    where: str
    reason: str
    ignored: bool = False  # True: deliberately not loaded (not an indicator), not an error

    def __str__(self) -> str:
        where = f"{self.path}:{self.where}" if self.where else self.path
        return f"{where}: {self.reason}"


class Raw(NamedTuple):
    """An indicator as a reader found it, before normalisation."""

    type: IndicatorType | None  # None: infer from the value
    value: str
    where: str  # line number or JSON path, as in ReadProblem
    comment: str = ""
    to_ids: bool | None = None  # MISP's "use for detection" flag, when the format has one


T = IndicatorType

# Type names as they appear in CSV headers and MISP attributes, besides the STIX names.
_NAMES: dict[str, IndicatorType | None] = {
    "ip": None,  # v4 or v6: inferred from the value
    "ip-src": None,
    "ip-dst": None,
    "ipv4": T.IPV4,
    "ipv6": T.IPV6,
    "domain": T.DOMAIN,
    "hostname": T.DOMAIN,
    "fqdn": T.DOMAIN,
    "url": T.URL,
    "uri": T.URL,
    "md5": T.MD5,
    "sha1": T.SHA1,
    "sha-1": T.SHA1,
    "sha256": T.SHA256,
    "sha-256": T.SHA256,
    "email": T.EMAIL,
    "email-src": T.EMAIL,
    "email-dst": T.EMAIL,
    "filename": T.FILE_NAME,
    "file-name": T.FILE_NAME,
    "file": T.FILE_NAME,
}


class UnknownType(Exception):
    """A type name that no indicator type answers to."""


def type_named(name: str) -> IndicatorType | None:
    """The indicator type a CSV or MISP type NAME stands for; None means infer (an IP).

    Raises UnknownType for names that are not indicator types.
    """
    key = name.strip().lower()
    if key in _NAMES:
        return _NAMES[key]
    for kind in IndicatorType:
        if kind.value.lower() == key:
            return kind
    raise UnknownType(name)
