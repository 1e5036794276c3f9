"""``issuemine analyze INPUT --out DIR``: themes (and diagram placement) of one workshop file.

Writes DIR/notes.csv (one row per note, input order, UTF-8 BOM), DIR/themes.csv, DIR/analysis.json
(sorted keys, no timestamps) and, with --figures, DIR/theme_map.html, DIR/cooccurrence.html and
DIR/profession_theme.csv. Files are written to a temporary folder beside DIR first and moved into place
at the end, so an interrupted run never leaves half-written output.
"""

from __future__ import annotations

NAME = "analyze"
HELP = "付箋をテーマに分け、付箋ごと・テーマごとの CSV と分析条件(JSON)を書き出します"
ORDER = 30


def _themes_arg(value: str):
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        k = 0
    if k < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"auto か 1 以上の整数を指定してください: {value}")
    return k


def add_arguments(parser) -> None:
    parser.add_argument("input", metavar="INPUT", help="付箋のファイル(.csv .tsv .xlsx .txt)")
    parser.add_argument("--out", metavar="DIR", required=True, help="書き出し先のフォルダ")
    parser.add_argument("--themes", metavar="auto|N", type=_themes_arg, default="auto",
                        help="テーマ数(既定 auto: 再標本化での再現性が最も高い数を自動で選びます)")
    parser.add_argument("--seed", metavar="S", type=int, default=0, help="乱数の種(既定 0)。同じ入力と種なら同じ結果")
    cb = parser.add_mutually_exclusive_group()
    cb.add_argument("--codebook", metavar="PATH", help="コードブック(TSV)。既定は corpora/codebook.tsv")
    cb.add_argument("--no-codebook", action="store_true", help="コードブックを使わず教師なしで分類します")
    parser.add_argument("--edits", metavar="PATH",
                        help="ファシリテーターの編集リスト(既定: 入力ファイルの横の <名前>.edits.jsonl があれば使用)")
    parser.add_argument("--figures", action="store_true",
                        help="テーマ地図・共起ネットワーク(HTML)と職種×テーマ表も書き出します(UMAP のため時間がかかります)")
    from issuemine.cli.commands._input import add_max_mb

    add_max_mb(parser)


def _place(notes, result, edits, info, placed=None):
    """Diagram columns (``placed`` if the caller already placed the notes the same way)."""
    if placed is None:
        from issuemine.diagram import place_notes

        placed = place_notes(notes, vectors=result.note_vectors, edits=edits, terms=result.terms)
    info["diagram"] = {"used": True, "warnings": list(placed.attrs.get("warnings", []))}
    return placed


def _read_info(notes) -> dict:
    """What reading the notes file found (ingest's ReadReport, file name only): counts, columns, warnings."""
    from pathlib import Path

    report = notes.attrs.get("report")
    if not hasattr(report, "to_dict"):
        return {}
    out = report.to_dict()
    out["file"] = Path(out["file"]).name  # not the absolute path: the same input gives the same bytes
    return out


def build_outputs(notes, result, edits, *, figures: bool = False, seed: int = 0,
                  placements=None) -> dict[str, bytes]:
    """File name → bytes of everything ``analyze`` writes (used by the command, the report and tests).

    ``placements``: the notes already placed on the diagram with the same vectors, terms and edits
    (the report has them), so they are not placed twice.
    """
    import json

    import pandas as pd

    from issuemine import progress
    from issuemine.ingest import to_csv_bytes
    from issuemine.jsonready import json_ready
    from issuemine.schema import PLACEMENTS

    info = dict(result.info)
    info["input"] = _read_info(notes)
    a = result.assignments.reset_index(drop=True)
    base = notes.reset_index(drop=True)
    table = pd.DataFrame({
        "note_id": base["note_id"], "workshop": base["workshop"], "text": base["text"],
        "group": base["group"], "profession": base["profession"], "round": base["round"],
        "theme_id": a["theme_id"], "theme_label": a["theme_label"], "heading": a["heading"],
        "theme_confidence": a["theme_confidence"], "theme_weak": a["theme_weak"],
    })
    placed = _place(base, result, edits, info, placements).reset_index(drop=True)
    progress.report("書き出し", len(base))
    for col in PLACEMENTS.names[1:]:
        table[col] = placed[col]
    table["source_row"] = base["source_row"]
    out = {
        "notes.csv": to_csv_bytes(table),
        "themes.csv": to_csv_bytes(result.themes),
    }
    stab = result.unstable_notes.head(50)
    info["unstable_notes"] = stab.to_dict(orient="records")
    if figures:
        from issuemine.themes.figures import (
            cooccurrence_figure,
            profession_theme_table,
            theme_map_figure,
        )

        fig = theme_map_figure(notes, result, seed=seed)
        out["theme_map.html"] = fig.to_html(include_plotlyjs=True, full_html=True, div_id="theme-map").encode()
        co = cooccurrence_figure(notes, terms=result.terms, display_forms=result.display_forms)
        out["cooccurrence.html"] = co.to_html(include_plotlyjs=True, full_html=True, div_id="cooccurrence").encode()
        counts, test = profession_theme_table(notes, result)
        out["profession_theme.csv"] = to_csv_bytes(counts.reset_index())
        info["profession_theme_test"] = {k: v for k, v in test.items() if k != "adjusted_residuals"}
    out["analysis.json"] = (json.dumps(json_ready(info), ensure_ascii=False, sort_keys=True, indent=2)
                            + "\n").encode("utf-8")
    return out


def write_outputs(files: dict[str, bytes], out_dir) -> None:
    """Write into a temporary folder beside ``out_dir``, then move into place."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.tmp-"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; the output folder should look like any other
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if not out_dir.exists():
            os.replace(tmp, out_dir)
            return
        for name in files:  # DIR may hold other outputs (the report's): replace only our files
            os.replace(tmp / name, out_dir / name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def run(args) -> int:
    from pathlib import Path

    from issuemine import progress
    from issuemine.cli.commands._input import max_bytes, print_warnings, read_warnings
    from issuemine.edits import apply_theme_edits, edits_path_for, load_edits
    from issuemine.errors import IssuemineError
    from issuemine.ingest import read_notes
    from issuemine.themes import ThemeModel

    progress.report("付箋の読み込み")
    notes = read_notes(args.input, max_bytes=max_bytes(args))
    if len(notes) == 0:
        raise IssuemineError("付箋が 1 枚もありません。", file=args.input)
    # the edit list is checked before the long part, so a mistake in it is reported at once
    edits_path = Path(args.edits) if args.edits else edits_path_for(args.input)
    if args.edits and not edits_path.exists():
        raise IssuemineError("編集リストのファイルがありません。", file=edits_path)
    edits = load_edits(edits_path)
    codebook = False if args.no_codebook else (args.codebook or None)
    progress.report("テーマ分け", len(notes))
    result = ThemeModel(n_themes=args.themes, seed=args.seed, codebook=codebook).fit(notes)
    report: list[str] = []
    if edits:
        result, report = apply_theme_edits(result, edits)
    progress.report("概念図への配置", len(notes))
    files = build_outputs(notes, result, edits, figures=args.figures, seed=args.seed)
    write_outputs(files, args.out)
    info = result.info
    print_warnings(read_warnings(notes))  # what reading the file found: also in analysis.json ("input")
    print(f"付箋 {len(notes)} 枚を {info['n_themes']} のテーマに分けました({info['mode_ja']})。")
    print(info.get("why_ja", ""))
    print(info["vectors"]["message"])
    for m in info.get("messages", []):
        print(m)
    if edits:
        from issuemine.edits import NOT_APPLIED_TITLE

        summary = info.get("edits", {})
        n_zone = sum(e["op"] == "zone" for e in edits)
        print(f"手直しの記録 {edits_path.name}: {len(edits)} 件(テーマの手直し {summary.get('applied', 0)} 件を適用、"
              f"概念図の配置 {n_zone} 件)。")
        for r in summary.get("applied_by_id", []):
            print(f"注意: {r}")
        import json

        # the diagram's warnings (zone overrides of notes no longer there) are in what was written
        zone_warnings = json.loads(files["analysis.json"]).get("diagram", {}).get("warnings", [])
        if report or zone_warnings:
            print(f"{NOT_APPLIED_TITLE}({len(report) + len(zone_warnings)} 件):")
            for r in [*report, *zone_warnings]:
                print(f"  {r}")
    print(f"要確認(弱い割り当て)の付箋: {info['n_weak']} 枚")
    print(f"書き出しました: {Path(args.out) / 'notes.csv'}, themes.csv, analysis.json"
          + (", theme_map.html, cooccurrence.html, profession_theme.csv" if args.figures else ""))
    return 0
