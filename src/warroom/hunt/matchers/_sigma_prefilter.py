"""Pre-filter Sigma rules with the literals they require, so DuckDB evaluates few rows.

Most rules can only match an event that contains one of a few literals somewhere (`\\cmd.exe`,
`-encodedcommand`, ...). `anchors` derives such a set from the condition tree: a leaf gives its
longest literal, `or` the union of its operands, `and` the most selective operand; `not`,
regular expressions and short literals give nothing (the rule is always a candidate). One
RE2 set of every anchor is run over the lower-cased values of each column the rules read
(each distinct value once); an event is a candidate for a rule when every clause of the rule
has a literal found in one of the event's values. The rule's own predicate still decides.

Measured on 9,320 Sysmon events with the 1,183 process_creation rules: evaluating every rule
on every event took 4.5 s in DuckDB (about 100 ns per rule per event, the same for the fast
string functions and for LIKE); see bench/hunt_evtx.py for the numbers with the pre-filter.
RE2 comes with pySigma (which needs it), so this adds no dependency.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from itertools import repeat

import pyarrow as pa
import pyarrow.compute as pc
import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import SigmaExpansion, SigmaNumber, SigmaString

# Literals shorter than this match nearly every event; they would only cost time.
MIN_ANCHOR = 3


Clauses = tuple[frozenset[str], ...]


def anchors(node: object) -> Clauses | None:
    """Clauses of lower-cased literals: an event NODE matches has one of each; None: none.

    A leaf gives its longest literal; `and` the clauses of all its operands; `or` one clause,
    the union of the most selective clause of each operand; `not` gives nothing.
    """
    if isinstance(node, ConditionOR):
        return combine(anchors(arg) for arg in node.args)
    if isinstance(node, ConditionAND):
        usable = [found for found in (anchors(arg) for arg in node.args) if found is not None]
        return tuple(clause for found in usable for clause in found) if usable else None
    if isinstance(node, ConditionFieldEqualsValueExpression | ConditionValueExpression):
        return _value_anchors(node.value)
    return None  # NOT, and anything new: no requirement can be derived


def combine(alternatives: Iterable[Clauses | None]) -> Clauses | None:
    """The clauses of a disjunction (the operands of `or`, or a rule's several conditions)."""
    found = list(alternatives)
    if not found or any(f is None for f in found):
        return None
    if len(found) == 1:
        return found[0]
    return (frozenset().union(*(max(f, key=_selectivity) for f in found if f is not None)),)


def _selectivity(literals: frozenset[str]) -> tuple[int, int]:
    # Longer shortest literal first (fewer chance hits), then fewer literals.
    return min(len(lit) for lit in literals), -len(literals)


def _value_anchors(value: object) -> Clauses | None:
    if isinstance(value, SigmaExpansion):
        return combine(_value_anchors(v) for v in value.values)
    if isinstance(value, SigmaString):
        parts = [p for p in value.s if isinstance(p, str)]
        longest = max(parts, key=len, default="")
    elif isinstance(value, SigmaNumber):
        longest = str(value.number)
    else:
        return None
    # Bytes, not characters: one emoji (4 bytes in UTF-8) is as rare as a 4-letter word.
    return (frozenset([longest.lower()]),) if len(longest.encode()) >= MIN_ANCHOR else None


class Prefilter:
    """One RE2 set of the anchors of many rules; finds each event's candidate rules."""

    def __init__(self, rule_anchors: Sequence[Clauses]) -> None:
        options = re2.Options()
        options.literal = True
        options.max_mem = 512 << 20
        self._set = re2.Set.SearchSet(options)
        self._rules_of: list[list[int]] = []
        self._clauses: list[list[frozenset[int]]] = []
        index: dict[str, int] = {}
        for number, clauses in enumerate(rule_anchors):
            self._clauses.append([])
            for clause in clauses:
                for literal in sorted(clause - index.keys()):
                    index[literal] = len(self._rules_of)
                    self._rules_of.append([])
                    self._set.Add(literal)
                for literal in clause:
                    self._rules_of[index[literal]].append(number)
                self._clauses[number].append(frozenset(index[lit] for lit in clause))
        self._set.Compile()
        # Events of one kind tend to hit the same literals: remember each set's rules.
        self._cache: dict[frozenset[int], list[int]] = {}

    def candidates(
        self, columns: Sequence[pa.Array | pa.ChunkedArray]
    ) -> tuple[list[int], list[int]]:
        """The (rule number, row) pairs of COLUMNS (any case) that may match, as two lists.

        Each column is searched on its own, each distinct value once: log values repeat
        (paths, user agents, command lines of scheduled jobs), so a column of 200,000 rows
        often has a few thousand values. Rows are then grouped by which value of each column
        they hit, and each group's rules are worked out once: the Python work grows with
        the distinct values and the groups, not with the rows.
        """
        hit = [(found, ids) for found, ids in map(self._hits, columns) if any(found)]
        if not hit:
            return [], []
        keys = [f"h{n}" for n in range(len(hit))]
        table = pa.table(
            {**{key: ids for key, (_, ids) in zip(keys, hit, strict=True)},
             "row": pa.array(range(len(hit[0][1])), pa.int64())}
        )  # fmt: skip
        table = table.filter(functools.reduce(pc.or_, [pc.not_equal(ids, -1) for _, ids in hit]))
        rules_out: list[int] = []
        rows_out: list[int] = []
        for group in table.group_by(keys).aggregate([("row", "list")]).to_pylist():
            literals = frozenset[int]().union(
                *(found[group[key]] for key, (found, _) in zip(keys, hit, strict=True))
            )
            rows = group["row_list"]
            for number in self._rules_cached(literals):
                rules_out.extend(repeat(number, len(rows)))
                rows_out.extend(rows)
        return rules_out, rows_out

    def _hits(self, column: pa.Array | pa.ChunkedArray) -> tuple[list[frozenset[int]], pa.Array]:
        """The literals in each distinct value of COLUMN, and the number of each row's value.

        The number indexes the first list; it is -1 when the row's value holds no literal
        (and when it is null). The last list item is always empty, for -1 to find. When no
        value holds a literal, the list is that one empty item and no numbers are given.
        """
        if not pa.types.is_string(column.type):
            column = pc.cast(column, pa.string())
        lowered = pc.utf8_lower(column)
        values = pc.unique(lowered)
        match = self._set.Match
        texts = values.to_pylist()
        # One scan of all the distinct values first: most columns (times, addresses, sizes)
        # hold no literal at all, and then no value needs a scan of its own.
        if not match("\n".join(text for text in texts if text)):
            return [frozenset()], pa.array([], pa.int32())
        found = [frozenset(match(text) or ()) if text else frozenset() for text in texts]
        numbers = pa.array([n if f else -1 for n, f in enumerate(found)], pa.int32())
        where = pc.index_in(lowered, value_set=values)
        return [*found, frozenset()], pc.fill_null(numbers.take(where), -1)

    def _rules_cached(self, literals: frozenset[int]) -> list[int]:
        rules = self._cache.get(literals)
        if rules is None:
            rules = self._rules(literals)
            if len(self._cache) < 100_000:
                self._cache[literals] = rules
        return rules

    def _rules(self, hits: frozenset[int]) -> list[int]:
        touched = {number for literal in hits for number in self._rules_of[literal]}
        return sorted(
            number
            for number in touched
            if all(not clause.isdisjoint(hits) for clause in self._clauses[number])
        )
