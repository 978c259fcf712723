"""What a reader reports: one `RowError` per problem, tied to a spreadsheet row when it has
one, and `TableError` carrying all of them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..domain.messages import Message


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the spreadsheet row number (the header is row 1) or None for the
    whole file; `message` is English as str(), translated by the web layer when shown."""

    row: int | None
    message: str | Message

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row else str(self.message)


class TableError(Exception):
    """The file cannot be read as a table, or its rows are invalid. Carries every error."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


def refuse(message: str | Message, row: int | None = None) -> TableError:
    """A TableError with one reason (raise it)."""
    return TableError([RowError(row, message)])
