"""What the theme board and the diagram board show: cards of notes, search, filters, and what an edit changed.

A board is built from a :class:`~issuemine.app.view.View` once (``Board.from_view``; the routes cache it per
analysis + edit list) and then asked for cards under a :class:`Query`. Cards are collapsed to ``PREVIEW``
notes; "もっと見る" asks for the next ``PAGE`` notes of one card, so a page never carries every note of a
large workshop. After an edit the routes compare the cards of the board before and after
(:func:`changed_cards`) and send only those back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markupsafe import Markup, escape

PREVIEW = 5    # notes on a collapsed card
PAGE = 100     # notes added by one もっと見る (and the most one card shows at once)
MAX_QUERY = 100
MAX_FOLDED = 200_000   # texts kept folded for search (a few workshops of 10,000 notes)
_FOLDED: dict[str, str] = {}


@dataclass(frozen=True)
class Query:
    """The search and filters of a board request (all optional)."""

    q: str = ""                        # search words in note text, theme labels and key terms
    only_hits: bool = True             # with q: show only matching notes (else highlight them)
    weak: bool = False                 # only notes marked 要確認 (theme board) / inferred placements (diagram)
    heading: str = ""                  # only the themes of one heading
    opened: frozenset = frozenset()    # cards opened with もっと見る (kept open across edits)
    everything: bool = False           # every note of every card (no collapsing; ?all=1)

    @classmethod
    def from_params(cls, params) -> "Query":
        def flag(name: str) -> bool:
            return str(params.get(name, "")).strip() in ("1", "on", "true")

        opened = params.get("open", "") or ""
        return cls(q=" ".join(str(params.get("q", "") or "").split())[:MAX_QUERY],
                   only_hits=str(params.get("hits", "only")) != "mark",
                   weak=flag("weak"), heading=str(params.get("heading", "") or ""),
                   opened=frozenset(t for t in re.split(r"[,\s]+", str(opened)) if t),
                   everything=flag("all"))

    @property
    def filtering(self) -> bool:
        return bool(self.weak or self.heading or (self.q and self.only_hits))

    def params(self, **override) -> dict:
        """Query-string parameters reproducing this query (for もっと見る links and htmx requests)."""
        out = {"q": self.q, "hits": "only" if self.only_hits else "mark", "weak": "1" if self.weak else "",
               "heading": self.heading}
        out.update(override)
        return {k: v for k, v in out.items() if v}


class Matcher:
    """Where a search matches: note text compared after NFKC and the notes' own normalisation (訪看 finds
    訪問看護), case-insensitively; hits are highlighted in the text as written."""

    def __init__(self, q: str) -> None:
        from issuemine.text.normalize import normalize

        self.q = q
        words = [w for w in q.split() if w]
        self.words = []  # per word, the forms looked for
        for w in words:
            forms = {w.lower(), unicodedata.normalize("NFKC", w).lower()}
            try:
                forms.add(normalize(w).lower())
            except Exception:  # noqa: BLE001 - a query the normaliser cannot take still searches as typed
                pass
            self.words.append(sorted((f for f in forms if f), key=len, reverse=True))
        alternatives = {f for forms in self.words for f in forms}
        # highlight the short forms the notes may use for a searched word too (訪看 for 訪問看護)
        alternatives |= {short.lower() for short, full in _abbreviations().items()
                         if any(f in full.lower() for forms in self.words for f in forms)}
        alternatives = sorted(alternatives, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(f) for f in alternatives), re.IGNORECASE) if alternatives \
            else None

    def __bool__(self) -> bool:
        return bool(self.words)

    def hit(self, folded: str) -> bool:
        """``folded``: the note's text NFKC-folded, lowercased and normalised (see Board.folded). Every word
        must match (AND)."""
        return all(any(f in folded for f in forms) for forms in self.words)

    def mark(self, text: str) -> Markup:
        """The text escaped, with each literal hit in <mark>."""
        if self.pattern is None:
            return escape(text)
        out, pos = [], 0
        for m in self.pattern.finditer(text):
            out.append(escape(text[pos:m.start()]))
            out.append(Markup("<mark>%s</mark>") % m.group(0))
            pos = m.end()
        out.append(escape(text[pos:]))
        return Markup("").join(out)


def _abbreviations() -> dict[str, str]:
    """Spelling → normalised form from the notes' normaliser (corpora/abbreviations.tsv)."""
    from issuemine.text.normalize import default_normalizer

    return default_normalizer().mapping


@dataclass
class Card:
    """One theme (or one diagram region) as the board shows it."""

    key: str                  # theme id or zone code
    title: str
    group: str                # heading (theme board) or "" (diagram)
    size: int                 # notes in the theme
    notes: list               # the notes shown now (dicts with "html")
    matching: int             # notes passing the query
    more: int                 # matching notes not shown yet
    info: dict = field(default_factory=dict)
    title_hit: bool = False
    hidden: bool = False      # nothing to show under the filters

    @property
    def signature(self) -> tuple:
        return (self.title, self.group, self.size, tuple(n["note_id"] for n in self.notes), self.matching,
                self.more, self.hidden, tuple(sorted(self.info.items())))


def group_id(name: str) -> str:
    """A stable HTML id for a heading's group of cards."""
    import hashlib

    return "g-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


class Board:
    """The cards of one view: ``kind`` "themes" (a card per theme, grouped by heading) or "diagram" (a card
    per region of the concept diagram)."""

    def __init__(self, kind: str, columns: list[dict], notes_by_key: dict[str, list[dict]]) -> None:
        self.kind = kind
        self.columns = columns
        self.notes_by_key = notes_by_key
        self.by_key = {c["key"]: c for c in columns}

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def themes(cls, view) -> "Board":
        notes_by_key: dict[str, list[dict]] = {}
        for note in _records(view):
            notes_by_key.setdefault(note["theme_id"], []).append(note)
        # Notes the facilitator moved come first (latest first), so a move is seen at once on a collapsed
        # card; then the most typical; the weak ones gather at the end.
        moved = _moved(view.edits, ("move", "split"))
        for notes in notes_by_key.values():
            for n in notes:
                n["moved"] = n["note_id"] in moved
                n["weak"] = n["weak"] and not n["moved"]  # the facilitator has looked at it
            notes.sort(key=lambda n: (0, -moved[n["note_id"]]) if n["note_id"] in moved
                       else (1, -(n["confidence"] if n["confidence"] is not None else 0.0)))
        columns = []
        for t in view.themes.to_dict("records"):
            key = str(t["theme_id"])
            terms = [s.split(":", 1)[0].strip() for s in str(t.get("key_terms") or "").split(" / ") if s.strip()]
            notes = notes_by_key.get(key, [])
            columns.append({"key": key, "title": str(t["label"]), "group": _text(t.get("heading")),
                            "size": len(notes), "terms": terms[:6], "source": _text(t.get("source")),
                            "weak": sum(1 for n in notes if n["weak"])})
        return cls("themes", columns, notes_by_key)

    @classmethod
    def diagram(cls, view) -> "Board":
        from issuemine.present.names import REGION_NAMES as REGIONS

        notes_by_key: dict[str, list[dict]] = {}
        for note in _records(view):
            notes_by_key.setdefault(note["zones"], []).append(note)
        # placed by the facilitator first (latest first), then inferred placements: the ones to review
        moved = _moved(view.edits, ("zone",))
        for notes in notes_by_key.values():
            for n in notes:
                n["moved"] = n["note_id"] in moved
            notes.sort(key=lambda n: (0, -moved[n["note_id"]], 0.0) if n["note_id"] in moved
                       else (1 + (not n["inferred"]), 0, n["zone_confidence"] or 0.0))
        columns = [{"key": code, "title": name, "group": "", "size": len(notes_by_key.get(code, [])),
                    "inferred": sum(1 for n in notes_by_key.get(code, []) if n["inferred"])}
                   for code, name in REGIONS.items()]
        return cls("diagram", columns, notes_by_key)

    def folded(self, note: dict) -> str:
        """The note's text as search compares it (NFKC, lower case, and the notes' normalisation); shared by
        every board of the process, keyed by the text (an edit makes a new board, not new texts)."""
        text = note["text"]
        hit = _FOLDED.get(text)
        if hit is None:
            from issuemine.text.normalize import normalize

            nfkc = unicodedata.normalize("NFKC", text).lower()
            try:
                norm = normalize(text).lower()
            except Exception:  # noqa: BLE001
                norm = nfkc
            hit = nfkc if norm == nfkc else f"{nfkc}\n{norm}"
            if len(_FOLDED) >= MAX_FOLDED:
                _FOLDED.clear()
            _FOLDED[text] = hit
        return hit

    # -- reading ------------------------------------------------------------------------------------
    def groups(self, query: Query) -> list[tuple[str, list[Card]]]:
        """(heading, cards) in board order; the diagram has one unnamed group."""
        matcher = Matcher(query.q)
        out: list[tuple[str, list[Card]]] = []
        index: dict[str, int] = {}
        for col in self.columns:
            if query.heading and col["group"] != query.heading:
                continue
            card = self.card(col["key"], query, matcher)
            if col["group"] not in index:
                index[col["group"]] = len(out)
                out.append((col["group"], []))
            out[index[col["group"]]][1].append(card)
        return out

    def headings(self) -> list[str]:
        return list(dict.fromkeys(c["group"] for c in self.columns if c["group"]))

    def matching(self, key: str, query: Query, matcher: Matcher | None = None) -> list[dict]:
        matcher = matcher if matcher is not None else Matcher(query.q)
        notes = self.notes_by_key.get(key, [])
        if query.weak:
            notes = [n for n in notes if (n["inferred"] if self.kind == "diagram" else n["weak"])]
        if matcher:
            hits = [n for n in notes if matcher.hit(self.folded(n))]
            if query.only_hits:
                notes = hits
            else:  # highlight only: the hits first
                hit_ids = {n["note_id"] for n in hits}
                notes = hits + [n for n in notes if n["note_id"] not in hit_ids]
        return notes

    def card(self, key: str, query: Query, matcher: Matcher | None = None, offset: int = 0) -> Card:
        matcher = matcher if matcher is not None else Matcher(query.q)
        col = self.by_key[key]
        notes = self.matching(key, query, matcher)
        title_hit = bool(matcher) and matcher.hit(unicodedata.normalize("NFKC", " ".join(
            [col["title"], *col.get("terms", [])])).lower())
        limit = PAGE if (query.everything or key in query.opened) else PREVIEW
        if query.everything:
            limit = len(notes)
        shown = notes[offset:offset + limit]
        # A theme with nothing to show under the filters is hidden; a region never is (a drop target).
        hidden = bool(self.kind == "themes" and query.filtering and not notes
                      and not (title_hit and query.q and not query.weak))
        return Card(key=key, title=col["title"], group=col["group"], size=col["size"],
                    notes=[dict(n, html=matcher.mark(n["text"]) if matcher else escape(n["text"]))
                           for n in shown],
                    matching=len(notes), more=max(0, len(notes) - offset - len(shown)),
                    info={k: v for k, v in col.items() if k not in ("key", "title", "group", "size", "terms")},
                    title_hit=title_hit, hidden=hidden)

    def terms(self, key: str) -> list[str]:
        return list(self.by_key[key].get("terms", []))

    def note(self, note_id: str) -> dict | None:
        for notes in self.notes_by_key.values():
            for n in notes:
                if n["note_id"] == note_id:
                    return n
        return None


def changed_cards(before: Board, after: Board, query: Query):
    """What an edit changed on the board: (cards to redraw, keys removed, cards added, regroup).

    ``regroup`` is True when the groups themselves changed (a new or vanished heading, a card that changed
    heading): then the caller redraws the whole board instead of single cards.
    """
    old = {c.key: c for _, cards in before.groups(query) for c in cards}
    new = {c.key: c for _, cards in after.groups(query) for c in cards}
    old_groups = [g for g, _ in before.groups(query)]
    new_groups = [g for g, _ in after.groups(query)]
    changed = [c for k, c in new.items() if k in old and c.signature != old[k].signature]
    removed = [k for k in old if k not in new]
    added = [c for k, c in new.items() if k not in old]
    regroup = old_groups != new_groups or any(c.group != old[c.key].group for c in changed)
    return changed, removed, added, regroup


def _records(view):
    """One note dict per note (see ``_note``), built column-wise: ``View.table()``'s merges and ``to_dict``
    cost more than the rest of a board (10,000 notes: 0.7 s → 0.1 s)."""
    def col(frame, name, conv):
        values = frame[name].tolist() if name in frame.columns else [None] * len(frame)
        return [conv(v) for v in values]

    n = view.notes
    a, p = view.assignments, view.placements
    theme = dict(zip(col(a, "note_id", str), zip(col(a, "theme_id", _text), col(a, "theme_label", _text),
                                                 col(a, "theme_confidence", _num), col(a, "theme_weak", _flag))))
    zone = dict(zip(col(p, "note_id", str), zip(col(p, "zones", _text), col(p, "region", _text),
                                                col(p, "zone_confidence", _num), col(p, "zone_reason", _text),
                                                col(p, "zone_inferred", _flag))))
    empty_t, empty_z = ("", "", None, False), ("", "", None, "", False)
    for nid, text, group, profession in zip(col(n, "note_id", str), col(n, "text", _text), col(n, "group", _text),
                                            col(n, "profession", _text)):
        t, z = theme.get(nid, empty_t), zone.get(nid, empty_z)
        yield {"note_id": nid, "text": text, "theme_id": t[0], "theme_label": t[1], "confidence": t[2],
               "weak": t[3], "group": group, "profession": profession, "zones": z[0], "region": z[1],
               "zone_confidence": z[2], "reason": z[3], "inferred": z[4]}


def _moved(edits, ops) -> dict[str, int]:
    """note id → position of the last live edit of kind ``ops`` that names it."""
    out: dict[str, int] = {}
    for i, e in enumerate(edits or []):
        if e.get("op") in ops:
            for nid in (e["notes"] if "notes" in e else [e.get("note")]):
                out[str(nid)] = i
    return out


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _num(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _flag(value) -> bool:
    try:
        return bool(value) and value == value  # NaN is not a flag
    except TypeError:  # pd.NA
        return False
