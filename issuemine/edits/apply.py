"""Applying the edit list to an analysis so that every edit stays true after a re-analysis.

The rule (``RULE_JA`` says the same to users):

* A theme named by an edit is found by the notes it held when the edit was made (``members``), not by
  its id. Let R be the recorded notes and M the ones still in the input. If M holds fewer than half of
  R, the edit is not applied (the notes it was made on are mostly gone). Otherwise every current theme
  T is scored by the Jaccard index |M ∩ T| / |M ∪ T|; the edit goes to the best theme when its score is
  at least 0.5 (``JACCARD_MIN``) and no other theme has the same score — else it is not applied. (Two
  themes can both reach 0.5 only by tying at exactly 0.5, so "unique" only matters there.)
* A move follows its note (note ids are derived from the note's content, ``ingest.notes.note_id``);
  its destination theme is found as above. Zone overrides follow their note too (``diagram.place``).
* A split takes its notes — those still in the input, at least half of them — out of whichever themes
  hold them now into a new theme. If they already are exactly one theme, that theme only takes the label.
* A merge finds each of its themes as above and merges those found (at least two; a merge whose themes
  are all found in one theme already only gives it the label).
* Edits written before ``members`` existed are applied by theme id, and the outcome says so.

Edits are applied in file order, each to the result of the ones before it. An edit that cannot be
applied is never attached to another group: it is listed under 「適用できなかった手直し」 with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from issuemine.edits.listfile import OP_NAMES_JA, edit_notes

JACCARD_MIN = Fraction(1, 2)
PRESENT_MIN = Fraction(1, 2)
RULE_JA = ("手直しは、行ったときにそのテーマにあった付箋を記録しておき、分析し直した後は、その付箋といまのテーマの"
           "重なり(ジャッカード係数: 共通の付箋の数 ÷ どちらかにある付箋の数)が 0.5 以上で最も大きいテーマに"
           "適用します。0.5 に届かないとき、同じ重なりのテーマが2つあるとき、記録した付箋の半分以上がもう"
           "ないときは適用せず、「適用できなかった手直し」に理由を示します。付箋の移動と概念図の配置は付箋に"
           "ついていきます。")
NOT_APPLIED_TITLE = "適用できなかった手直し"


@dataclass
class Match:
    """Where recorded members point in the current result: a theme id, or None with the reason."""

    theme: str | None
    overlap: float
    reason: str = ""


def find_theme(members, groups: dict[str, set], present: set, name) -> Match:
    """The current theme that holds the recorded ``members`` (see the module rule).

    ``groups``: theme id → set of its note ids now; ``present``: every note id now; ``name``: theme id →
    name for messages.
    """
    recorded = set(members)
    kept = recorded & present
    if not kept:
        return Match(None, 0.0, f"手直ししたときの付箋 {len(recorded):,} 枚がどれもいまの付箋にありません。")
    if len(kept) < PRESENT_MIN * len(recorded):
        return Match(None, 0.0, f"手直ししたときの付箋 {len(recorded):,} 枚のうち、いまの付箋にあるのは "
                                f"{len(kept):,} 枚だけです(半分未満)。")
    scores = sorted(((Fraction(len(kept & s), len(kept | s)), t) for t, s in groups.items() if kept & s),
                    key=lambda x: (-x[0], x[1]))
    best, theme = scores[0]
    if best < JACCARD_MIN:
        inter = len(kept & groups[theme])
        return Match(None, float(best), f"いちばん近いテーマ「{name(theme)}」でも、手直ししたときの付箋 {len(kept):,} 枚の"
                                        f"うち {inter:,} 枚を含むだけで、重なりが {float(best):.2f}(0.5 未満)です。")
    if len(scores) > 1 and scores[1][0] == best:
        return Match(None, float(best), f"手直ししたときの付箋がテーマ「{name(theme)}」と「{name(scores[1][1])}」に同じだけ"
                                        "分かれていて、どちらか決められません。")
    return Match(theme, float(best))


def _next_theme_id(existing) -> str:
    nums = [int(t[1:]) for t in existing if t[:1] == "T" and t[1:].isdigit()]
    return f"T{(max(nums) if nums else 0) + 1:02d}"


class _Applier:
    """The running state: the result being edited and the outcome of each edit."""

    def __init__(self, res) -> None:
        self.res = res
        self.pos = {nid: i for i, nid in enumerate(res.note_ids)}
        self.present = set(self.pos)
        self.outcomes: list[dict] = []

    def groups(self) -> dict[str, set]:
        out: dict[str, set] = {}
        for nid, t in zip(self.res.note_ids, self.res.theme_of):
            out.setdefault(t, set()).add(nid)
        return out

    def name(self, t: str) -> str:
        label = (self.res.meta.get(t) or {}).get("label")
        return f"{label}({t})" if label else t

    def outcome(self, n: int, edit: dict, status: str, message: str = "", themes=(), overlap=()) -> None:
        what = OP_NAMES_JA[edit["op"]]
        if edit.get("label"):
            what += f"「{edit['label'].strip()}」"
        elif edit["op"] == "move":
            what += f" 付箋 {edit['note']}" if "note" in edit else f" 付箋 {len(edit['notes']):,} 枚"
        self.outcomes.append({
            "edit": n, "op": edit["op"], "status": status, "themes": list(themes),
            "overlap": [round(x, 4) for x in overlap],
            "message": f"手直し {n} 件目({what}): {message}" if message else ""})

    def locate(self, edit: dict, theme: str, members, groups) -> Match:
        if members is None:  # an edit list written before members were recorded
            if theme in groups:
                return Match(theme, float("nan"), "by_id")
            return Match(None, 0.0, f"テーマ {theme} がいまの分析にありません(手直しに付箋の記録がない古い形式です)。")
        return find_theme(members, groups, self.present, self.name)

    # -- the operations -------------------------------------------------------------------------------
    def rename(self, n: int, edit: dict) -> None:
        m = self.locate(edit, edit["theme"], edit.get("members"), self.groups())
        if m.theme is None:
            return self.outcome(n, edit, "not_applied", m.reason)
        self.res.meta[m.theme]["label"] = edit["label"].strip()
        self._done(n, edit, [m])

    def merge(self, n: int, edit: dict) -> None:
        groups = self.groups()
        members = edit.get("members") or [None] * len(edit["themes"])
        found, reasons = [], []
        for theme, mem in zip(edit["themes"], members):
            m = self.locate(edit, theme, mem, groups)
            if m.theme is None:
                reasons.append(m.reason if mem is None else f"テーマ {theme}: {m.reason}")
            elif m.theme not in [f.theme for f in found]:
                found.append(m)
        if len(found) < 2 and (reasons or not found):
            why = " ".join(reasons) or "統合するテーマが見つかりません。"
            return self.outcome(n, edit, "not_applied", why + (" 統合できるテーマが1つ以下のため適用しませんでした。"
                                                               if found else ""))
        target = found[0].theme
        label = (edit.get("label") or "").strip() or None
        if len(found) >= 2:
            drop = {f.theme for f in found[1:]}
            self.res.theme_of = [target if t in drop else t for t in self.res.theme_of]
            self.res.meta[target]["label"] = label
            for t in drop | {target}:  # a merged theme was never measured
                self.res.stability_by_theme.pop(t, None)
        elif label:  # every theme of the merge already is this one theme
            self.res.meta[target]["label"] = label
        if reasons:
            return self.outcome(n, edit, "partly_applied", " ".join(reasons) + " 見つかったテーマだけを統合しました。",
                                [f.theme for f in found], [f.overlap for f in found])
        self._done(n, edit, found)

    def split(self, n: int, edit: dict) -> None:
        notes = list(dict.fromkeys(edit["notes"]))
        idx = [self.pos[x] for x in notes if x in self.pos]
        if not idx:
            return self.outcome(n, edit, "not_applied", f"分ける付箋 {len(notes):,} 枚がどれもいまの付箋にありません。")
        if len(idx) < PRESENT_MIN * len(notes):
            return self.outcome(n, edit, "not_applied", f"分ける付箋 {len(notes):,} 枚のうち、いまの付箋にあるのは "
                                                        f"{len(idx):,} 枚だけです(半分未満)。")
        label = (edit.get("label") or "").strip() or None
        sources = Counter(self.res.theme_of[i] for i in idx)
        src = next(iter(sources)) if len(sources) == 1 else None
        if src is not None and self.res.theme_of.count(src) == len(idx):
            if label:  # the notes already are a theme of their own: it takes the name
                self.res.meta[src]["label"] = label
            return self.outcome(n, edit, "applied", themes=[src], overlap=[1.0])
        # the new theme sits under the heading of the theme that gave it most notes (ties: lowest id)
        main = min(sources, key=lambda t: (-sources[t], t))
        new = _next_theme_id(set(self.res.theme_of) | set(self.res.meta))
        self.res.meta[new] = {"label": label, "heading": self.res.meta[main].get("heading"), "source": "edited"}
        for i in idx:
            self.res.theme_of[i] = new
        for t in sources:
            self.res.stability_by_theme.pop(t, None)
        if len(idx) < len(notes):
            return self.outcome(n, edit, "partly_applied", f"分ける付箋のうち {len(notes) - len(idx):,} 枚がいまの付箋に"
                                                           f"ないため、残りの {len(idx):,} 枚で分けました。", [new], [])
        self.outcome(n, edit, "applied", themes=[new])

    def move(self, n: int, edit: dict) -> None:
        ids = edit_notes(edit)
        here = [nid for nid in ids if nid in self.pos]
        if not here:
            return self.outcome(n, edit, "not_applied", f"付箋 {'・'.join(ids[:3])}{' ほか' if len(ids) > 3 else ''}"
                                                        "がいまの付箋にありません。")
        m = self.locate(edit, edit["theme"], edit.get("members"), self.groups())
        if m.theme is None:
            return self.outcome(n, edit, "not_applied", "移動先のテーマが見つかりません。" + m.reason)
        for nid in here:
            self.res.theme_of[self.pos[nid]] = m.theme
        if len(here) < len(ids):
            return self.outcome(n, edit, "partly_applied", f"移動する付箋のうち {len(ids) - len(here):,} 枚がいまの付箋に"
                                                           f"ないため、残りの {len(here):,} 枚を移動しました。", [m.theme], [])
        self._done(n, edit, [m])

    def _done(self, n: int, edit: dict, found: list[Match]) -> None:
        if any(f.reason == "by_id" for f in found):
            ids = "・".join(f.theme for f in found)
            return self.outcome(n, edit, "applied_by_id",
                                f"付箋の記録がない古い形式のため、テーマ ID({ids})で適用しました。再分析でテーマが"
                                "変わっていれば、別のテーマに付いている可能性があります。確認してください。",
                                [f.theme for f in found], [])
        self.outcome(n, edit, "applied", themes=[f.theme for f in found], overlap=[f.overlap for f in found])


def apply_theme_edits(result, edits: list[dict]):
    """Apply rename / merge / split / move to a ThemeResult by the module rule; zone edits are the diagram's.

    Returns ``(new_result, messages)``: ``messages`` are the Japanese sentences for the edits not applied
    or only partly applied (shown under 「適用できなかった手直し」). The input result is not changed.
    ``new_result.info["edits"]`` holds, JSON-ready: ``rule`` (Japanese), counts, ``not_applied``,
    ``applied_by_id`` (old edits applied by id, with a warning) and ``outcomes``: one dict per theme edit
    ``{"edit": 1-based position in the list, "op", "status": applied | partly_applied | not_applied |
    applied_by_id, "themes": theme ids it went to in this result, "overlap": Jaccard per theme, "message"}``.
    """
    res = result.copy()
    if edits:
        # Labels stay as the facilitator saw them: moving a note into a theme must not rename it. Only a
        # merged or split-off theme without a label of its own is labelled afresh.
        for t, label in zip(result.themes["theme_id"], result.themes["label"]):
            if t in res.meta and not res.meta[t].get("label"):
                res.meta[t]["label"] = label
    state = _Applier(res)
    for n, edit in enumerate(edits, start=1):
        op = edit.get("op")
        if op in ("rename", "merge", "split", "move"):
            getattr(state, op)(n, edit)
    out = state.outcomes
    not_applied = [o["message"] for o in out if o["status"] in ("not_applied", "partly_applied")]
    res.info = dict(res.info)
    res.info["edits"] = {
        "rule": RULE_JA,
        "n_theme_edits": len(out),
        "applied": sum(o["status"] in ("applied", "applied_by_id") for o in out),
        "partly_applied": sum(o["status"] == "partly_applied" for o in out),
        "not_applied": not_applied,
        "applied_by_id": [o["message"] for o in out if o["status"] == "applied_by_id"],
        "outcomes": out,
    }
    return res.rebuild(), not_applied
