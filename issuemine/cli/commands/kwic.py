"""``issuemine kwic FILE TERM [--width N] [--csv OUT]``: the concordance (left context, term, right)."""

from __future__ import annotations

from issuemine.cli.commands._textargs import add_input_arguments, print_table, read_texts, write_table_csv

NAME = "kwic"
HELP = "語の用例(前の文脈、語、後の文脈)を付箋から一覧します"
ORDER = 21
HEADERS = ["付箋ID", "前の文脈", "語", "後の文脈"]


def add_arguments(parser) -> None:
    add_input_arguments(parser)
    parser.add_argument("term", metavar="TERM", help="探す語(「連携」「連携+否定」、略語も可: 訪看 → 訪問看護)")
    parser.add_argument("--width", metavar="N", type=int, default=20, help="前後に表示する文字数(既定 20)")


def run(args) -> int:
    from issuemine.errors import IssuemineError
    from issuemine.text import kwic

    if args.width < 0:
        raise IssuemineError(f"--width は 0 以上にしてください(指定: {args.width})。")
    if not args.term.strip():
        raise IssuemineError("探す語が空です。")
    texts = read_texts(args)
    table = kwic(texts, args.term.strip(), width=args.width)
    print_table(table, HEADERS)
    print(f"# 「{args.term.strip()}」の用例 {len(table)} 件(付箋 {table['note_index'].nunique()} 枚)")
    if args.csv:
        write_table_csv(table, HEADERS, args.csv)
    return 0
