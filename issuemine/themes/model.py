"""ThemeModel: vectorizer → reducer → (codebook) → clusterer → labeller, and its ThemeResult.

``ThemeResult`` keeps what it needs to rebuild its tables (terms, vectors, the theme of every note), so
facilitator edits (issuemine.edits) change the theme of notes and the tables are recomputed the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from issuemine.themes.assign import (
    CONFIDENCE_SCALE,
    MIN_SIMILARITY,
    SEED_WEAK_MARGIN,
    WEAK_MARGIN,
    ThemeEmbedder,
    assign_texts,
    confidence,
    unit_rows,
)
from issuemine.progress import report
from issuemine.themes.label import ThemeLabeller
from issuemine.themes.terms import TermTable, centroids, weights_of


def _versions() -> dict:
    from importlib import metadata

    out = {}
    for dist in ("issuemine", "numpy", "scipy", "scikit-learn", "pandas", "fugashi", "unidic-lite", "ja-ginza"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


@dataclass
class ThemeResult:
    """Themes of one analysis. Tables are built by :meth:`rebuild` from ``theme_of`` and ``meta``."""

    note_ids: list[str]
    texts: list[str]
    terms: list[list[str]] = field(repr=False)
    note_vectors: np.ndarray = field(repr=False)
    theme_of: list[str] = field(repr=False)
    meta: dict = field(repr=False)      # theme_id -> {"label": fixed label or None, "heading", "source"}
    info: dict = field(default_factory=dict, repr=False)
    stability_by_theme: dict = field(default_factory=dict, repr=False)
    change_rate: np.ndarray | None = field(default=None, repr=False)
    change_seen: np.ndarray | None = field(default=None, repr=False)
    labeller: ThemeLabeller = field(default_factory=ThemeLabeller, repr=False)
    # notes put into a codebook theme by meaning (absorption), not by seed terms: held to the clustered
    # notes' weak margin, since no seed term vouches for them
    by_meaning: np.ndarray | None = field(default=None, repr=False)
    # the fitted stages (themes.assign.ThemeEmbedder), so new texts can be coded to these themes
    embedder: object = field(default=None, repr=False)
    # term → how the notes write it (vectorize.Corpus.display_forms), for labels and key terms only.
    # None in results pickled before it existed (the web app stores pickles): lemmas are shown then.
    display_forms: dict | None = field(default=None, repr=False)

    def assign(self, texts, min_similarity: float | None = None):
        """Code new texts to these themes: DataFrame[theme_id, theme_label, theme_confidence].

        Nearest theme centroid by cosine in the fitted space; codebook seed terms win in guided mode;
        "" (no theme) for texts with no usable terms or a cosine below ``assign.MIN_SIMILARITY``.
        """
        return assign_texts(self, texts, MIN_SIMILARITY if min_similarity is None else min_similarity)

    def copy(self) -> ThemeResult:
        import copy

        return ThemeResult(list(self.note_ids), list(self.texts), self.terms, self.note_vectors,
                           list(self.theme_of), copy.deepcopy(self.meta), copy.deepcopy(self.info),
                           dict(self.stability_by_theme), self.change_rate, self.change_seen, self.labeller,
                           self.by_meaning, self.embedder, self.display_forms)

    def theme_order(self) -> list[str]:
        """Themes by decreasing size, then id (ids are already stable, so the order is too)."""
        sizes: dict[str, int] = {}
        for t in self.theme_of:
            sizes[t] = sizes.get(t, 0) + 1
        return sorted(sizes, key=lambda t: (-sizes[t], t))

    def rebuild(self) -> ThemeResult:
        import pandas as pd

        from issuemine.schema import ASSIGNMENTS, THEMES

        order = self.theme_order()
        # drop metadata of themes left empty (e.g. every note moved away)
        self.meta = {t: m for t, m in self.meta.items() if t in order}
        pos = {t: i for i, t in enumerate(order)}
        lab = np.array([pos[t] for t in self.theme_of], dtype=int)
        groups = [np.flatnonzero(lab == i) for i in range(len(order))]
        X = self.note_vectors
        lab_stage = self.labeller
        large = bool(self.info.get("large"))   # a result of the large-input path: compact terms, sparse sums
        if large and not isinstance(self.terms, TermTable):   # e.g. read back from the app's JSON
            self.terms = TermTable.from_lists(self.terms)
        weighted = weights_of(lab_stage, self.terms, groups)
        labels = lab_stage.labels(weighted, fixed=[self.meta[t].get("label") for t in order], fallback=order,
                                  forms=self.display_forms)
        headings = [self.meta[t].get("heading") or "" for t in order]
        n = len(self.theme_of)
        conf = np.ones(n)
        weak = np.zeros(n, dtype=bool)
        if len(order) > 1 and n:
            C = unit_rows(centroids(X, lab, len(order)) if large else np.stack([X[g].mean(axis=0) for g in groups]))
            sims = X @ C.T
            own = sims[np.arange(n), lab]
            sims[np.arange(n), lab] = -np.inf
            margin = own - sims.max(axis=1)
            # a note placed by its codebook seed terms is weak only when another theme is clearly
            # nearer in meaning; a note placed by the vectors alone, when the next theme is close.
            # Confidence is 0.5 exactly at that threshold, so weak <=> confidence < 0.5.
            by_seed = np.array([self.meta[t].get("source") == "codebook" for t in order])[lab]
            if self.by_meaning is not None:
                by_seed &= ~self.by_meaning
            thresh = np.where(by_seed, SEED_WEAK_MARGIN, WEAK_MARGIN)
            conf = confidence(margin, thresh)
            weak = conf < 0.5  # from the rounded value, so the CSV's two columns always agree
        self.themes = THEMES.conform(pd.DataFrame({
            "theme_id": order,
            "label": labels,
            "heading": headings,
            "size": [len(g) for g in groups],
            "key_terms": [lab_stage.key_terms(w, forms=self.display_forms) for w in weighted],
            "representative_notes": [" / ".join(self.texts[i] for i in lab_stage.representatives(X, g))
                                     for g in groups],
            "stability": [self.stability_by_theme.get(t, math.nan) for t in order],
            "source": [self.meta[t].get("source", "discovered") for t in order],
        }))
        self.assignments = ASSIGNMENTS.conform(pd.DataFrame({
            "note_id": self.note_ids,
            "theme_id": self.theme_of,
            "theme_label": [labels[i] for i in lab],
            "heading": [headings[i] for i in lab],
            "theme_confidence": np.round(np.asarray(conf, dtype=np.float64), 4),
            "theme_weak": weak,
        }))
        self.stability = pd.DataFrame({
            "theme_id": order, "label": labels, "size": [len(g) for g in groups],
            "stability": [self.stability_by_theme.get(t, math.nan) for t in order]})
        rate = self.change_rate if self.change_rate is not None else np.zeros(n)
        seen = self.change_seen if self.change_seen is not None else np.zeros(n, dtype=int)
        un = pd.DataFrame({"note_id": self.note_ids, "theme_id": self.theme_of,
                           "change_rate": np.round(rate, 4), "resamples": seen})
        self.unstable_notes = (un[un["change_rate"] > 0]
                               .sort_values(["change_rate", "note_id"], ascending=[False, True], kind="mergesort")
                               .reset_index(drop=True))
        self.info["n_themes"] = len(order)
        self.info["n_weak"] = int(weak.sum())
        return self


class ThemeModel:
    """Group notes into labelled themes.

    Parameters
    ----------
    n_themes : "auto" or int
        Total number of themes. In guided mode the codebook themes that received notes count toward it
        and the rest are discovered (at least one discovered theme when notes remain).
    seed : int
    codebook : path, None or False
        None: ``corpora/codebook.tsv`` when present (guided mode); False: unsupervised; a path: that file.
    vectorizer, reducer, clusterer, labeller : stage objects (vectorize.py, reduce.py, cluster.py, label.py)
    tokenizer : an ``issuemine.text.JapaneseTokenizer`` (default: a new one)
    n_resamples : re-runs for the stability table
    absorb : None, bool or an ``absorb.CodebookAbsorber``
        Guided mode: hand discovered themes and notes that are really codebook themes back to them.
        None (default): on with ``n_themes="auto"``, off when a number of themes is given (it would change it).
    large : None or bool
        The large-input path (``large.py``: stages fitted on a seeded sample of ``sample_size`` notes, all
        notes transformed and assigned in chunks). None (default): from ``large.LARGE_FROM`` notes.
    sample_size : int or None
        Notes the large path fits on (None: ``large.SAMPLE_SIZE``).
    """

    def __init__(self, n_themes="auto", seed: int = 0, codebook=None, vectorizer=None, reducer=None,
                 clusterer=None, labeller=None, tokenizer=None, n_resamples: int = 10, absorb=None,
                 large=None, sample_size: int | None = None):
        self.n_themes = n_themes
        self.seed = seed
        self.codebook = codebook
        self.vectorizer = vectorizer
        self.reducer = reducer
        self.clusterer = clusterer
        self.labeller = labeller
        self.tokenizer = tokenizer
        self.n_resamples = n_resamples
        self.absorb = absorb
        self.large = large
        self.sample_size = sample_size

    def _codebook(self):
        from issuemine.themes.codebook import default_codebook_path, load_codebook

        if self.codebook is False:
            return None, None
        if self.codebook is None:
            path = default_codebook_path()
            if not path.is_file():
                return None, None
        else:
            path = Path(self.codebook)
        return load_codebook(path), path

    def fit(self, notes) -> ThemeResult:
        from issuemine.themes.cluster import KMeansClusterer
        from issuemine.themes.codebook import MIN_COVERAGE, CodebookMatcher
        from issuemine.themes.guided import (
            coverage_fallback,
            covered,
            DiscoveredClusterer,
            fewer_than_asked,
            keep_names,
            plan_total,
            resolve_ties,
            why_ja,
        )
        from issuemine.themes.headings import group_centroids, guided_headings
        from issuemine.themes.reduce import BlockReducer
        from issuemine.themes.stability import ThemeStability
        from issuemine.themes.large import SAMPLE_SIZE, STABILITY_SAMPLE, SampledFit, use_large
        from issuemine.themes.vectorize import HybridVectorizer, prepare

        if self.n_themes != "auto" and (not isinstance(self.n_themes, (int, np.integer)) or self.n_themes < 1):
            from issuemine.errors import IssuemineError

            raise IssuemineError(f"テーマ数は auto か 1 以上の整数で指定してください(指定: {self.n_themes})。")
        texts = ["" if (t is None or (isinstance(t, float) and math.isnan(t))) else str(t)
                 for t in notes["text"].tolist()]
        note_ids = [str(x) for x in notes["note_id"].tolist()]
        n = len(texts)
        messages: list[str] = []
        vectorizer = self.vectorizer or HybridVectorizer(tfidf=("term",))
        reducer = self.reducer or BlockReducer(seed=self.seed)
        codebook, cb_path = self._codebook()
        sampled = None
        if n and use_large(self.large, n):
            sampled = SampledFit(self.sample_size or SAMPLE_SIZE, seed=self.seed)
            corpus, terms, X, reducer, all_hits = sampled.embed(texts, self.tokenizer, vectorizer, reducer, codebook)
        else:
            corpus = prepare(texts, self.tokenizer)
            terms = corpus.terms
            blocks = vectorizer.fit_transform(corpus)
            X = reducer.fit_transform(blocks) if n else np.zeros((0, 1), dtype=np.float32)
        guided = codebook is not None
        cb_idx = np.full(n, -1)
        n_clear = n_cover = n_tied = n_seed = 0
        hits = None
        fallback_ja = plan_ja = ""
        if guided:
            matcher = CodebookMatcher(codebook)
            cb_idx = (matcher.decide(all_hits) if sampled is not None
                      else matcher.match(corpus.texts, corpus.tokens))
            hits = matcher.hits_
            n_clear = int((cb_idx >= 0).sum())
            n_cover = covered(cb_idx, hits)
            fallback_ja = coverage_fallback(n_cover, n, MIN_COVERAGE)
            if fallback_ja:   # the workshop is about something else: unsupervised, and say so
                guided = False
                cb_idx = np.full(n, -1)
                messages.append(fallback_ja)
            else:
                cb_idx, n_tied = resolve_ties(X, hits, cb_idx)
        k = self.n_themes
        if guided and k != "auto":
            cb_idx, k, plan_ja = plan_total(int(k), cb_idx)
            if plan_ja:
                messages.append(plan_ja)
        seeded = cb_idx >= 0                # placed by seed terms (clear or tie-resolved), before absorption
        n_seed = int(seeded.sum())
        used_cb = sorted({int(j) for j in cb_idx if j >= 0})
        rest = np.flatnonzero(cb_idx < 0)

        if self.clusterer is not None:
            clusterer = self.clusterer
        else:
            clusterer = (DiscoveredClusterer(n, len(used_cb), seed=self.seed) if guided and k == "auto"
                         else KMeansClusterer(n_clusters=k, seed=self.seed))
        theme_of = [""] * n
        meta: dict = {}
        for j in used_cb:
            cb = codebook[j]
            meta[cb.id] = {"label": cb.name, "heading": cb.heading, "source": "codebook"}
        for i in np.flatnonzero(cb_idx >= 0):
            theme_of[i] = codebook[cb_idx[i]].id
        k_reason, k_scores = "", {}
        labeller = self.labeller or ThemeLabeller()
        absorption = {"themes": [], "notes_moved": 0, "message_ja": ""}
        if len(rest):
            sub = sampled.cluster(clusterer, X, rest) if sampled is not None else clusterer.fit_predict(X[rest])
            k_reason, k_scores = getattr(clusterer, "reason_", ""), getattr(clusterer, "scores_", {})
            cluster = np.full(n, -1)
            cluster[rest] = sub
            if guided and used_cb and self._absorber() is not None:
                cb_idx, absorption = self._absorb(X, cb_idx, cluster, codebook, terms, labeller,
                                                  corpus.display_forms,
                                                  sample=sampled.sample_ if sampled is not None else None)
                for j in sorted({int(j) for j in cb_idx if j >= 0} - set(used_cb)):
                    meta[codebook[j].id] = {"label": codebook[j].name, "heading": codebook[j].heading,
                                            "source": "codebook"}
                used_cb = sorted({int(j) for j in cb_idx if j >= 0})
                for i in np.flatnonzero(cb_idx >= 0):
                    theme_of[i] = codebook[cb_idx[i]].id
            left = np.flatnonzero((cb_idx < 0) & (cluster >= 0))
            sub, rest_left = cluster[left], left
            clusters = sorted(set(sub.tolist()),
                              key=lambda c: (-(sub == c).sum(), min(note_ids[i] for i in rest_left[sub == c])))
            width = max(2, len(str(len(clusters))))
            for r, c in enumerate(clusters, start=1):
                tid = f"T{r:0{width}d}"
                meta[tid] = {"label": None, "heading": None, "source": "discovered"}
                for i in rest_left[sub == c]:
                    theme_of[i] = tid
        if absorption["message_ja"]:
            messages.append(absorption["message_ja"])
        # a codebook name only where most of the theme's notes contain one of its seed terms
        named = keep_names(cb_idx, hits)
        renamed = [codebook[j].id for j in used_cb if j not in named]
        for tid in renamed:
            meta[tid]["label"] = None
        if n == 0:
            messages.append("付箋が 0 枚のため、テーマはありません。")
        elif n < 6:
            messages.append(f"付箋が {n} 枚と少ないため、テーマ分けの結果は参考程度に見てください。")
        if sampled is not None:
            messages.append(sampled.message_ja(n))

        result = ThemeResult(note_ids, texts, terms, X, theme_of, meta,
                             labeller=labeller, by_meaning=(cb_idx >= 0) & ~seeded,
                             embedder=ThemeEmbedder(vectorizer, reducer, self.tokenizer,
                                                    list(codebook) if guided else []),
                             display_forms=corpus.display_forms)
        order = result.theme_order()
        pos = {t: i for i, t in enumerate(order)}
        lab = np.array([pos[t] for t in theme_of], dtype=int)
        # headings
        if order:
            C = (centroids(X, lab, len(order)).astype(np.float32) if sampled is not None
                 else np.stack([X[lab == i].mean(axis=0) for i in range(len(order))]))
            if guided and used_cb:
                hs = guided_headings(C, [meta[t]["heading"] for t in order])
            else:
                g = group_centroids(C, np.bincount(lab, minlength=len(order)), seed=self.seed)
                groups = [np.flatnonzero(np.isin(lab, np.flatnonzero(g == h))) for h in range(int(g.max()) + 1)]
                names = labeller.labels(weights_of(labeller, terms, groups), n_terms=2,
                                        fallback=[f"見出し{h + 1}" for h in range(len(groups))],
                                        forms=corpus.display_forms)
                hs = [names[g[i]] for i in range(len(order))]
            for t, h in zip(order, hs):
                meta[t]["heading"] = h
        # stability
        if n:
            st_rows = sampled.sample_ if sampled is not None else None   # large inputs: on the sample
            if sampled is not None:
                report("テーマ分け: テーマの再現性(標本)", len(st_rows), n)
            stab = ThemeStability(n_resamples=self.n_resamples if n <= 20000 else max(3, self.n_resamples // 2),
                                  seed=self.seed)
            if sampled is not None:
                stab.max_sample = STABILITY_SAMPLE
            st = (stab.fit(X, lab) if st_rows is None
                  else stab.fit(X[st_rows].astype(np.float64), lab[st_rows]))
            result.stability_by_theme = {t: round(float(st.theme_stability_[i]), 4) for i, t in enumerate(order)}
            result.change_rate, result.change_seen = st.change_rate_, st.seen_
            if st_rows is not None:
                result.change_rate, result.change_seen = np.zeros(n), np.zeros(n, dtype=int)
                result.change_rate[st_rows], result.change_seen[st_rows] = st.change_rate_, st.seen_
        mode_ja = ("ガイド付き(コードブックのシード語にはっきり当てはまる付箋をそのテーマへ、残りを新しいテーマへ)"
                   if guided else "教師なし(コードブックに当てはまる付箋が少ないため、コードブックを使わずに全付箋を分類)"
                   if fallback_ja else "教師なし(コードブックを使わずに全付箋を分類)")
        result.info = {
            "mode": "guided" if guided else "unsupervised",
            "mode_ja": mode_ja,
            "seed": self.seed,
            "n_notes": n,
            "parameters": {
                "n_themes": self.n_themes,
                "codebook": cb_path.name if cb_path else None,
                "vectorizer": {"tfidf": list(getattr(vectorizer, "tfidf", [])),
                               "vectors": bool(getattr(vectorizer, "vectors_used_", False))},
                "reducer": {"n_components": getattr(reducer, "n_components", None),
                            "dims": getattr(reducer, "dims_", {})},
                "clusterer": type(clusterer).__name__,
                "stability_resamples": self.n_resamples,
                "confidence_scale": CONFIDENCE_SCALE,
                "weak_margin": WEAK_MARGIN,
                "seed_weak_margin": SEED_WEAK_MARGIN,
            },
            "versions": _versions(),
            "codebook": {"themes_used": [codebook[j].id for j in used_cb] if guided else [],
                         "notes_matched": n_seed, "notes_clear": n_clear,
                         "notes_tie_resolved": n_tied, "notes_clustered": len(rest),
                         "absorbed": absorption["themes"], "notes_moved": absorption["notes_moved"],
                         "absorption_ja": absorption["message_ja"],
                         "coverage": round(n_cover / n, 4) if n and codebook is not None else None,
                         "min_coverage": MIN_COVERAGE, "fallback_ja": fallback_ja, "plan_ja": plan_ja,
                         "labelled_from_notes": renamed},
            "n_discovered": sum(1 for m in meta.values() if m["source"] == "discovered"),
            "k_reason": k_reason,
            "k_scores": {str(k): v for k, v in k_scores.items()},
            # stability of the final clusterer inside the KJ range, which chose the count there (cluster.py)
            "k_scores_range": {str(k): v for k, v in getattr(clusterer, "range_scores_", {}).items()},
            "vectors": {"used": bool(getattr(vectorizer, "vectors_used_", False)),
                        "message": getattr(vectorizer, "vectors_message_", ""),
                        "coverage": (round(vectorizer.coverage_, 4)
                                     if getattr(vectorizer, "coverage_", None) is not None else None)},
            "messages": messages,
        }
        if sampled is not None:
            result.info["large"] = sampled.info(n)
            report("テーマ分け: ラベルと表", None, n)
        result.rebuild()
        short = fewer_than_asked(self.n_themes, result.info["n_themes"], n)
        if short:
            messages.append(short)
        result.info["why_ja"] = why_ja(result.info, guided, len(used_cb), k_reason)
        return result

    def _absorber(self):
        from issuemine.themes.absorb import CodebookAbsorber

        if self.absorb is None:
            return CodebookAbsorber() if self.n_themes == "auto" else None
        if self.absorb is True:
            return CodebookAbsorber()
        return self.absorb or None

    def _absorb(self, X, cb_idx, cluster, codebook, terms, labeller, forms=None, sample=None):
        """Run the absorber; return the new codebook index per note and what happened (for analysis.json).

        ``sample`` (large inputs): decide on these notes only, then move whole discovered themes
        (single-note moves are off there).
        """
        from issuemine.themes.guided import absorption_message

        ab = self._absorber()
        if sample is None:
            ab = ab.fit(X, cb_idx, cluster)
            labels = ab.labels_
        else:
            import copy

            ab = copy.copy(ab)
            if hasattr(ab, "reassign_notes"):
                ab.reassign_notes = False
            ab.fit(X[sample], cb_idx[sample], cluster[sample])
            labels = cb_idx.copy()
            for c, j, *_ in ab.absorbed_:
                labels[cluster == c] = j
        themes, sizes, names = [], [], []
        if ab.absorbed_:
            groups = [np.flatnonzero(cluster == c) for c, *_ in ab.absorbed_]
            names = labeller.labels(weights_of(labeller, terms, groups),
                                    fallback=[f"まとまり{r + 1}" for r in range(len(groups))], forms=forms)
            sizes = [len(g) for g in groups]
            for (c, j, cos, ratio), g, name in zip(ab.absorbed_, groups, names):
                themes.append({"into": codebook[j].id, "label_before": name, "size": len(g),
                               "centroid_cosine": cos, "member_ratio": ratio})
        msg = absorption_message(ab, codebook, sizes, names)
        return labels, {"themes": themes, "notes_moved": len(ab.moved_), "message_ja": msg}
