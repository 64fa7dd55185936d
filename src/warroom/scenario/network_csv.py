"""The edge logs' CSV layout: column names, the writer and the hunt's column maps.

The column names are ones the hunt's CSV reader recognises on its own (``src_ip``, ``c-uri``,
``c-useragent``, ...), so the files hunt well without a map (one ``--column-map`` would not fit
both files anyway); `column_maps` gives the explicit maps all the same (category, time column
and format, the device as host).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import TextIO

from warroom.scenario.model import NetRecord

__all__ = ["FIREWALL_COLUMNS", "PROXY_COLUMNS", "column_maps", "write_csv"]

# fmt: off
FIREWALL_COLUMNS = ("time", "device", "src_zone", "dst_zone", "src_ip", "src_port", "dst_ip",
                    "dst_port", "nat_dst_ip", "proto", "app", "action", "rule", "bytes_sent",
                    "bytes_received", "packets_sent", "packets_received", "elapsed",
                    "session_end_reason")
PROXY_COLUMNS = ("time", "c-ip", "cs-username", "cs-method", "cs-host", "c-uri", "sc-status",
                 "sc-bytes", "cs-bytes", "c-useragent", "category", "action")
# fmt: on
_value = itemgetter(1)


def write_csv(
    out: TextIO, records: Iterable[NetRecord], on_step: Callable[[str, int], None] | None = None
) -> None:
    """Write RECORDS as CSV under a header of their column names; ON_STEP(step, line) for attacks.

    OUT should be opened with ``newline=""``: rows end in ``\\n`` whatever the platform.
    Nothing is written when there are no records.
    """
    it = iter(records)
    first = next(it, None)
    if first is None:
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in first.values])
    writer.writerows(_values(first, it, on_step))


def _values(
    first: NetRecord, rest: Iterator[NetRecord], on_step: Callable[[str, int], None] | None
) -> Iterator[Iterator[str]]:
    """The values of each record, telling ON_STEP the line of every attack row on the way."""
    record: NetRecord | None = first
    line = 2
    while record is not None:
        if record.step is not None and on_step is not None:
            on_step(record.step, line)
        yield map(_value, record.values)
        line += 1
        record = next(rest, None)


def column_maps() -> dict[str, str]:
    """The YAML column maps for ``warroom hunt --column-map``, by file name."""
    return {"firewall/columns.yml": _FIREWALL_MAP, "proxy/columns.yml": _PROXY_MAP}


_FIREWALL_MAP = """\
# fw-edge01 traffic log exported as CSV: one row per session, stamped with its start (UTC).
# The column names are ones warroom recognises anyway; this map only makes them explicit
# and names the device column as the host.
category: firewall
time: time
time_format: iso
timezone: UTC
host: device
fields:
  src_ip: src_ip
  src_port: src_port
  dst_ip: dst_ip
  dst_port: dst_port
  action: action
"""
_PROXY_MAP = """\
# proxy01 access log exported as CSV: one row per HTTP request (TLS inspected), UTC.
# The column names are ones warroom recognises anyway; this map only makes them explicit.
category: proxy
time: time
time_format: iso
timezone: UTC
fields:
  c-ip: c-ip
  cs-method: cs-method
  cs-host: cs-host
  c-uri: c-uri
  sc-status: sc-status
  c-useragent: c-useragent
"""
