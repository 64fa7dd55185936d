"""MISP event JSON: `Event.Attribute[]` and `Event.Object[].Attribute[]`.

Accepts one event (`{"Event": {...}}` or the bare event), a list of them, or a REST search
response (`{"response": [{"Event": ...}]}`). Composite types (`ip-dst|port`,
`filename|sha256`, `domain|ip`) give one indicator per part that warroom can match. Attribute
types that are not indicators (comment, text, link, ...) are reported as ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from warroom.intel.indicator import IndicatorType
from warroom.intel.readers import Raw, ReadProblem, UnknownType, type_named

T = IndicatorType
# Parts of composite types that carry no indicator.
_NOT_INDICATORS = {"port"}


def events(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (JSON path, event) pairs in a MISP DOCUMENT."""
    if isinstance(document, dict) and isinstance(document.get("response"), list):
        for number, item in enumerate(document["response"]):
            yield from _event(item, f"response[{number}]")
    elif isinstance(document, list):
        for number, item in enumerate(document):
            yield from _event(item, f"[{number}]")
    else:
        yield from _event(document, "")


def _event(item: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(item, dict) and isinstance(item.get("Event"), dict):
        yield (f"{where}.Event".lstrip("."), item["Event"])
    elif isinstance(item, dict) and "Attribute" in item:
        yield (where, item)


def read(document: Any, path: str) -> Iterator[Raw | ReadProblem]:
    """The indicators of the MISP events in DOCUMENT read from PATH."""
    found = False
    for where, event in events(document):
        found = True
        yield from _attributes(event.get("Attribute"), f"{where}.Attribute".lstrip("."), path)
        objects = event.get("Object")
        for number, obj in enumerate(objects if isinstance(objects, list) else []):
            if isinstance(obj, dict):
                prefix = f"{where}.Object[{number}].Attribute".lstrip(".")
                yield from _attributes(obj.get("Attribute"), prefix, path)
    if not found:
        yield ReadProblem(path, "", "not a MISP event: no Event or Attribute list")


def _attributes(attributes: Any, where: str, path: str) -> Iterator[Raw | ReadProblem]:
    if not isinstance(attributes, list):
        return
    for number, attribute in enumerate(attributes):
        here = f"{where}[{number}]"
        if not isinstance(attribute, dict) or not isinstance(attribute.get("value"), str):
            yield ReadProblem(path, here, "attribute without a string value")
            continue
        yield from _attribute(attribute, here, path)


def _attribute(attribute: dict[str, Any], where: str, path: str) -> Iterator[Raw | ReadProblem]:
    kind_name = str(attribute.get("type", ""))
    names = kind_name.split("|")
    values = attribute["value"].split("|")
    if len(names) != len(values):
        yield ReadProblem(path, where, f"{kind_name} value {attribute['value']!r} has wrong parts")
        return
    to_ids = attribute.get("to_ids")
    to_ids = bool(to_ids) if to_ids is not None else None
    comment = str(attribute.get("comment") or "")
    used = False
    for name, value in zip(names, values, strict=True):
        if name in _NOT_INDICATORS:
            continue
        try:
            kind = type_named(name)
        except UnknownType:
            continue
        used = True
        yield Raw(kind, value, f"{where}.value", comment, to_ids)
    if not used:
        yield ReadProblem(
            path, where, f"attribute type {kind_name!r} is not an indicator type", ignored=True
        )
