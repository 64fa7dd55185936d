"""The whole SigmaHQ rule set loads, and what cannot be used is named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warroom.hunt.matchers.sigma import SigmaRules


def test_the_sigmahq_rule_set_loads(capsys: pytest.CaptureFixture[str]) -> None:
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: it names the SigmaHQ snapshot to test with")
    dirs = [
        Path(root, name) for name in ("rules", "rules-emerging-threats", "rules-threat-hunting")
    ]
    rules = SigmaRules.load(dirs)
    with capsys.disabled():
        print(
            f"\nSigmaHQ rules: {len(rules.rules)} compiled, {len(rules.errors)} errors, "
            f"{rules.not_applicable} not applicable"
        )
        for error in rules.errors:
            print(f"  error: {error}")
    assert len(rules.rules) > 2500
    assert len(rules.errors) < 20
