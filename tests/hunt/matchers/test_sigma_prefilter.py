"""The literal pre-filter: it may let through events that do not match, never lose one."""

from __future__ import annotations

import pyarrow as pa
from sigma.rule import SigmaRule

from warroom.hunt.matchers._sigma_prefilter import Prefilter, anchors, combine

RULE = """\
title: t
logsource: {{product: windows, category: process_creation}}
detection:
{detection}
"""


def clauses(detection: str) -> object:
    rule = SigmaRule.from_yaml(RULE.format(detection=detection))
    return combine(anchors(c.parsed) for c in rule.detection.parsed_condition)


def test_and_keeps_a_clause_per_operand() -> None:
    found = clauses(
        "  sel:\n    Image|endswith: ['\\\\cmd.exe', '\\\\pwsh.exe']\n"
        "    CommandLine|contains: 'whoami'\n  condition: sel"
    )
    assert found == (frozenset({"\\cmd.exe", "\\pwsh.exe"}), frozenset({"whoami"}))


def test_not_and_short_literals_give_no_requirement() -> None:
    assert clauses("  sel: {Image: 'ab'}\n  condition: sel") is None
    assert clauses("  sel: {Image: 'abcdef'}\n  condition: not sel") is None
    assert clauses("  sel: {Image|re: 'abc.*'}\n  condition: sel") is None


def test_or_is_one_clause_of_both_sides() -> None:
    found = clauses("  a: {Image: 'first'}\n  b: {Image: 'second'}\n  condition: a or b")
    assert found == (frozenset({"first", "second"}),)


def test_candidates_need_every_clause() -> None:
    prefilter = Prefilter([(frozenset({"cmd.exe"}), frozenset({"whoami"})), (frozenset({"evil"}),)])
    column = pa.array(["C:\\CMD.EXE /c WHOAMI", "cmd.exe /c dir", None, "EVIL"])
    rules, rows = prefilter.candidates([column])
    assert sorted(zip(rules, rows, strict=True)) == [(0, 0), (1, 3)]
