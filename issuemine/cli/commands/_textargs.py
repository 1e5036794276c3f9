"""Arguments shared by the ``terms`` and ``kwic`` commands (light: no heavy imports)."""

from __future__ import annotations

import sys

from issuemine.cli.commands._input import add_max_mb, max_bytes, print_warnings, read_warnings


def add_input_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="付箋のファイル(.csv / .tsv / .xlsx / .txt)")
    parser.add_argument("--column", metavar="COL", default=None,
                        help="付箋の内容の列(見出し名、列番号 0〜、または列記号 A〜)。既定: 見出しから自動判定")
    parser.add_argument("--no-header", action="store_true", help="見出し行のないファイルとして読みます")
    parser.add_argument("--csv", metavar="OUT", default=None,
                        help="結果を CSV(UTF-8 BOM 付き、Excel でそのまま開けます)にも書き出します")
    add_max_mb(parser)


def read_texts(args):
    """The notes' text Series of ``args.file`` (index = note_id), read by issuemine.ingest.read_notes.

    What reading found (an unclosed quote, skipped rows …) goes to stderr: stdout is the table."""
    from issuemine.ingest import read_notes

    column = args.column
    if column is not None and column.isdigit():
        column = int(column)
    mapping = {"text": column} if column is not None else None
    notes = read_notes(args.file, mapping=mapping, header=not args.no_header, max_bytes=max_bytes(args))
    print_warnings(read_warnings(notes), stream=sys.stderr)
    texts = notes["text"]
    texts.index = notes["note_id"]
    return texts


def print_table(df, headers: list[str]) -> None:
    """Plain tab-separated table on stdout, Japanese headers; note text only in the user's own terminal."""
    print("\t".join(headers))
    for row in df.itertuples(index=False, name=None):
        print("\t".join("" if v is None else str(v) for v in row))


def write_table_csv(df, headers: list[str], path) -> None:
    """The table as the user's CSV (Japanese headers, UTF-8 BOM, formula-guarded by ingest.write_csv)."""
    from issuemine.ingest import write_csv

    out = df.copy()
    out.columns = headers
    print(f"書き出しました: {write_csv(out, path)}")
