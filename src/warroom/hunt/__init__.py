"""Hunting engine: evidence files to events to findings (Sigma, indicators, YARA).

Engine package: never imports Django.

    evidence files -> sources (one per format) -> events -> matchers -> findings

Exceptions::

    HuntError
     ├── SourceError     an evidence file that cannot be read at all (file named)
     └── RuleError       a rule that cannot be loaded or compiled (file:line named)
"""

from warroom.hunt.errors import HuntError, RuleError, SourceError

__all__ = ["HuntError", "RuleError", "SourceError"]
