"""What reading a notes file found: shown to the user, kept in ``df.attrs["report"]``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from issuemine.ingest.columns import ROLE_LABELS


LISTED_ROWS = 1000


@dataclass
class ReadReport:
    """Summary of one read_notes call. Holds column names and counts, never note text."""

    file: str
    encoding: str | None  # None for xlsx
    format: str = ""
    sheet: str | None = None  # the sheet read (.xlsx); None for text files
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook, in order (a sheet choice)
    hidden_sheets: list[str] = field(default_factory=list)
    delimiter: str | None = None
    header_row: int | None = None
    columns_found: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # role → column used
    n_rows: int = 0  # data rows read (after the header), empty ones included
    n_notes: int = 0
    skipped_empty: int = 0
    # 1-based file rows, the first LISTED_ROWS of them (skipped_empty counts them all): a sheet with one
    # value at row 1,048,576 must not put a million row numbers into analysis.json and the app's database
    skipped_empty_rows: list[int] = field(default_factory=list)
    duplicates: int = 0
    near_duplicates: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """A few Japanese lines for the terminal or a web page."""
        from issuemine.present.names import encoding_name, format_name

        enc = encoding_name(self.encoding) or "—"
        where = f"シート「{self.sheet}」" if self.sheet else f"文字コード {enc}"
        used = "、".join(f"{ROLE_LABELS.get(role, role)}=「{col}」" for role, col in self.mapping.items())
        lines = [
            f"「{Path(self.file).name}」({format_name(self.format)}、{where})から付箋 {self.n_notes} 件を読みました。",
            f"使った列: {used}",
        ]
        if self.duplicates or self.near_duplicates:
            lines.append(f"同じグループ内の重複 {self.duplicates} 件、ほぼ重複 {self.near_duplicates} 件に印を付けました"
                         "(削除はしていません)。")
        lines += [f"注意: {w}" for w in self.warnings]
        return "\n".join(lines)
