"""DuckDB connections for the matchers, with the number of threads each may use.

A hunt in one process lets DuckDB use every core. A hunt shared among worker processes (see
`warroom.hunt.parallel`) already keeps every core busy with one process each, so each
worker's matchers get one thread: more would only fight over the same cores.
"""

from __future__ import annotations

import duckdb

# None: DuckDB's default (one thread per core). Worker processes set 1 before building matchers.
threads: int | None = None


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory connection using `threads` threads."""
    if threads is None:
        return duckdb.connect()
    return duckdb.connect(config={"threads": threads})
