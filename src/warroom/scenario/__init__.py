"""Scenario generator: realistic evidence of the DESIGN.md case, with ground truth.

Engine package: never imports Django. Built out by issue #4.
"""

__all__: list[str] = []
