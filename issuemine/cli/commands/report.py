"""``issuemine report WORKSHOP... [--out DIR] [--pdf] [--mask-pii] [--seed S] [--name NAME] [--date DAY]``."""

from __future__ import annotations

NAME = "report"
HELP = "ワークショップのフォルダから委員会向けレポート(HTML・Excel・CSV、指定すれば PDF)を作ります"
ORDER = 60


def add_arguments(parser) -> None:
    parser.add_argument("workshops", nargs="+", metavar="WORKSHOP",
                        help="ワークショップのフォルダ(notes.csv などを含む)または付箋のファイル。複数指定すると会の比較を加えます")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="出力先フォルダ(既定: reports/<ワークショップ名>)")
    parser.add_argument("--pdf", action="store_true", help="Chromium で report.pdf も作ります")
    parser.add_argument("--mask-pii", action="store_true",
                        help="電話番号・メールアドレス・人名をすべての出力で伏せ字にします")
    parser.add_argument("--seed", type=int, default=0, help="乱数シード(既定 0)。同じ入力と同じシードなら同じ出力")
    parser.add_argument("--name", default=None, metavar="名前",
                        help="表紙とページの見出しに書くワークショップ名(既定: フォルダの workshop.json、なければフォルダ名)")
    parser.add_argument("--date", default=None, metavar="開催日",
                        help="ワークショップの開催日(例: 2026-12-06、2026年12月6日、令和8年12月6日)。"
                             "既定: フォルダの workshop.json の date")
    parser.add_argument("--themes", default="auto", metavar="auto|N", help="テーマ数(既定 auto: ツールが決めます)")
    from issuemine.cli.commands._input import add_max_mb

    add_max_mb(parser)


def default_out(paths) -> str:
    from pathlib import Path

    names = [Path(p).resolve().stem if Path(p).is_file() else Path(p).resolve().name for p in paths]
    return str(Path("reports") / (names[0] if len(names) == 1 else "compare-" + "-".join(names)))


def parse_themes(value: str):
    from issuemine.errors import IssuemineError

    if value == "auto":
        return "auto"
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise IssuemineError(f"--themes には auto か 1 以上の整数を指定してください(指定: {value})。")
    return n


def workshops_with_details(args) -> list:
    """The workshops to report on, with ``--name`` / ``--date`` applied (one workshop only: several
    meetings take theirs from each folder's workshop.json)."""
    from issuemine.errors import IssuemineError
    from issuemine.report.workshop import find_workshop, with_details, workshop_date, workshop_name

    name, date = getattr(args, "name", None), getattr(args, "date", None)
    if name is None and date is None:
        return list(args.workshops)
    if len(args.workshops) > 1:
        raise IssuemineError("--name と --date は、ワークショップを1つだけ指定したときに使えます。",
                             hint="複数の会では、各フォルダの workshop.json に "
                                  '{"name": "ワークショップ名", "date": "2026-12-06"} の形で書いてください')
    for flag, value, check in (("--name", name, workshop_name), ("--date", date, workshop_date)):
        try:
            if value is not None:
                check(value)
        except IssuemineError as exc:
            raise IssuemineError(f"{flag}: {exc.message}", hint=exc.hint) from None
    return [with_details(find_workshop(args.workshops[0]), name=name, date=date)]


def run(args) -> int:
    from pathlib import Path

    from issuemine.cli.commands._input import max_bytes, print_warnings, read_warnings
    from issuemine.report import make_report

    out = Path(args.out or default_out(args.workshops))
    report = make_report(workshops_with_details(args), out, seed=args.seed, mask_pii=args.mask_pii, pdf=args.pdf,
                         n_themes=parse_themes(args.themes), max_bytes=max_bytes(args))
    for d in report.workshops:  # what choosing and reading the files found (also in the report's 読み込み)
        several = len(report.workshops) > 1
        survey = (getattr(d.survey, "info", None) or {}).get("read_warnings", [])
        print_warnings([*d.workshop.messages, *read_warnings(d.notes), *survey],
                       prefix=f"注意({d.name}): " if several else "注意: ")
    print(f"レポートを書き出しました: {out / 'index.html'}")
    if args.pdf:
        print(f"PDF: {out / 'report.pdf'}")
    return 0
