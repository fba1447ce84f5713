"""The one project exception and its kinds.

Every message says what went wrong and what to do next; the CLI prints it as one line
(or a listing for row problems) and maps the kind to an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExportkitError(Exception):
    """A problem the user can fix. Exit code 1 unless a subclass says otherwise."""

    exit_code = 1


class UsageError(ExportkitError):
    """The command was asked for something it cannot do (bad option value). Exit code 2."""

    exit_code = 2


class DataFileError(ExportkitError):
    """A data file (rubric, markets, headers) is malformed; names the file and key."""


class RegistryError(ExportkitError):
    """The registry cannot be opened, or holds something it should not."""


@dataclass(frozen=True)
class RowProblem:
    """One bad value in one input row: where, what, and why."""

    file: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.file}:{self.row}:{self.column}: {shown!r}: {self.reason}"


class InputRejected(ExportkitError):
    """One or more rows of the input are bad; nothing was written."""

    def __init__(self, problems: list[RowProblem], total: int, message: str):
        super().__init__(message)
        self.problems = problems
        self.total = total
