"""Code new texts (free-text survey answers, late notes) to the themes of a fitted ThemeResult.

A new text is embedded exactly as the notes were (the fitted tokenizer, TF-IDF vocabularies, SVDs and
block weights kept on the result as a ``ThemeEmbedder``; nothing is refitted, so assigning never changes
the fit) and goes to the theme whose centroid is nearest by cosine. In guided mode a text that clearly
matches a codebook theme's seed terms goes to that theme when the result has it, as notes do in ``fit``.

A text gets no theme ("") rather than a wrong one when none of its content terms is in the fitted TF-IDF
vocabulary (the notes never used them), when its vector is zero, or when its cosine to the nearest
centroid is below ``MIN_SIMILARITY``. The vocabulary rule matters: through the word-vector block alone,
off-topic sentences (天気と野球, スマホを買った) reach cosines of 0.3–0.56 on the sample workshop, as high as
terse on-topic answers (0.36–0.87), so no cosine threshold alone separates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONFIDENCE_SCALE = 0.02   # confidence = logistic((margin - threshold) / scale)
WEAK_MARGIN = 0.02        # clustered notes: below this cosine margin to the next theme, flagged for review
SEED_WEAK_MARGIN = -0.1   # notes placed by codebook seed terms: only when another theme is clearly nearer

# Below this cosine to the nearest theme centroid a text is "about none of these themes" even when it shares
# a term with the notes. Sample workshop: the notes' own-centroid cosine has 1st/5th percentiles 0.39/0.45;
# the 23 free-text answers of its questionnaire that share a term reach 0.36–0.87.
MIN_SIMILARITY = 0.3
ASSIGN_COLUMNS = ["theme_id", "theme_label", "theme_confidence"]


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32."""
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return (x / n).astype(np.float32)


def confidence(margin, threshold):
    """Theme confidence of a cosine margin: 0.5 exactly at ``threshold`` (weak <=> confidence < 0.5)."""
    m = np.asarray(margin, dtype=np.float64)
    return np.round(1.0 / (1.0 + np.exp(-(m - threshold) / CONFIDENCE_SCALE)), 4)


@dataclass
class ThemeEmbedder:
    """The fitted stages of a ThemeModel, kept so new texts land in the same vector space."""

    vectorizer: object
    reducer: object
    tokenizer: object = None
    codebook: list = field(default_factory=list)   # CodebookTheme list in guided mode, else empty

    def embed(self, texts: list[str]):
        """(corpus, unit vectors, known) of ``texts``; ``known``: some TF-IDF feature of the fit is present
        (without TF-IDF blocks: the vector is not zero)."""
        from issuemine.themes.vectorize import prepare

        corpus = prepare(texts, self.tokenizer, display_forms=False)  # shown labels come from the fit
        if not len(corpus) or not getattr(self.reducer, "svds_", None):
            return corpus, None, np.zeros(len(corpus), dtype=bool)
        blocks = self.vectorizer.transform(corpus)
        V = self.reducer.transform(blocks)
        sparse = [b for name, b in blocks.items() if name != "vectors" and hasattr(b, "getnnz")]
        if sparse:
            known = np.zeros(len(corpus), dtype=bool)
            for b in sparse:
                known |= b.getnnz(axis=1) > 0
        else:
            known = np.any(V != 0, axis=1)
        return corpus, V, known

    def seed_match(self, norm_texts: list[str], tokens=None) -> list[str | None]:
        """Codebook theme id clearly matched by seed terms (as in guided fit; whole words when the
        texts' ``tokens`` are given), else None."""
        if not self.codebook:
            return [None] * len(norm_texts)
        from issuemine.themes.codebook import CodebookMatcher

        idx = CodebookMatcher(self.codebook).match(norm_texts, tokens)
        return [self.codebook[j].id if j >= 0 else None for j in idx]


def assign_texts(result, texts, min_similarity: float = MIN_SIMILARITY):
    """DataFrame[theme_id, theme_label, theme_confidence], one row per text, in order (see module doc)."""
    import pandas as pd

    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
    n = len(texts)
    out_id, out_conf = [""] * n, [0.0] * n
    order = result.theme_order()
    if result.embedder is None:
        # e.g. a result pickled by an older version: say so rather than guess
        from issuemine.errors import IssuemineError

        raise IssuemineError("このテーマ分析の結果には新しい文章を分類するための情報がありません。",
                             hint="付箋からテーマを作り直してください")
    if n and order:
        corpus, V, known = result.embedder.embed(texts)
        pos = {t: i for i, t in enumerate(order)}
        lab = np.array([pos[t] for t in result.theme_of], dtype=int)
        X = result.note_vectors
        C = unit_rows(np.stack([X[lab == i].mean(axis=0) for i in range(len(order))]))
        seeds = result.embedder.seed_match(corpus.texts, corpus.tokens)
        for i in range(n):
            if not corpus.terms[i] or V is None or not known[i] or not np.any(V[i]):
                continue
            sims = (C @ V[i]).astype(np.float64)
            seed = seeds[i] if seeds[i] in pos else None
            j = pos[seed] if seed is not None else int(np.argmax(sims))   # argmax: first (stable) on ties
            if seed is None and sims[j] < min_similarity:
                continue
            other = np.delete(sims, j)
            margin = sims[j] - other.max() if len(other) else 1.0
            thresh = SEED_WEAK_MARGIN if seed is not None else WEAK_MARGIN
            out_id[i] = order[j]
            out_conf[i] = float(confidence(margin, thresh))
    labels = {}
    if n and order:
        # a copy() has no tables until rebuilt; rebuild a copy rather than the caller's result
        themes = getattr(result, "themes", None)
        themes = themes if themes is not None else result.copy().rebuild().themes
        labels = dict(zip(themes["theme_id"], themes["label"]))
    return pd.DataFrame({"theme_id": out_id, "theme_label": [labels.get(t, "") for t in out_id],
                         "theme_confidence": np.asarray(out_conf, dtype=np.float64)}, columns=ASSIGN_COLUMNS)
