"""``issuemine demo``: the README's first command — the bundled sample workshop to ``reports/sample/``.

Prints the sample's 30 most frequent terms, then writes the full committee report (index.html,
notes.xlsx, the CSV tables, terms.csv).
"""

from __future__ import annotations

NAME = "demo"
HELP = "同梱のサンプルワークショップを分析し、reports/sample/ にレポートを書き出します"
ORDER = 5


def add_arguments(parser) -> None:
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="出力先(既定: リポジトリの reports/sample、pip で導入した場合は今いるフォルダの reports/sample)")
    parser.add_argument("--pdf", action="store_true", help="Chromium で report.pdf も作ります")
    parser.add_argument("--seed", type=int, default=0, help="乱数シード(既定 0)")
    parser.add_argument("--top", type=int, default=30, help="表示する語の数(既定 30)")


def sample_dir():
    """The bundled sample: the wheel's copy, else the source tree's workshops/sample."""
    from issuemine.corpora import workshops_dir

    return workshops_dir() / "sample"


def default_out():
    """reports/sample in the clone; for an installed wheel, reports/sample under the current folder
    (never inside site-packages)."""
    from pathlib import Path

    from issuemine.corpora import is_source_tree, workshops_dir

    root = workshops_dir().parent if is_source_tree() else Path.cwd()
    return root / "reports" / "sample"


def format_terms(terms, top: int, forms=None) -> str:
    """The top terms as a reader sees them (分かる+否定 → わからない; ``forms``: the notes' spellings)."""
    from issuemine.present import pos_plain
    from issuemine.report.html import readable_terms

    lines = ["順位\t語\t品詞\t出現数\t付箋数"]
    for i, r in enumerate(readable_terms(terms.head(top), forms).itertuples(index=False), start=1):
        lines.append(f"{i}\t{r.term}\t{pos_plain(r.pos)}\t{int(r.count)}\t{int(r.notes)}")
    return "\n".join(lines)


def run(args) -> int:
    from pathlib import Path

    from issuemine.errors import IssuemineError
    from issuemine.report import ReportBuilder, report_helper, write_report

    sample = sample_dir()
    if not (sample / "notes.csv").exists():
        raise IssuemineError("同梱のサンプル(workshops/sample/notes.csv)が見つかりません。", file=sample,
                             hint="issuemine を入れ直してください(pip install issuemine-*.whl)")
    out = Path(args.out) if args.out else default_out()
    with report_helper() as helper:  # on a cold start, a second process computes the map meanwhile
        report = ReportBuilder(seed=args.seed, helper=helper).build([sample])
        written = write_report(report, out, pdf=args.pdf, helper=helper)
    # printed once the report is written: output cut short (… | head) must not cost the report
    data = report.workshops[0]
    if data.terms is not None:
        print(f"サンプルワークショップ({len(data.notes)}枚)でよく使われた語(上位{args.top}):")
        print(format_terms(data.terms, args.top, getattr(data.theme_result, "display_forms", None)))
    vectors = getattr(data.theme_result, "info", {}).get("vectors", {})
    if vectors and not vectors.get("used"):  # a pip install without ja-ginza: say what is missing
        print(f"\n注意: {vectors.get('message', '単語ベクトルを使わずに分析しました。')}")
    print(f"\nレポート: {out / 'index.html'}")
    print("その他の出力: " + "、".join(sorted(p.name for p in written if p.name != "index.html")))
    return 0
