"""warroom's own rules, shipped in the package: Sigma rules for the ToolShell attack chain (and
the YARA rules under yara/).

Each Sigma rule has its positive and negative tests in tests/hunt/test_rule_pack.py.
"""

from __future__ import annotations

from pathlib import Path

SIGMA_RULES = Path(__file__).parent / "sigma"
YARA_RULES = Path(__file__).parent / "yara"

__all__ = ["SIGMA_RULES", "YARA_RULES"]
