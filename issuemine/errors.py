"""The one error type users see.

Every failure a user can cause (wrong file, encoding, missing column, bad label) is raised as an
``IssuemineError`` whose message is Japanese and names the file, row and column where they are known.
Messages never quote note text: notes describe real families (see docs/privacy in README).
"""

from __future__ import annotations

from pathlib import Path


class IssuemineError(Exception):
    """A user-facing error with where it happened.

    ``row`` is the 1-based row as a spreadsheet shows it (the header, if any, is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.__str__())

    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"ファイル「{Path(self.file).name}」")
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column is not None:
            parts.append(f"列「{self.column}」")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"(ヒント: {self.hint})"
        return text


class InputError(IssuemineError):
    """The input file cannot be read as the user meant it."""


class ConfigError(IssuemineError):
    """A data file in corpora/ (or one the user passed) is malformed."""
