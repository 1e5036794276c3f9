"""KWIC in the app: the notes in which a word occurs, each with the words around it.

Reuses :func:`issuemine.text.concordance.kwic` (the same matching as ``issuemine kwic``: the notes'
normalisation, lemma and base forms, so わかる finds わからない and 訪看 finds 訪問看護). Only notes that can
contain the word are tokenised: a note is a candidate when its normalised text holds the word's
normalised form without its last character (enough for conjugated forms), which keeps a search over
10,000 notes fast.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from issuemine.app.boardcache import board_for
from issuemine.app.web import Id, PageError, get_conn, render, workshop_or_404

router = APIRouter()
MAX_TERM = 40
MAX_ROWS = 300
WIDTH = 18


def concordance(notes, term: str, tokenizer=None):
    """KWIC rows (note_id, left, term, right) of ``term`` in the notes' text, candidates first filtered."""
    import pandas as pd

    from issuemine.text.concordance import kwic
    from issuemine.text.normalize import normalize

    norm = normalize(term)
    stem = norm[:-1] if len(norm) >= 2 else norm
    stem_raw = term[:-1] if len(term) >= 2 else term
    texts = notes.set_index("note_id")["text"].fillna("").astype(str)
    keep = [nid for nid, text in texts.items() if stem in normalize(text) or stem_raw in text]
    if not keep:
        return pd.DataFrame(columns=["note_index", "left", "term", "right"])
    return kwic(texts.loc[keep], term, width=WIDTH, tokenizer=tokenizer)


def _tokenizer(app):
    tok = getattr(app.state, "kwic_tokenizer", None)
    if tok is None:
        from issuemine.text.tokenizer import JapaneseTokenizer

        tok = app.state.kwic_tokenizer = JapaneseTokenizer()
    return tok


@router.get("/w/{workshop_id}/kwic")
def kwic_page(request: Request, workshop_id: Id, term: str = "", conn=Depends(get_conn)):
    ws = workshop_or_404(conn, workshop_id)
    view, board = board_for(request.app, conn, workshop_id, "themes")
    if view is None:
        raise PageError(409, "まだ分析していません", "付箋を保存して「分析を実行」を押してください。", f"/w/{workshop_id}")
    term = " ".join(term.split())[:MAX_TERM]
    rows, total = [], 0
    if term:
        table = concordance(view.notes, term, _tokenizer(request.app))
        total = len(table)
        label = {n["note_id"]: n["theme_label"] for notes in board.notes_by_key.values() for n in notes}
        for r in table.head(MAX_ROWS).itertuples(index=False):
            rows.append({"note_id": r.note_index, "left": r.left, "term": r.term, "right": r.right,
                         "theme": label.get(r.note_index, "")})
    fragment = request.headers.get("hx-request") == "true"
    return render(request, "kwic.html", ws=ws, term=term, rows=rows, total=total, max_rows=MAX_ROWS,
                  fragment=fragment, n_notes=len({r["note_id"] for r in rows}))
