"""A facilitator's edit, said in words: theme names and the start of the note, never ids or zone letters."""

from __future__ import annotations

from issuemine.present.names import zone_name
from issuemine.present.words import short_text

OPS = {"rename": "名前の変更", "merge": "統合", "split": "分割", "move": "付箋の移動", "zone": "概念図の配置"}
UNKNOWN_THEME = "(今はないテーマ)"
UNKNOWN_NOTE = "(今はない付箋)"


def op_name(op: dict) -> str:
    return OPS.get(op.get("op"), "その他の手直し")


def describe_edit(op: dict, theme_names: dict | None = None, note_texts: dict | None = None) -> str:
    """「付箋「退院調整で地域の…」を「在宅医の不足」へ」 for {"op": "move", "note": "N…", "theme": "T05"}."""
    themes = theme_names or {}
    notes = note_texts or {}

    def theme(t) -> str:
        name = themes.get(t)
        return f"「{name}」" if name else UNKNOWN_THEME

    def note(n) -> str:
        text = notes.get(n)
        return f"付箋「{short_text(text)}」" if text else UNKNOWN_NOTE

    def notes_named(op) -> str:  # one note by its words, several by their number
        ids = op["notes"] if isinstance(op.get("notes"), list) else [op.get("note")]
        return note(ids[0]) if len(ids) == 1 else f"付箋{len(ids)}枚"

    kind = op.get("op")
    if kind == "rename":
        return f"テーマの名前を「{op.get('label', '')}」に変更"
    if kind == "merge":
        names = "と".join(theme(t) for t in op.get("themes", []))
        kept = op.get("label") in {themes.get(t) for t in op.get("themes", [])}  # a name one of them had
        label = f"(新しい名前「{op['label']}」)" if op.get("label") and not kept else ""
        return f"{names}を1つに統合{label}"
    if kind == "split":
        label = f"「{op['label']}」として" if op.get("label") else "新しいテーマとして"
        return f"{theme(op.get('theme'))}から付箋{len(op.get('notes', []))}枚を{label}分割"
    if kind == "move":
        return f"{notes_named(op)}を{theme(op.get('theme'))}へ移動"
    if kind == "zone":
        return f"{notes_named(op)}を概念図の「{zone_name(op.get('zones'))}」へ"
    return "その他の手直し"


def done_sentence(phrase: str) -> str:
    """The confirmation after an edit: 「…へ移動」→「…へ移動しました。」, 「…の「地域」へ」→「…へ移しました。」."""
    return phrase + ("移しました。" if phrase.endswith("へ") else "しました。")
