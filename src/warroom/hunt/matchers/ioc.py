"""Indicators of compromise matched against every event field where they can appear.

Matching is three DuckDB steps per batch, never a Python loop over events and indicators:

1. every string field of every event becomes a row `(event, field, value)`;
2. SQL pulls candidate tokens out of the distinct values (log values repeat: user agents,
   referers, paths), each kind behind a cheap regular-expression pre-filter, so that any field
   can carry an indicator whatever the source calls it:

   ==========  ===========================================================================
   kind        candidates
   ==========  ===========================================================================
   IPv4/IPv6   dotted quads and colon-hex tokens anywhere in a value (c-ip, s-ip,
               SourceIp, DestinationIp, IpAddress, src_ip, URLs, command lines, ...)
   domain      values that are a whole host name (cs-host, QueryName, DestinationHostname,
               an optional :port), and the host of every URL in any value; a host matches
               an indicator domain and every parent domain of it (a.evil.example hits
               evil.example)
   URL         absolute http(s)/ftp URLs anywhere in a value, normalised as indicators are
   hash        32/40/64-hex tokens, including Sysmon's ``Hashes`` (``SHA256=...,MD5=...``)
   file name   the last path component of a value (TargetFilename, Image, cs-uri-stem, ...),
               case-insensitively, the query string dropped
   e-mail      address-shaped tokens, case-insensitively
   ==========  ===========================================================================

3. the distinct tokens get their keys (canonical IPv4 addresses and their integers, parent
   domains, lower-case hashes and names in SQL; IPv6 addresses and normalised URLs in Python,
   per distinct token), and one join of tokens, keys and indicators, plus a range join for
   networks (integer bounds; IPv6 split in two 64-bit halves, so no DuckDB extension is
   needed), gives the matching values, joined back to the events.

Only kinds that some indicator has are extracted. Not matched: absolute URL indicators against
web server logs that record only the path (cs-uri-stem without cs-host); domains inside e-mail
addresses.

One finding per (event, indicator), naming every field it was seen in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from warroom.hunt.finding import Finding, Level
from warroom.hunt.matcher import Matcher
from warroom.hunt.matchers import _duckdb
from warroom.hunt.matchers import _ioc_keys as keys
from warroom.hunt.source import Event, EventTable
from warroom.intel.indicator import IndicatorType
from warroom.intel.reader import Indicator

T = IndicatorType

# Candidate kind -> (SQL producing `value, token` from the distinct `vals`, filter on `token`).
_CANDIDATES: dict[str, tuple[str, str]] = {
    "ip4": (
        r"SELECT value, unnest(string_split_regex(value, '[^0-9.]+')) AS token FROM vals "
        r"WHERE regexp_matches(value, '\d\.\d+\.\d+\.\d')",
        r"regexp_full_match(token, '\d{1,3}(\.\d{1,3}){3}')",
    ),
    "ip6": (
        r"SELECT value, unnest(string_split_regex(value, '[^0-9A-Fa-f:.]+')) AS token "
        r"FROM vals WHERE regexp_matches(value, '::|([0-9A-Fa-f]{1,4}:){7}')",
        r"regexp_full_match(token, '[0-9A-Fa-f:.]{2,45}') "
        r"AND regexp_matches(token, '::|([0-9A-Fa-f]{1,4}:){7}')",
    ),
    "host": (
        r"SELECT value, value AS token FROM vals "
        r"WHERE regexp_full_match(value, '[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+\.?(:\d{1,5})?') "
        r"AND regexp_matches(value, '[A-Za-z]')",
        "true",
    ),
    "urlhost": (
        r"SELECT value, unnest(regexp_extract_all(value, "
        r"'[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#\s@]*@)?([^/?#\s:\[\]]+)', 1)) AS token "
        r"FROM vals WHERE contains(value, '://')",
        "true",
    ),
    "url": (
        r"SELECT value, unnest(regexp_extract_all(value, "
        r"'(?i)(?:https?|ftps?)://[^\s\"''<>|]+')) AS token FROM vals WHERE contains(value, '://')",
        "true",
    ),
    "hash": (
        r"SELECT value, unnest(string_split_regex(value, '[^0-9A-Za-z=]+')) AS token "
        r"FROM vals WHERE regexp_matches(value, '[0-9A-Fa-f]{32}')",
        r"regexp_full_match(token, '(?i)((md5|sha1|sha256)=)?([0-9a-f]{32}|[0-9a-f]{40}|"
        r"[0-9a-f]{64})')",
    ),
    "file": (
        r"SELECT value, regexp_extract(regexp_replace(value, '[?#].*$', ''), "
        r"'[^\\/]*$') AS token FROM vals WHERE contains(value, '.')",
        r"contains(token, '.') AND length(token) <= 255",
    ),
    "email": (
        r"SELECT value, unnest(regexp_extract_all(value, "
        r"'[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+')) AS token "
        r"FROM vals WHERE contains(value, '@')",
        "true",
    ),
}
_KINDS_FOR = {
    keys.IP: ("ip4", "ip6"),
    keys.DOMAIN: ("host", "urlhost"),
    keys.URL: ("url",),
    keys.HASH: ("hash",),
    keys.FILE: ("file",),
    keys.EMAIL: ("email",),
}
_EV_SCHEMA = pa.schema([("idx", pa.int32()), ("field", pa.string()), ("value", pa.string())])


class IocMatcher(Matcher):
    """Indicators (from `warroom.intel.load_indicators`) matched over batches of events."""

    name = "ioc"

    def __init__(self, indicators: Iterable[Indicator], *, level: Level = Level.HIGH) -> None:
        self.indicators = list(indicators)
        self.level = level
        self._db = _duckdb.connect()
        exact, networks = keys.indicator_tables(self.indicators)
        self._db.register("ioc", exact)
        self._db.register("net", networks)
        present = set(exact.column("kind").to_pylist())
        if networks.num_rows:
            present.add(keys.IP)
        kinds = [kind for ikind in sorted(present) for kind in _KINDS_FOR[ikind]]
        # Only our own constant SQL is put together here: no evidence text reaches it.
        self._candidates = " UNION ALL ".join(
            f"SELECT '{kind}' AS ckind, value, token FROM ({sql}) WHERE {test}"  # noqa: S608
            for kind in kinds
            for sql, test in [_CANDIDATES[kind]]
        )

    def __getstate__(self) -> dict[str, object]:
        # A DuckDB connection cannot be pickled: a worker process rebuilds it.
        return {"indicators": self.indicators, "level": self.level}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["indicators"], level=state["level"])  # type: ignore[misc]

    def scan(self, events: Sequence[Event]) -> Iterator[Finding]:
        """One finding per (event, indicator) seen in EVENTS."""
        if not self._candidates or not events:
            return
        for idx, number, fields in self._matches(_event_table(events)):
            yield self._finding(events[idx], self.indicators[number], fields)

    def scan_table(self, table: EventTable) -> Iterator[Finding]:
        """One finding per (row, indicator) seen in TABLE, without leaving Arrow.

        Only the distinct values of each column go to DuckDB; the rows holding a value with
        an indicator are then found column by column with Arrow's `is_in`.
        """
        if not self._candidates or not len(table):
            return
        names, arrays = table.columns.column_names, table.columns.columns
        columns = [(n, a) for n, a in zip(names, arrays, strict=True) if pa.types.is_string(a.type)]
        if not columns:
            return
        numbers_of: dict[str, list[int]] = {}
        distinct = pa.concat_arrays([_long_enough(pc.unique(column)) for _, column in columns])
        for value, number in self._value_hits(distinct):
            numbers_of.setdefault(value, []).append(number)
        if not numbers_of:
            return
        fields_of: dict[tuple[int, int], set[str]] = {}
        seen = pa.array(list(numbers_of), pa.string())
        for name, column in columns:
            rows = pc.indices_nonzero(pc.fill_null(pc.is_in(column, value_set=seen), False))
            for row, value in zip(rows.to_pylist(), column.take(rows).to_pylist(), strict=True):
                for number in numbers_of[value]:
                    fields_of.setdefault((row, number), set()).add(name)
        hits = sorted(fields_of)
        rows_hit = sorted({row for row, _ in hits})
        events = dict(zip(rows_hit, table.events(rows_hit), strict=True))
        for row, number in hits:
            fields = sorted(fields_of[row, number])
            yield self._finding(events[row], self.indicators[number], fields)

    def _matches(self, values: pa.Table) -> list[tuple[int, int, list[str]]]:
        """(row, indicator number, fields) of every indicator seen in VALUES (idx, field, value)."""
        rows = self._query(values, _ROW_HITS)
        return [(int(idx), int(number), list(fields)) for idx, number, fields in rows]

    def _value_hits(self, values: pa.Array) -> list[tuple[str, int]]:
        """(value, indicator number) of every indicator seen in one of VALUES."""
        found = self._query(pa.table({"value": values}), _VALUE_HITS_ONLY)
        return [(str(value), int(number)) for value, number in found]

    def _query(self, values: pa.Table, query: str) -> list[Any]:
        """QUERY's rows over VALUES, registered as `ev`: a `value` column, and `idx` and
        `field` when QUERY needs them (`_ROW_HITS`)."""
        db = self._db
        db.register("ev", values)
        # Log values repeat (user agents, referers, paths): extract from each distinct one once.
        db.execute("CREATE OR REPLACE TEMP TABLE vals AS SELECT DISTINCT value FROM ev")
        db.execute("CREATE OR REPLACE TEMP TABLE cand AS " + self._candidates)
        db.execute("CREATE OR REPLACE TEMP TABLE tok AS SELECT DISTINCT ckind, token FROM cand")
        # URLs and IPv6 addresses need Python's parsers; the rest get their keys in SQL.
        tokens = db.execute("SELECT ckind, token FROM tok WHERE ckind IN ('url', 'ip6')")
        token_keys, numbers = keys.token_tables(tokens.fetchall())
        db.register("pykey", token_keys)
        db.register("pynum", numbers)
        try:
            found: list[Any] = db.execute(query).fetchall()
        finally:
            for name in ("ev", "pykey", "pynum"):
                db.unregister(name)
        return found

    def _finding(self, event: Event, indicator: Indicator, fields: list[str]) -> Finding:
        where = ", ".join(fields)
        return Finding(
            matcher="ioc",
            rule_id=f"ioc:{indicator.type.value}:{indicator.value}",
            title=f"Indicator seen: {indicator.type.label} {indicator.value}",
            level=self.level,
            origin=event.origin,
            time=event.time,
            host=event.host,
            fields=dict(event.fields),
            detail=f"{indicator.value} in {where} (indicator from {indicator.source})",
        )


_VALUE_HITS = r"""
WITH ip4 AS (
    SELECT ckind, token FROM tok
    WHERE ckind = 'ip4'
        -- Octets up to 255 without leading zeros, as Python's ipaddress accepts them.
        AND list_max(list_transform(string_split(token, '.'), lambda o: o::INTEGER)) < 256
        AND NOT regexp_matches(token, '(^|\.)0\d')
),
tkey AS (
    SELECT ckind, token, kind, key FROM pykey
    UNION ALL SELECT ckind, token, 'ip', token FROM ip4
    UNION ALL SELECT ckind, token, 'domain', unnest(list_transform(range(1, len(parts)),
        lambda i: array_to_string(list_slice(parts, i, len(parts)), '.')))
    FROM (
        SELECT ckind, token, string_split(rtrim(split_part(lower(token), ':', 1), '.'), '.') parts
        FROM tok WHERE ckind IN ('host', 'urlhost')
    )
    UNION ALL SELECT ckind, token, 'hash', lower(regexp_replace(token, '^.*=', ''))
    FROM tok WHERE ckind = 'hash'
    UNION ALL SELECT ckind, token, ckind, lower(token) FROM tok WHERE ckind IN ('file', 'email')
),
tnum AS (
    SELECT token, version, hi, lo FROM pynum
    UNION ALL SELECT token, 4, 0,
        (split_part(token, '.', 1)::UBIGINT << 24) + (split_part(token, '.', 2)::UBIGINT << 16)
        + (split_part(token, '.', 3)::UBIGINT << 8) + split_part(token, '.', 4)::UBIGINT
    FROM ip4
),
value_hits AS (
    SELECT c.value, i.number
    FROM cand c
    JOIN tkey k ON k.ckind = c.ckind AND k.token = c.token
    JOIN ioc i ON i.kind = k.kind AND i.key = k.key
    UNION
    SELECT c.value, n.number
    FROM cand c
    JOIN tnum p ON p.token = c.token AND c.ckind IN ('ip4', 'ip6')
    JOIN net n ON n.version = p.version
        AND p.hi BETWEEN n.hi_first AND n.hi_last
        AND p.lo BETWEEN n.lo_first AND n.lo_last
)
"""
# Every (row, indicator) of the long table `ev`, with the fields it was seen in.
_ROW_TAIL = r""",
hits AS (SELECT e.idx, e.field, v.number FROM ev e JOIN value_hits v ON e.value = v.value)
SELECT idx, number, list(DISTINCT field ORDER BY field) AS fields
FROM hits GROUP BY idx, number ORDER BY idx, number
"""
_ROW_HITS = _VALUE_HITS + _ROW_TAIL
# Every (distinct value, indicator): the rows are found apart, in Arrow.
_VALUE_TAIL = "\nSELECT value, number FROM value_hits"
_VALUE_HITS_ONLY = _VALUE_HITS + _VALUE_TAIL


def _long_enough(values: pa.Array) -> pa.Array:
    """VALUES that can hold an indicator: four characters or more ("a.bc")."""
    return pc.filter(values, pc.fill_null(pc.greater(pc.utf8_length(values), 3), False))


def _event_table(events: Sequence[Event]) -> pa.Table:
    idxs: list[int] = []
    names: list[str] = []
    values: list[Any] = []
    for idx, event in enumerate(events):
        for name, value in event.fields.items():
            # Nothing shorter than four characters can hold an indicator ("a.bc").
            if type(value) is str and len(value) > 3:
                idxs.append(idx)
                names.append(name)
                values.append(value)
    return pa.table([idxs, names, values], schema=_EV_SCHEMA)
