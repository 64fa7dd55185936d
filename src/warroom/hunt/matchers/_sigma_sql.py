"""Compile a parsed Sigma condition (pySigma's tree) into one DuckDB SQL predicate.

Columns are not named after fields: DuckDB identifiers are case-insensitive and Sigma field
names are not, and field names carry characters such as `(` and `-` (IIS). `Columns` hands
out `c0`, `c1`, ... for each (field, lower-cased) pair; the matcher builds only the columns
its rules use. Case-insensitive comparisons run against a lower-cased copy of the column
(made once per batch with Arrow's vectorised `utf8_lower`) so the predicates themselves are
plain `=`, `prefix`, `suffix`, `contains` and `LIKE`. Keywords (values not bound to a field)
match anywhere in `ALL_FIELDS`, the lower-cased values of every field joined by newlines.

SQL NULL (a field the event does not have) must count as "no match" even under `not`, so
negations wrap their operand in `coalesce(..., false)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    CompareOperators,
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SpecialChars,
)

_Part = str | SpecialChars | Placeholder
ALL_FIELDS = "\x00all"  # the pseudo-field keywords are matched against

_OPERATORS = {
    CompareOperators.LT: "<",
    CompareOperators.LTE: "<=",
    CompareOperators.GT: ">",
    CompareOperators.GTE: ">=",
}
_REGEX_FLAGS = {
    SigmaRegularExpressionFlag.IGNORECASE: "i",
    SigmaRegularExpressionFlag.MULTILINE: "m",
    SigmaRegularExpressionFlag.DOTALL: "s",
}


class UnsupportedError(Exception):
    """A part of a rule that cannot be compiled (the matcher turns it into a RuleError)."""


@dataclass
class Columns:
    """The column names handed out for (field, lower-cased) pairs, shared by all rules."""

    names: dict[tuple[str, bool], str] = field(default_factory=dict)

    def name(self, field_name: str, lowered: bool) -> str:
        """The column holding FIELD_NAME (its lower-cased copy when LOWERED)."""
        key = (field_name, lowered)
        if key not in self.names:
            self.names[key] = f"c{len(self.names)}"
        return self.names[key]


def quote(text: str) -> str:
    """TEXT as an SQL string literal."""
    if "\x00" in text:
        raise UnsupportedError("NUL characters in values are not supported")
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Compiler:
    """Turns one rule's condition tree into SQL; collects the columns it used."""

    columns: Columns
    renames: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def column(self, field_name: str, lowered: bool) -> str:
        """The column for FIELD_NAME of the rule (renamed for the target), noted as used."""
        name = self.columns.name(self.renames.get(field_name, field_name), lowered)
        self.used.add(name)
        return name

    def compile(self, node: ConditionItem | object) -> str:
        """SQL for NODE and everything below it."""
        if isinstance(node, ConditionAND | ConditionOR):
            glue = " AND " if isinstance(node, ConditionAND) else " OR "
            return "(" + glue.join(self.compile(arg) for arg in node.args) + ")"
        if isinstance(node, ConditionNOT):
            return f"NOT coalesce({self.compile(node.args[0])}, false)"
        if isinstance(node, ConditionFieldEqualsValueExpression):
            return self.value(node.field, node.value)
        if isinstance(node, ConditionValueExpression):
            return self.keyword(node.value)
        raise UnsupportedError(f"condition element {type(node).__name__} is not supported")

    def keyword(self, value: object) -> str:
        """A value not bound to a field: found anywhere in the event."""
        if isinstance(value, SigmaExpansion):
            return "(" + " OR ".join(self.keyword(v) for v in value.values) + ")"
        if not isinstance(value, SigmaString | SigmaNumber):
            raise UnsupportedError(f"keyword of type {type(value).__name__} is not supported")
        text = value if isinstance(value, SigmaString) else SigmaString(str(value))
        parts = list(text.s)
        if not parts or parts[0] != SpecialChars.WILDCARD_MULTI:
            parts.insert(0, SpecialChars.WILDCARD_MULTI)
        if parts[-1] != SpecialChars.WILDCARD_MULTI:
            parts.append(SpecialChars.WILDCARD_MULTI)
        return string_match(self.column(ALL_FIELDS, True), parts, lowered=True)

    def value(self, field_name: str, value: object) -> str:
        """SQL for FIELD_NAME compared with one Sigma VALUE, per its type."""
        if isinstance(value, SigmaExpansion):
            return "(" + " OR ".join(self.value(field_name, v) for v in value.values) + ")"
        if isinstance(value, SigmaCasedString):
            return string_match(self.column(field_name, False), value.s, lowered=False)
        if isinstance(value, SigmaString):
            if value.contains_placeholder():
                raise UnsupportedError("placeholders are not supported")
            return string_match(self.column(field_name, True), value.s, lowered=True)
        if isinstance(value, SigmaNumber | SigmaBool):
            text = str(value.number if isinstance(value, SigmaNumber) else value.boolean)
            return f"{self.column(field_name, True)} = {quote(text.lower())}"
        if isinstance(value, SigmaNull):
            column = self.column(field_name, False)
            return f"({column} IS NULL OR {column} = '')"
        if isinstance(value, SigmaExists):
            test = "IS NOT NULL" if value.exists else "IS NULL"
            return f"{self.column(field_name, False)} {test}"
        return self.special(field_name, value)

    def special(self, field_name: str, value: object) -> str:
        """SQL for the rarer value types: re, cidr, numeric comparison, fieldref."""
        if isinstance(value, SigmaRegularExpression):
            return regex(self.column(field_name, False), value)
        if isinstance(value, SigmaCIDRExpression):
            column = self.column(field_name, True)
            prefixes = [p.rstrip("*").lower() for p in value.expand(wildcard="*")]
            return "(" + " OR ".join(f"prefix({column}, {quote(p)})" for p in prefixes) + ")"
        if isinstance(value, SigmaCompareExpression):
            operator = _OPERATORS[value.op]
            column = self.column(field_name, False)
            return f"TRY_CAST({column} AS DOUBLE) {operator} {float(value.number.number)!r}"
        if isinstance(value, SigmaFieldReference):
            left = self.column(field_name, True)
            right = self.column(value.field, True)
            if value.starts_with:
                return f"prefix({left}, {right})"
            if value.ends_with:
                return f"suffix({left}, {right})"
            return f"{left} = {right}"
        raise UnsupportedError(f"value of type {type(value).__name__} is not supported")


def regex(column: str, value: SigmaRegularExpression) -> str:
    """`regexp_matches` with Sigma's flags written inline (RE2 syntax)."""
    flags = "".join(sorted(_REGEX_FLAGS[f] for f in value.flags if f in _REGEX_FLAGS))
    pattern = str(value.regexp)
    if flags:
        pattern = f"(?{flags}){pattern}"
    return f"regexp_matches({column}, {quote(pattern)})"


def string_match(column: str, parts: Sequence[_Part], *, lowered: bool) -> str:
    """SQL matching COLUMN against a Sigma string with wildcards * and ?."""
    literal = [p for p in parts if isinstance(p, str)]
    wild = [p for p in parts if not isinstance(p, str)]
    if any(not isinstance(p, SpecialChars) for p in wild):
        raise UnsupportedError("placeholders are not supported")
    if not wild:
        return f"{column} = {quote(_case(''.join(literal), lowered))}"
    star = SpecialChars.WILDCARD_MULTI
    if len(literal) == 1 and all(p == star for p in wild):
        text = quote(_case(literal[0], lowered))
        shape = (parts[0] == star, parts[-1] == star, len(parts))
        fast = {(True, True, 3): "contains", (False, True, 2): "prefix", (True, False, 2): "suffix"}
        if shape in fast:
            return f"{fast[shape]}({column}, {text})"
    return f"{column} LIKE {quote(like_pattern(parts, lowered=lowered))} ESCAPE '\\'"


def _case(text: str, lowered: bool) -> str:
    return text.lower() if lowered else text


def like_pattern(parts: Sequence[_Part], *, lowered: bool) -> str:
    """A LIKE pattern for a Sigma string: * -> %, ? -> _, LIKE's own characters escaped."""
    out = []
    for part in parts:
        if part == SpecialChars.WILDCARD_MULTI:
            out.append("%")
        elif part == SpecialChars.WILDCARD_SINGLE:
            out.append("_")
        else:
            text = _case(str(part), lowered)
            out.append(text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return "".join(out)
