"""Edits described in plain Japanese for the confirmation, the undo / redo bar and the edit history.

``describe_edit(op, names)`` gives a phrase without its verb ending ("…を移動"), so callers say
"…しました。" or "元に戻す: …". ``names``: {"themes": theme id → label, "zones": zone code → region name};
an id missing there is shown as it is.
"""

from __future__ import annotations


def _theme(names: dict, theme_id: str) -> str:
    """「name」, or 「テーマ」 for a theme that no longer exists under that id (merged away, re-analysed)."""
    name = names.get("themes", {}).get(theme_id)
    return f"「{name}」" if name else "テーマ"


def _count(op: dict) -> int:
    return len(op["notes"]) if "notes" in op else 1


def describe_edit(op: dict, names: dict | None = None) -> str:
    names = names or {}
    kind = op.get("op")
    if kind == "rename":
        shown = _theme(names, op["theme"])
        if shown in (f"「{op['label']}」", "テーマ"):  # the name is already the new one: say which name it got
            return f"テーマ名を「{op['label']}」に変更"
        return f"{shown}の名前を「{op['label']}」に変更"
    if kind == "merge":
        known = [_theme(names, t) for t in op["themes"] if names.get("themes", {}).get(t)]
        others = len(op["themes"]) - len(known)
        if not known:
            return f"{others} つのテーマを統合"
        if others:
            return "と".join(known) + f"にほかの {others} テーマを統合"
        return "と".join(known) + "を統合"
    if kind == "split":
        new = f"「{op['label']}」" if op.get("label") else ""
        return f"{_theme(names, op['theme'])}から付箋 {len(op['notes'])} 枚を新しいテーマ{new}に分割"
    if kind == "move":
        return f"付箋 {_count(op)} 枚を{_theme(names, op['theme'])}に移動"
    if kind == "zone":
        region = names.get("zones", {}).get(op["zones"], op["zones"])
        return f"付箋 {_count(op)} 枚の配置を「{region}」に変更"
    return "手直し"


def names_for(view) -> dict:
    """The names an edit is described with: the view's theme labels and the diagram's region names."""
    from issuemine.diagram import REGIONS

    return {"themes": dict(zip(view.themes["theme_id"].astype(str), view.themes["label"].astype(str))),
            "zones": dict(REGIONS)}
