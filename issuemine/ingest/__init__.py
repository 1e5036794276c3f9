"""Reading workshop files: notes (read_notes), raw tables for questionnaires (read_table), safe CSV out.

Nothing heavy is imported here: pandas, openpyxl and charset-normalizer load inside the functions, so
a CLI command can import this module at the top without slowing ``issuemine --help``.
"""

from issuemine.ingest.csvout import guard_cell, to_csv_bytes, to_csv_text, unguard_cell, write_csv
from issuemine.ingest.duplicates import bigram_set, flag_duplicates, jaccard
from issuemine.ingest.notes import DEFAULT_MAX_CHARS, note_id, read_notes
from issuemine.ingest.report import ReadReport
from issuemine.ingest.source import DEFAULT_MAX_BYTES
from issuemine.ingest.table import TableInfo, read_table
from issuemine.ingest.xlsx import SheetInfo, list_sheets

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_CHARS", "ReadReport", "SheetInfo", "TableInfo", "bigram_set", "flag_duplicates",
    "guard_cell", "jaccard", "list_sheets", "note_id", "read_notes", "read_table", "to_csv_bytes", "to_csv_text",
    "unguard_cell", "write_csv",
]
