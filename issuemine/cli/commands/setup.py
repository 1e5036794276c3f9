"""``issuemine setup``: the one-time preparation of a machine, done up front with progress.

The first analysis on a machine otherwise waits ~16 s for three caches: the user dictionary of the field's
compounds (compiled with MeCab's dictionary compiler), the chiVe word vectors (exported from the ja-ginza
wheel into an npz table) and umap's numba functions (compiled and cached on disk). Each step is skipped
when its cache is already there, so running it again costs about a second. ``scripts/dev`` runs it after
installing; pip users run it once after ``pip install``.
"""

from __future__ import annotations

NAME = "setup"
HELP = "初回だけ必要な準備(複合語の辞書・単語ベクトル・地図の計算部品)を済ませ、以後の分析を速くします"
ORDER = 90


def add_arguments(parser) -> None:
    parser.add_argument("--quiet", action="store_true", help="何も表示しません(エラーを除く)")


def _steps():
    """(Japanese name, function) of each preparation step, in order."""

    def userdic():
        from issuemine.text import JapaneseTokenizer

        tok = JapaneseTokenizer()
        tok.terms("準備")  # builds (or finds) the compiled user dictionary
        return {"userdic": "複合語を利用者辞書で扱います",
                "merge": "利用者辞書を作れないため、複合語は解析後につなぎ合わせます(結果は同じで少し遅くなります)",
                "none": "複合語の一覧が空です"}[tok.compound_backend_]

    def vectors():
        from issuemine.themes.vectors import load_chive

        wv, message = load_chive()
        return message

    def umap():
        import numpy as np

        from issuemine.themes.figures.map import umap_layout

        # The same dtypes and code paths as a real map, on a small random table: numba compiles per type
        # signature, not per shape, so this fills the disk cache every later map uses.
        X = np.random.default_rng(0).standard_normal((60, 16)).astype(np.float32)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        umap_layout(X, seed=0, n_neighbors=15)
        return "テーマ地図(UMAP)の計算部品を準備しました"

    return [("複合語の辞書", userdic), ("単語ベクトル(chiVe)", vectors), ("テーマ地図の計算部品", umap)]


def run(args) -> int:
    import time

    steps = _steps()
    start = time.monotonic()
    for i, (name, step) in enumerate(steps, start=1):
        t0 = time.monotonic()
        if not args.quiet:
            print(f"準備 {i}/{len(steps)}: {name} …", flush=True)
        message = step()
        if not args.quiet:
            print(f"  {message}({time.monotonic() - t0:.1f} 秒)", flush=True)
    if not args.quiet:
        print(f"準備ができました({time.monotonic() - start:.1f} 秒)。")
    return 0
