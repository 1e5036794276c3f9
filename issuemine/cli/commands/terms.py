"""``issuemine terms FILE [--csv OUT] [--top N] [--column COL]``: the term frequency table."""

from __future__ import annotations

from issuemine.cli.commands._textargs import add_input_arguments, print_table, read_texts, write_table_csv

NAME = "terms"
HELP = "付箋の語の頻度表(語、品詞、出現回数、付箋数)を表示します"
ORDER = 20
HEADERS = ["語", "品詞", "出現回数", "付箋数"]


def add_arguments(parser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--top", metavar="N", type=int, default=50,
                        help="表示する上位の語数(既定 50、0 ですべて)。CSV には常にすべて書きます")
    parser.add_argument("--negation", choices=["replace", "both", "off"], default="replace",
                        help="否定の扱い: replace=「連携+否定」にまとめる(既定)、both=元の語も数える、off=扱わない")


def run(args) -> int:
    from issuemine.errors import IssuemineError
    from issuemine.text import JapaneseTokenizer, term_table

    if args.top < 0:
        raise IssuemineError(f"--top は 0 以上にしてください(指定: {args.top})。")
    texts = read_texts(args)
    from issuemine.present.tables import terms_for_people

    # parts of speech as plain words (名詞, 動詞 …), not UniDic tags
    table = terms_for_people(term_table(texts, tokenizer=JapaneseTokenizer(negation=args.negation)))
    shown = table if args.top == 0 else table.head(args.top)
    print_table(shown, HEADERS)
    print(f"# 付箋 {len(texts)} 枚、異なり語数 {len(table)}")
    if args.csv:
        write_table_csv(table, HEADERS, args.csv)
    return 0
