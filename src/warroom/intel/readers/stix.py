"""STIX 2.1 bundles: indicator patterns and cyber-observable objects.

Only patterns that mean "any of these values" become indicators: one or more observation
expressions `[path = 'value']` (or `path IN ('a', 'b')`) joined by OR, inside and between the
brackets. Anything else (AND, FOLLOWEDBY, LIKE, MATCHES, qualifiers, unknown paths) is
reported, not loaded: matching it as a plain list would change its meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from warroom.intel.indicator import IndicatorType
from warroom.intel.readers import Raw, ReadProblem

T = IndicatorType

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<punct>[\[\]\(\),])
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<word>[A-Za-z0-9_\-:.'*]+)
    )""",
    re.VERBOSE,
)
_HASHES = {"md5": T.MD5, "sha-1": T.SHA1, "sha1": T.SHA1, "sha-256": T.SHA256, "sha256": T.SHA256}
_PATHS = {
    "ipv4-addr:value": T.IPV4,
    "ipv6-addr:value": T.IPV6,
    "domain-name:value": T.DOMAIN,
    "url:value": T.URL,
    "email-addr:value": T.EMAIL,
    "file:name": T.FILE_NAME,
}
# Paths whose value may be of several types; the value decides.
_INFERRED = {"network-traffic:dst_ref.value", "network-traffic:src_ref.value"}


class Unsupported(Exception):
    """A pattern that is not a plain OR of equality comparisons."""


def _path_type(path: str) -> IndicatorType | None:
    if path in _INFERRED:
        return None
    if path in _PATHS:
        return _PATHS[path]
    prefix = "file:hashes."
    if path.startswith(prefix):
        algorithm = path[len(prefix) :].strip("'").lower()
        if algorithm in _HASHES:
            return _HASHES[algorithm]
    raise Unsupported(f"object path {path} is not one warroom matches")


def _tokens(pattern: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    pattern = pattern.strip()
    while position < len(pattern):
        match = _TOKEN.match(pattern, position)
        if match is None or match.end() == position:
            raise Unsupported(f"cannot read the pattern at {pattern[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def parse_pattern(pattern: str) -> list[tuple[IndicatorType | None, str]]:
    """The (type, value) pairs of an OR-only STIX pattern; raises Unsupported otherwise."""
    found: list[tuple[IndicatorType | None, str]] = []
    tokens = _tokens(pattern)
    _check_balanced(tokens)
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "punct" or text.upper() == "OR":
            index += 1
        elif kind == "word" and ":" in text:
            index = _comparison(tokens, index, found)
        else:
            raise Unsupported(f"{text} is not supported (only OR of '=' comparisons)")
    if not found:
        raise Unsupported("no comparison found")
    return found


def _check_balanced(tokens: list[tuple[str, str]]) -> None:
    depth = 0
    for token in tokens:
        depth += {("punct", "["): 1, ("punct", "("): 1}.get(token, 0)
        depth -= {("punct", "]"): 1, ("punct", ")"): 1}.get(token, 0)
        if depth < 0:
            break
    if depth != 0:
        raise Unsupported("unbalanced brackets")


def _comparison(
    tokens: list[tuple[str, str]], index: int, found: list[tuple[IndicatorType | None, str]]
) -> int:
    path = tokens[index][1]
    kind = _path_type(path)
    rest = tokens[index + 1 :]
    if len(rest) >= 2 and rest[0] == ("op", "=") and rest[1][0] == "string":
        found.append((kind, _unquote(rest[1][1])))
        return index + 3
    if len(rest) >= 2 and rest[0][1].upper() == "IN" and rest[1] == ("punct", "("):
        index += 3
        while index < len(tokens) and tokens[index] != ("punct", ")"):
            if tokens[index][0] == "string":
                found.append((kind, _unquote(tokens[index][1])))
            elif tokens[index] != ("punct", ","):
                break
            index += 1
        return index + 1
    operator = rest[0][1] if rest else "nothing"
    raise Unsupported(f"comparison {path} {operator} is not supported (only = and IN)")


def read(document: Any, path: str) -> Iterator[Raw | ReadProblem]:
    """The indicators and observables of a STIX 2.1 bundle DOCUMENT read from PATH."""
    objects = document.get("objects") if isinstance(document, dict) else None
    if not isinstance(objects, list):
        yield ReadProblem(path, "objects", "not a STIX bundle: no objects list")
        return
    for number, obj in enumerate(objects):
        where = f"objects[{number}]"
        if not isinstance(obj, dict):
            yield ReadProblem(path, where, "not a STIX object")
        elif obj.get("type") == "indicator":
            yield from _indicator(obj, where, path)
        elif obj.get("type") == "observed-data" and isinstance(obj.get("objects"), dict):
            # STIX 2.0's embedded observables, still produced by some feeds.
            for key, sco in obj["objects"].items():
                yield from _observable(sco, f"{where}.objects.{key}")
        else:
            yield from _observable(obj, where)


def _indicator(obj: dict[str, Any], where: str, path: str) -> Iterator[Raw | ReadProblem]:
    pattern_type = obj.get("pattern_type", "stix")
    pattern = obj.get("pattern")
    if pattern_type != "stix" or not isinstance(pattern, str):
        yield ReadProblem(path, f"{where}.pattern", f"pattern type {pattern_type!r} not supported")
        return
    try:
        pairs = parse_pattern(pattern)
    except Unsupported as exc:
        yield ReadProblem(path, f"{where}.pattern", f"unsupported pattern {pattern!r}: {exc}")
        return
    comment = str(obj.get("name") or obj.get("description") or "")
    for kind, value in pairs:
        yield Raw(kind, value, f"{where}.pattern", comment)


def _observable(sco: Any, where: str) -> Iterator[Raw | ReadProblem]:
    if not isinstance(sco, dict):
        return
    kind = sco.get("type")
    if kind in {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"}:
        if isinstance(sco.get("value"), str):
            yield Raw(IndicatorType(kind), sco["value"], f"{where}.value")
    elif kind == "file":
        hashes = sco.get("hashes")
        for algorithm, digest in (hashes if isinstance(hashes, dict) else {}).items():
            if str(algorithm).lower() in _HASHES and isinstance(digest, str):
                yield Raw(_HASHES[str(algorithm).lower()], digest, f"{where}.hashes.{algorithm}")
        if isinstance(sco.get("name"), str):
            yield Raw(T.FILE_NAME, sco["name"], f"{where}.name")
