"""Place notes on the concept diagram: lexicon evidence first, neighbours for the rest, overrides last.

1. Evidence. Every lexicon match adds its weight to each zone of its target (a bridge such as 退院調整 → HC
   adds to H and to C, which sets the overlap directly). The region is the set of core zones whose score
   reaches ``rel_threshold`` × the best core score or ``decisive`` on its own, provided the best reaches
   ``min_evidence``; otherwise F or P when their evidence reaches it (or when it dominates the core evidence
   ``side_dominance`` times). Words below ``min_evidence`` alone (医師, 在宅) are too weak to place.
2. Neighbours. Notes still unplaced are given the region that spreads to them over a k-nearest-neighbour
   graph (cosine, edges below ``min_similarity`` cut) from the confidently placed notes — label spreading
   (Zhou et al. 2004). The graph is built on the note vectors when given, else on TF-IDF of the text
   pipeline's terms. The seeds of a region are weighted by the inverse square root of its share of the
   seeds (``class_balance``), so that the majority region does not win every mixed neighbourhood, and a
   note whose neighbours disagree (no region with ``min_share`` of its scores) is left X. Inferred notes are
   marked and their confidence is capped. Too few seeds → X.
   Beyond ``max_candidates`` notes the unplaced ones look for neighbours among (a seeded sample of) the
   seeds only, so the search costs n_unplaced × max_candidates (place_notes at 100k: ~3 s, was ~33 s).
   (sklearn's ``LabelSpreading`` cannot cut weak kNN edges — without the cut a note that shares no word
   with any other would inherit arbitrary neighbours — and builds the graph of all n notes, where only the
   unplaced ones need neighbours; hence the few lines of sparse algebra here.)
3. Overrides. A facilitator's ``{"op": "zone", "note": id, "zones": "HC"}`` in the edit list wins; the last
   one for a note counts.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd

from issuemine import progress
from issuemine.diagram.lexicon import Entry, Match, ZoneLexicon
from issuemine.diagram.neighbours import UnitRows, cell_neighbours, exact_neighbours, finite_rows, spread
from issuemine.diagram.zones import CORE, REGIONS, canonical_zones, region_name
from issuemine.errors import ConfigError
from issuemine.schema import PLACEMENTS

SCORED = ("H", "C", "S", "F", "P")
SCORE_COLUMNS = tuple(f"zone_score_{z}" for z in SCORED)
OVERRIDE_REASON = "ファシリテーターが指定"
NO_EVIDENCE_REASON = "該当語なし"


class ZonePlacer:
    """Scores notes against a zone lexicon and infers the rest from neighbours.

    Parameters
    ----------
    lexicon : a ZoneLexicon, a path to a lexicon TSV, or None for the default ``corpora/zone_lexicon.tsv``.
    rel_threshold : a core zone joins the region when its score ≥ this × the best core score …
    decisive : … or when its score reaches this on its own (one decisive word such as 在宅医 or 主治医);
        a bridge entry at least this heavy (退院調整 → HC) therefore always sets its overlap.
    side_dominance : F or P evidence this many times the best core score wins over it (a note on the
        family's burden that mentions 入院 in passing is 家族・本人); otherwise core evidence wins.
    min_evidence : the best score must reach this for the lexicon alone to place a note.
    seed_confidence : lexicon placements at least this confident seed the spreading.
    n_neighbors, min_similarity, alpha : the kNN graph and the spreading (alpha = weight of neighbours).
    class_balance : the seeds of a region weigh ``1 / (its share of the seeds) ** class_balance`` in the
        spreading. 0 is plain label spreading, where the majority region (地域 in most workshops) wins
        every mixed neighbourhood — three 病院 seeds as the nearest of seven neighbours lose to four less
        similar 地域 seeds; 1 gives every region's seeds the same total weight, so a single neighbour of a
        rare region (病院∩相談支援) outweighs several of a common one. 0.5 is between: on the 143 labelled
        notes with their lexicon words masked (bench/diagram_quality.py) it brought 地域 from 50–62 % of the
        predictions to 25–29 % (labels: 22 %) and raised their membership macro-F1.
    min_share : a note is inferred only when one region holds at least this share of the (balanced) scores
        that reach it; below, its neighbours disagree — a note on 連携 in general sits among notes of every
        region — and it stays X (or takes its weak words' region) instead of a near-random region.
    min_seeds : fewer seeds than this and no note is inferred (they stay X).
    inferred_cap : the confidence of an inferred placement is at most this.
    max_candidates : beyond this many notes, neighbours are looked for among the seeds only, at most this
        many of them (a sample seeded by ``random_state``); None = always among all notes.
    n_probe, cell_size : beyond ``max_candidates`` notes with vectors, the candidates are cut into cells
        of about ``cell_size`` (spherical k-means) and each note searches the ``n_probe`` cells nearest to
        it, not all of them (approximate, docs/diagram.md); ``n_probe=None`` searches all (exact).
    tokenizer : gives the terms for the TF-IDF graph when no vectors are given; None = JapaneseTokenizer().
    weak_first : a note whose only words are below ``min_evidence`` takes their region (confidence at most
        0.3) instead of its neighbours'; False infers it from its neighbours first (before 2026-12-06).
    saturation : each further word of a zone counts this much less than the previous one (1 = plain sum).
    distinct : each lexicon entry counts once per note (False: every occurrence, as before 2026-12-06).
    ignore_roles : lexicon roles treated as ordinary words (for measuring what each rule does).
    """

    def __init__(self, lexicon: ZoneLexicon | str | Path | None = None, *, rel_threshold: float = 0.5,
                 decisive: float = 0.8, side_dominance: float = 3.0, saturation: float = 0.5,
                 min_member: float = 0.5,
                 min_evidence: float = 0.5, seed_confidence: float = 0.5, n_neighbors: int = 7,
                 min_similarity: float = 0.3, alpha: float = 0.6, class_balance: float = 0.5,
                 min_share: float = 0.5, min_seeds: int = 5,
                 inferred_cap: float = 0.6, max_iter: int = 50, max_candidates: int | None = 20000,
                 n_probe: int | None = 4, cell_size: int = 128, random_state: int = 0, tokenizer=None,
                 weak_first: bool = True, distinct: bool = True,
                 ignore_roles: tuple[str, ...] = ()):
        self.lexicon = lexicon
        self.rel_threshold = rel_threshold
        self.decisive = decisive
        self.side_dominance = side_dominance
        self.saturation = saturation
        self.min_member = min_member
        self.min_evidence = min_evidence
        self.seed_confidence = seed_confidence
        self.n_neighbors = n_neighbors
        self.min_similarity = min_similarity
        self.alpha = alpha
        self.class_balance = class_balance
        self.min_share = min_share
        self.min_seeds = min_seeds
        self.inferred_cap = inferred_cap
        self.max_iter = max_iter
        self.max_candidates = max_candidates
        self.n_probe = n_probe
        self.cell_size = cell_size
        self.random_state = random_state
        self.tokenizer = tokenizer
        self.weak_first = weak_first
        self.distinct = distinct
        self.ignore_roles = ignore_roles

    # -- step 1: evidence ------------------------------------------------------------------------------
    def _lexicon(self) -> ZoneLexicon:
        if isinstance(self.lexicon, ZoneLexicon):
            return self.lexicon
        return ZoneLexicon(self.lexicon)

    def evidence(self, matches: list[Match]) -> list[Entry]:
        """The entries that give evidence, after the lexicon's rules (each entry once, in order):

        - ``topic`` entries (siblings) make the note the family's own matter: the places it names (a
          sibling's school, a minder for the sibling) are the family's, so 病院 and 地域 words drop out;
        - ``setting`` entries (the home as a place, a hospital stay: 自宅, 在宅, 入院) drop out when the
          note's F evidence reaches ``min_evidence`` — a family's burden at home or in hospital is the
          family's;
        - ``event`` entries (通院, 急変) drop out then too, and also when another word names 病院 or 地域 —
          a hospital visit or a sudden worsening is not by itself a hospital-side issue;
        - ``context`` entries (医師, 看護師) drop out when another word names 病院 or 地域: they take the
          side the rest of the note gives (「往診する医師」 is 地域).
        """
        entries, seen = [], set()
        for m in matches:
            if m.entry.key not in seen or not self.distinct:
                seen.add(m.entry.key)
                entries.append(m.entry)
        if self.ignore_roles:
            entries = [dataclasses.replace(e, role="") if e.role in self.ignore_roles else e for e in entries]
        if any(e.role == "topic" for e in entries):
            entries = [e for e in entries if not set(e.target) & {"H", "C"}]
        family = _saturate([e.weight for e in entries if e.role in ("", "topic") and "F" in e.target],
                           self.saturation)
        if family >= self.min_evidence:
            entries = [e for e in entries if e.role not in ("setting", "event")]
        if any(e.role in ("", "setting") and set(e.target) & {"H", "C"} for e in entries):
            entries = [e for e in entries if e.role not in ("context", "event")]
        return entries

    def score(self, matches: list[Match]) -> dict[str, float]:
        """Evidence per zone (H, C, S, F, P) from a note's matches: the entries :meth:`evidence` keeps, each
        once, and a zone's evidence saturates — its entries' weights in decreasing order, the k-th
        multiplied by ``saturation`` ** k (with 0.5, at most twice the strongest): 家族 twice, or 家族 +
        母親 + 保護者, does not outweigh two service words."""
        return self._scores(self.evidence(matches))

    def _scores(self, entries: list[Entry]) -> dict[str, float]:
        weights: dict[str, list[float]] = {z: [] for z in SCORED}
        for e in entries:
            for z in e.target:
                weights[z].append(e.weight)
        return {z: _saturate(w, self.saturation) for z, w in weights.items()}

    def decide(self, scores: dict[str, float], matches: list[Match], *, min_evidence: float | None = None,
               entries: list[Entry] | None = None):
        """(zones, confidence, reason) from evidence, or None when the evidence is too weak to place.
        ``entries``: ``self.evidence(matches)`` if already computed."""
        floor = self.min_evidence if min_evidence is None else min_evidence
        core_best = max(scores[z] for z in CORE)
        side_best = max(scores["F"], scores["P"])
        if core_best >= floor and core_best > 0 and side_best < self.side_dominance * core_best:
            chosen = [z for z in CORE
                      if scores[z] == core_best or scores[z] >= self.decisive
                      or (scores[z] >= self.rel_threshold * core_best and scores[z] >= self.min_member)]
            others = [scores[z] for z in CORE if z not in chosen]
            zones = "".join(chosen)
            conf = self._confidence(core_best, [scores[z] for z in chosen], others)
        else:
            if not (side_best >= floor and side_best > 0):
                return None
            zones = "F" if scores["F"] >= scores["P"] else "P"
            other = "P" if zones == "F" else "F"
            conf = self._confidence(side_best, [side_best], [scores[other], core_best])
        reason = _reason(self.evidence(matches) if entries is None else entries, set(zones))
        return zones, conf, reason

    def _confidence(self, best: float, chosen: list[float], others: list[float]) -> float:
        # Strength saturates with evidence (one decisive word ≈ 0.78); clarity falls as a member or a
        # non-member comes close to the threshold, i.e. as the region becomes a judgement call.
        strength = 1.0 - math.exp(-1.5 * best)
        t = self.rel_threshold
        margins = [(c / best - t) / (1 - t) for c in chosen if c < best and c < self.decisive]
        margins += [min((t - o / best) / t, (self.decisive - o) / self.decisive) for o in others if o > 0]
        clarity = 0.5 + 0.5 * max(0.0, min(margins, default=1.0))
        return round(strength * clarity, 4)

    # -- step 2: neighbours ----------------------------------------------------------------------------
    def _features(self, texts: list[str], vectors, terms=None):
        if vectors is not None:
            x = np.asarray(vectors)
            if x.ndim != 2 or x.shape[0] != len(texts):
                raise ValueError(f"vectors must have shape (n_notes, d); got {x.shape} for {len(texts)} notes")
            if x.dtype not in (np.float32, np.float64):
                x = x.astype(np.float64)
            at_scale = self.max_candidates is not None and len(texts) > self.max_candidates
            return UnitRows(finite_rows(x), precise=not at_scale)
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [list(t) for t in terms] if terms is not None else _term_lists(texts, self.tokenizer)
        if len(docs) != len(texts):
            raise ValueError(f"terms must have one list per note; got {len(docs)} for {len(texts)} notes")
        if not any(docs):
            return None
        return TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(docs)

    def spread(self, x, seed_labels: np.ndarray, targets: np.ndarray, n_classes: int, same=None):
        """Class shares spread to ``targets`` rows (n_targets × n_classes; zero rows = unreachable).

        ``x`` has L2-normalised rows (or zero rows, which take no part). Only the targets look for
        neighbours — the seeds are known — so the graph costs n_targets × n, not n² (at scale
        n_targets × ``max_candidates``, see :meth:`candidates`, searched by cells: :meth:`_neighbours`).
        ``same``: for each target, the index of an earlier target with the same vector (or its own).
        """
        rows, cols, sims = self._neighbours(x, targets, self.candidates(seed_labels), same=same)
        return spread(rows, cols, sims, x.shape[0], seed_labels, targets, n_classes,
                      alpha=self.alpha, max_iter=self.max_iter)

    def infer(self, x, zones, seeds, unplaced: np.ndarray, same=None):
        """(class index per unplaced note, its share, the classes): index -1 (share 0) when no seed reaches
        the note or no region reaches ``min_share``.

        The share is the region's part of the note's class-balanced spread scores (``class_balance``).
        Spreading is linear in the seed labels, so weighting a region's seeds is weighting its column of
        the result: done here, once, rather than inside the iteration."""
        zones = np.asarray(zones, dtype=object)
        seeds = np.asarray(seeds, dtype=int)
        classes = sorted(set(zones[seeds].tolist()), key=list(REGIONS).index)
        seed_labels = np.full(len(zones), -1)
        number = {z: i for i, z in enumerate(classes)}
        seed_labels[seeds] = [number[z] for z in zones[seeds].tolist()]
        shares = self.spread(x, seed_labels, unplaced, len(classes), same=same)
        if self.class_balance:
            counts = np.bincount(seed_labels[seeds], minlength=len(classes))
            shares = shares * (counts / counts.sum()) ** -float(self.class_balance)
        total = shares.sum(axis=1)
        best = np.argmax(shares, axis=1)  # ties → earlier class in display order
        share = shares[np.arange(len(best)), best] / np.where(total > 0, total, 1.0)
        ok = (total > 0) & (share >= self.min_share)
        return np.where(ok, best, -1), np.where(ok, share, 0.0), classes

    def candidates(self, seed_labels: np.ndarray) -> np.ndarray:
        """Rows the unplaced notes may take as neighbours (sorted): every note while there are at most
        ``max_candidates``; beyond that only the seeds, at most ``max_candidates`` of them (a sample
        seeded by ``random_state``), so the search costs n_unplaced × max_candidates at any scale.

        At scale the seeds are many and most unplaced notes have some nearby, so links between unplaced
        notes (which only relay labels) are given up first; keeping them would let a crowd of near-
        duplicate unplaced notes fill each other's neighbour lists and cut them off from every seed."""
        n = len(seed_labels)
        if self.max_candidates is None or n <= self.max_candidates:
            return np.arange(n)
        seeds = np.flatnonzero(seed_labels >= 0)
        if len(seeds) <= self.max_candidates:
            return seeds
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(seeds, size=self.max_candidates, replace=False))

    def _neighbours(self, x, queries: np.ndarray, pool: np.ndarray, budget: float = 2**23, same=None):
        """(query row, neighbour row, cosine) of each query's ``n_neighbors`` most similar ``pool`` rows,
        similarity at least ``min_similarity``, self excluded, ties to the lower row; sorted by query, then
        decreasing similarity. Exact up to ``max_candidates`` notes (blocks of about ``budget``
        similarities); beyond, dense vectors are searched by cells (``neighbours.cell_neighbours``:
        ``n_probe`` of the pool's cells of ~``cell_size`` rows each)."""
        if self._at_scale(x):
            return cell_neighbours(x, queries, pool, self.n_neighbors, self.min_similarity,
                                   cell_size=self.cell_size, n_probe=self.n_probe, seed=self.random_state,
                                   same=same)
        return exact_neighbours(x, queries, pool, self.n_neighbors, self.min_similarity, budget=budget)

    def _at_scale(self, x) -> bool:
        """Whether the neighbours are searched by cells (dense vectors beyond ``max_candidates`` notes)."""
        return (self.max_candidates is not None and x.shape[0] > self.max_candidates
                and isinstance(x, UnitRows) and self.n_probe is not None)

    # -- all steps -------------------------------------------------------------------------------------
    def fit_transform(self, texts, vectors=None, terms=None, normalized=None) -> pd.DataFrame:
        """One row per text: zones, region, zone_confidence, zone_reason, zone_inferred, zone_score_*.

        ``vectors`` (n × d) or ``terms`` (one list per text, e.g. from the themes stage) feed the
        neighbour graph; without either the text pipeline tokenizes the notes here. ``normalized``: the
        texts already normalised by the text pipeline (the themes stage has them), not normalised again.
        """
        texts = ["" if _missing(t) else str(t) for t in texts]
        lex = self._lexicon()
        self.lexicon_ = lex
        n = len(texts)
        # Scores and decisions depend only on the sequence of matched entries (neutral ones included),
        # which notes share a lot (「訪問看護」 alone, 「病院」+「退院」 …): each sequence is decided once.
        progress.report("概念図: 語彙の照合", n)
        if normalized is not None:
            if len(normalized) != n:
                raise ValueError(f"normalized must have one text per note; got {len(normalized)} for {n}")
            normalized = ["" if _missing(t) else str(t) for t in normalized]
            sig, distinct = lex.signature_ids(normalized, normalized=True)
        else:
            sig, distinct = lex.signature_ids(texts)
        decided = [self._decide_keys(lex, key) for key in distinct]
        del distinct
        score_table = np.array([d[0] for d in decided], dtype=float).reshape(-1, len(SCORED))
        zones = np.array([d[1][0] if d[1] else "X" for d in decided], dtype=object)[sig]
        conf = np.array([d[1][1] if d[1] else 0.0 for d in decided], dtype=np.float64)[sig]
        reasons = np.array([d[1][2] if d[1] else NO_EVIDENCE_REASON for d in decided], dtype=object)[sig]
        weak_of = [d[2] for d in decided]  # the weak words' placement of notes the lexicon cannot place
        weak = np.array([w is not None for w in weak_of], dtype=bool)[sig]
        inferred = np.zeros(n, dtype=bool)

        # Notes with weak words only keep them (below) rather than take their neighbours' region, unless
        # ``weak_first`` is off: on real notes a weak word of the note's own (不安, 看護師, サービス) was
        # right more often than the neighbours (docs/diagram.md).
        open_ = zones == "X"
        if self.weak_first:
            open_ &= ~weak
        unplaced = np.flatnonzero(open_)
        seeds = np.flatnonzero((zones != "X") & (conf >= self.seed_confidence))
        self.n_seeds_ = len(seeds)
        self.n_inferred_ = 0
        if len(unplaced) and len(seeds) >= self.min_seeds:
            progress.report("概念図: 近傍からの推定", len(unplaced))
            x = self._features(texts, vectors, terms)
            if x is not None:
                same = _same_vectors(x, texts, unplaced) if self._at_scale(x) else None
                best, share, classes = self.infer(x, zones, seeds, unplaced, same=same)
                hit = best >= 0
                rows, best, share = unplaced[hit], best[hit], share[hit]
                zones[rows] = np.array(classes, dtype=object)[best]
                conf[rows] = np.round(self.inferred_cap * share, 4)
                reasons[rows] = [f"近傍から推定({region_name(classes[b])} {s:.0%})"
                                 for b, s in zip(best.tolist(), share.tolist())]
                inferred[rows] = True
                self.n_inferred_ = int(len(rows))
        # Weak evidence (only ambiguous words) still beats 未分類 when the neighbours say nothing or disagree.
        for i in np.flatnonzero(weak & (zones == "X")).tolist():
            z, c, r = weak_of[sig[i]]
            zones[i], conf[i], reasons[i] = z, round(min(c, 0.3), 4), r + "(弱い手がかり)"

        names = {z: region_name(z) for z in set(zones.tolist())}
        out = pd.DataFrame({
            "zones": zones,
            "region": np.array([names[z] for z in zones.tolist()], dtype=object),
            "zone_confidence": conf,
            "zone_reason": reasons,
            "zone_inferred": inferred,
        })
        scores_arr = np.round(score_table, 4)[sig]
        for j, col in enumerate(SCORE_COLUMNS):
            out[col] = scores_arr[:, j]
        return out

    def _decide_keys(self, lex: ZoneLexicon, keys: tuple[str, ...]):
        """(scores, decision or None, weak decision or None) of a note whose matched entries are ``keys``."""
        matches = lex.to_matches([(key, -1, -1) for key in keys])  # positions play no part in the evidence
        entries = self.evidence(matches)
        scores = self._scores(entries)
        decided = self.decide(scores, matches, entries=entries)
        weakly = (self.decide(scores, matches, min_evidence=0.0, entries=entries)
                  if decided is None and matches else None)
        return [scores[z] for z in SCORED], decided, weakly


def place_notes(notes: pd.DataFrame, *, vectors: np.ndarray | None = None, edits: list[dict] | None = None,
                lexicon: ZoneLexicon | str | Path | None = None, placer: ZonePlacer | None = None,
                terms: list[list[str]] | None = None, normalized: list[str] | None = None) -> pd.DataFrame:
    """Place every note; a DataFrame conforming to ``PLACEMENTS`` (plus ``zone_score_*``), row-aligned.

    ``vectors``: note vectors row-aligned with ``notes`` (e.g. the themes stage's); ``terms``: the notes'
    terms if already tokenized (used for TF-IDF when there are no vectors); ``placer``: a configured
    ``ZonePlacer`` (thresholds); ``edits``: the workshop's edit list (only ``op == "zone"`` is read);
    ``normalized``: the notes' texts already normalised by the text pipeline (the themes stage's), to
    skip normalising them again.

    Warnings (an override naming an unknown note) are returned in ``result.attrs["warnings"]`` (Japanese).
    A malformed override (zones not a region) raises ``ConfigError`` naming the edit's line.
    """
    if placer is None:
        placer = ZonePlacer(lexicon)
    elif lexicon is not None:
        placer = copy.copy(placer)  # the caller's placer is left as it was
        placer.lexicon = lexicon
    body = placer.fit_transform(notes["text"].tolist(), vectors=vectors, terms=terms, normalized=normalized)
    body.insert(0, "note_id", notes["note_id"].tolist())
    body.index = notes.index
    warnings = apply_zone_edits(body, edits or [])
    out = PLACEMENTS.conform(body)
    out.attrs["warnings"] = warnings
    return out


def apply_zone_edits(placements: pd.DataFrame, edits: list[dict]) -> list[str]:
    """Apply ``{"op": "zone"}`` edits in place (the last one per note wins); return Japanese warnings."""
    last: dict[str, tuple[str, int]] = {}
    for pos, edit in enumerate(edits, start=1):
        if not isinstance(edit, dict) or edit.get("op") != "zone":
            continue
        line = _edit_line(edit, pos)
        where = {"file": edit.get("_file") or edit.get("file") or "edits.jsonl", "row": line}
        raw = edit.get("zones")
        try:
            zones = canonical_zones(raw)
        except ValueError:
            raise ConfigError("概念図の領域の指定が読めません。", column="zones", **where,
                              hint="H, C, S, HC, HS, CS, HCS, F, P, X のいずれかを書いてください") from None
        notes = edit.get("notes") if "notes" in edit else [edit.get("note")]  # one note or several
        if not isinstance(notes, list) or not notes or not all(isinstance(n, str) and n for n in notes):
            raise ConfigError("付箋 ID がありません。", column="notes" if "notes" in edit else "note", **where)
        for note in notes:
            last[note] = (zones, line)
    warnings = []
    ids = placements["note_id"].astype(str)
    for note, (zones, line) in last.items():
        hit = ids == note
        if not hit.any():
            warnings.append(f"編集 {line}行目: 付箋 ID「{note}」が見つからないため、概念図の指定を適用できません。")
            continue
        placements.loc[hit, "zones"] = zones
        placements.loc[hit, "region"] = REGIONS[zones]
        placements.loc[hit, "zone_confidence"] = 1.0
        placements.loc[hit, "zone_reason"] = OVERRIDE_REASON
        placements.loc[hit, "zone_inferred"] = False
    return warnings


def _edit_line(edit: dict, pos: int) -> int:
    for key in ("_line", "line", "row", "_row"):
        value = edit.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return pos


def _saturate(weights: list[float], rate: float) -> float:
    """Σ w_k · rate^k over the weights in decreasing order: one strong word counts fully, more add less."""
    return sum(w * rate ** k for k, w in enumerate(sorted(weights, reverse=True)))


def _reason(entries: list[Entry], chosen: set[str]) -> str:
    return "・".join(f"{e.key}({region_name(e.target)})" for e in entries if set(e.target) & chosen)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _same_vectors(x: UnitRows, texts: list[str], rows: np.ndarray) -> np.ndarray:
    """For each of ``rows``, the position (in ``rows``) of the first row with the same text and the same
    vector, or its own: notes written alike are searched for neighbours once."""
    first: dict[str, int] = {}
    same = np.array([first.setdefault(texts[r], j) for j, r in enumerate(rows.tolist())], dtype=np.int64)
    dup = np.flatnonzero(same != np.arange(len(rows)))
    for lo in range(0, len(dup), 16384):
        part = dup[lo:lo + 16384]
        differ = part[~(x.raw[rows[part]] == x.raw[rows[same[part]]]).all(axis=1)]
        same[differ] = differ
    return same


def _identity(doc):
    return doc


def _term_lists(texts: list[str], tokenizer=None) -> list[list[str]]:
    """Terms of each note from the text pipeline (compounds whole, negation kept)."""
    if tokenizer is None:
        from issuemine.text import JapaneseTokenizer

        tokenizer = JapaneseTokenizer()
    if hasattr(tokenizer, "terms_many"):
        return [list(t) for t in tokenizer.terms_many(texts)]
    return [list(tokenizer(t)) for t in texts]
