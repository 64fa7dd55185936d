"""Hunting engine: evidence files to events to findings (Sigma, indicators, YARA).

Engine package: never imports Django. Built out by issue #3.
"""

__all__: list[str] = []
