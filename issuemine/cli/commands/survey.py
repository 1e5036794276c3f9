"""``issuemine survey INPUT [INPUT2] --out DIR [--figures] [--scale ID] [--scales FILE] [--alpha A]
[--normal-approx] [--notes NOTES_FILE [--seed S]]``."""

from __future__ import annotations

NAME = "survey"
HELP = "研修前後アンケートを比較します(対応の有無に応じた検定、効果量、Holm 補正、図)"
ORDER = 50


def add_arguments(parser) -> None:
    parser.add_argument("input", metavar="INPUT",
                        help="アンケートのファイル(.csv/.xlsx)。「時期」列のある1ファイル、横持ち(項目_前/項目_後)、"
                             "または研修前のファイル")
    parser.add_argument("input2", metavar="INPUT2", nargs="?", default=None, help="研修後のファイル(2ファイルの場合)")
    parser.add_argument("--out", metavar="DIR", required=True,
                        help="出力先フォルダ(survey_items.csv と survey.json を書きます)")
    parser.add_argument("--figures", action="store_true", help="図の HTML(survey_figures.html)も書きます")
    parser.add_argument("--scale", metavar="ID", default=None,
                        help="すべての項目に使う尺度の ID(既定: 項目ごとにラベルから判定)")
    parser.add_argument("--scales", metavar="FILE", default=None, help="尺度ファイル(既定: corpora/scales.tsv)")
    parser.add_argument("--normal-approx", action="store_true",
                        help="主な p 値を R・SPSS の既定と同じにします(同順位・差0があれば正規近似)。既定は N<50 なら"
                             "同順位を含めた正確検定(正規近似の p 値はいつも横に出します)")
    parser.add_argument("--exact-ties", action="store_true",
                        help="以前の版の指定(今は既定なので付けても同じ結果です)")
    parser.add_argument("--alpha", type=float, default=0.05, help="有意水準(既定 0.05、Holm 補正後の p と比べます)")
    parser.add_argument("--notes", metavar="NOTES_FILE", default=None,
                        help="ワークショップの付箋ファイル。指定すると付箋からテーマを作り、自由記述を研修前・研修後の"
                             "テーマに分類して survey_freetext_themes.csv に書きます")
    parser.add_argument("--seed", type=int, default=0, help="テーマ分けの乱数シード(--notes と一緒に使います、既定 0)")
    from issuemine.cli.commands._input import add_max_mb

    add_max_mb(parser)


def run(args) -> int:
    from issuemine.cli.commands._input import max_bytes, print_warnings, read_warnings
    from issuemine.errors import IssuemineError
    from issuemine.present import number
    from issuemine.survey import compare_items, load_scales, read_survey
    from issuemine.survey.freetext import freetext_terms
    from issuemine.survey.output import build_outputs, write_outputs

    if not 0 < args.alpha < 1:
        raise IssuemineError(f"--alpha は 0 と 1 の間の値にしてください(指定: {args.alpha})。")
    scales = load_scales(args.scales)
    data = read_survey(args.input, args.input2, scale=args.scale, scales=scales, max_bytes=max_bytes(args))
    print_warnings(data.info.get("read_warnings", []))
    result = compare_items(data.answers, alpha=args.alpha, freetext=data.freetext, info=data.info, scales=scales,
                           exact=not args.normal_approx)
    terms = freetext_terms(result.freetext) if len(result.freetext) else None
    themes = None
    if args.notes is not None:
        from issuemine.ingest import read_notes
        from issuemine.survey.freetext import freetext_themes
        from issuemine.themes import ThemeModel

        notes = read_notes(args.notes, max_bytes=max_bytes(args))
        print_warnings(read_warnings(notes))
        theme_result = ThemeModel(seed=args.seed).fit(notes)
        if not len(theme_result.themes):
            raise IssuemineError("付箋ファイルからテーマを作れませんでした(付箋が 0 枚です)。", file=args.notes,
                                 hint="自由記述のテーマ分類には付箋のあるファイルを指定してください")
        themes = freetext_themes(result.freetext, theme_result)
    outputs = build_outputs(result, figures=args.figures, terms=terms, scales=scales, themes=themes)
    paths = write_outputs(outputs, args.out)
    print(result.info["pairing_ja"])
    inferred = result.info.get("scale_inferred_from_numbers") or []
    if inferred:
        sid = sorted({result.info["items"][i] for i in inferred})
        said = "、".join(f"{scales[s].labels[min(scales[s].values)]}〜{scales[s].labels[max(scales[s].values)]}"
                        f"の{len(scales[s].values)}段階({s})" for s in sid)
        print(f"数字だけで答えた{len(inferred)}項目は尺度を「{said}」と判定しました(--scale で指定できます)。")
    n_sig = int(result.items["significant"].sum())
    print(f"{len(result.items)}項目のうち、Holm 法で補正した p 値が {number(args.alpha, 3)} 未満の項目: {n_sig}")
    if themes is not None:
        print(f"自由記述を付箋のテーマに分類しました: {len(themes)} テーマに当てはまりました。")
    for p in paths:
        print(f"書き出しました: {p}")
    return 0
