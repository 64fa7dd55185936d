"""The exceptions of warroom.hunt (drawn in the package docstring)."""

from __future__ import annotations


class HuntError(Exception):
    """Base class of every error raised by warroom.hunt."""


class SourceError(HuntError):
    """An evidence file that cannot be read at all; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, str]]:
        # Exceptions pickle their message alone; a worker process must get them whole.
        return SourceError, (self.path, self.reason)


class RuleError(HuntError):
    """A rule that cannot be loaded or compiled; the message names file and line."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple[type[RuleError], tuple[str, str, int | None]]:
        # Rules travel to worker processes pickled, with the errors they were loaded with.
        return RuleError, (self.path, self.reason, self.line)
