"""Errors a user sees: each names the file, the record, the field and what is wrong."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    file: str
    path: str          # field path, e.g. forms_1099r[0].box2a
    message: str
    record: str = ""   # record id (1099-R id, line number in a batch)
    rule: str = ""

    def __str__(self) -> str:
        where = self.file + (f" [{self.record}]" if self.record else "")
        rule = f" ({self.rule})" if self.rule else ""
        return f"{where}: {self.path + ': ' if self.path else ''}{self.message}{rule}"


@dataclass
class InputError(Exception):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class TaxdocsError(Exception):
    """A clear, user-facing failure that is not about one input field."""
