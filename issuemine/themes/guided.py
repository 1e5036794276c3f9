"""Guided mode's decisions around the codebook: does this workshop fit it, ties, the total number of
themes, which codebook names stay, and the Japanese sentences that explain all of it.

- **Coverage.** When fewer than ``codebook.MIN_COVERAGE`` of the notes clearly match a seed term, the
  workshop is about something else and is clustered unsupervised (``coverage_fallback``). Measured: the
  codebook is pediatric home care; symptom tweets (medweb) and encyclopedic sentences (sib200) match 5–12 %
  of their notes, real pediatric/home-care statements (homecare_dev) about 60 %, the sample workshop 80 %.
- **Ties** between codebook themes go to the theme nearer in meaning (``resolve_ties``).
- **A given total** (``--themes N``) counts codebook and discovered themes together (``plan_total``).
- **Names.** A codebook theme keeps the codebook's name only when most of its notes contain one of its
  seed terms (``keep_names``); otherwise its label is made from its notes like a discovered theme's.
"""

from __future__ import annotations

import math

import numpy as np

COVERAGE_Z = 1.645   # one-sided 95 %


def covered(cb_idx: np.ndarray, hits: np.ndarray) -> int:
    """Notes that clearly match a codebook theme through at least one of its seed terms (context terms
    such as 家族 or 病院 alone do not show that a workshop is about the codebook's field)."""
    rows = np.flatnonzero(cb_idx >= 0)
    if hits is None or rows.size == 0:
        return 0
    return int((hits[rows, cb_idx[rows]] >= 1).sum())


def coverage_bound(n_clear: int, n: int, z: float = COVERAGE_Z) -> float:
    """One-sided lower confidence bound (Wilson score, 95 % at z = 1.645) of the share of notes that
    clearly match the codebook: how much of the workshop surely is about the codebook's field."""
    if n == 0:
        return 0.0
    p = n_clear / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z2 / n))


def coverage_fallback(n_clear: int, n: int, min_coverage: float) -> str:
    """"" when the codebook fits, else the Japanese sentence saying why the notes are clustered without it.

    The codebook fits when the lower bound of the clearly matched share (``coverage_bound``) reaches
    ``min_coverage``: on many notes that is about the share itself, on a few notes more is asked, since
    a handful of general words (技術, 情報, 交通) can match a third of 20 sentences from another field.
    """
    if n == 0 or coverage_bound(n_clear, n) >= min_coverage:
        return ""
    return (f"コードブックのシード語にはっきり当てはまる付箋が {n} 枚中 {n_clear} 枚({n_clear / n:.0%})で、"
            f"付箋の {min_coverage:.0%} 以上が当てはまるとは言えませんでした。このワークショップはコードブックの分野"
            "(小児在宅支援)とは別の話題が中心と判断し、コードブックを使わずに全付箋を分類しました。")


def resolve_ties(X: np.ndarray, hits: np.ndarray, cb_idx: np.ndarray) -> tuple[np.ndarray, int]:
    """A note with seed terms of two themes equally (訪問看護 + 連携) goes to the one nearer in meaning.

    Left to clustering, such notes formed new themes that duplicated codebook ones (measured on the
    sample workshop: a discovered 「短期入所・利用・情報」 beside the codebook's short-stay theme).
    Nearness is cosine to the centroid of the theme's clearly matched notes.
    """
    out = cb_idx.copy()
    if hits.size == 0:
        return out, 0
    top = hits.max(axis=1)
    tied = np.flatnonzero((cb_idx < 0) & (top >= 1))
    cents = {}
    for j in {int(j) for j in cb_idx if j >= 0}:
        c = X[cb_idx == j].mean(axis=0)
        nrm = np.linalg.norm(c)
        cents[j] = c / nrm if nrm else c
    done = 0
    for i in tied:
        cands = [j for j in np.flatnonzero(hits[i] == top[i]) if j in cents]
        if cands:
            out[i] = max(cands, key=lambda j: (float(X[i] @ cents[j]), -j))
            done += 1
    return out, done


def discovered_range(n: int, n_rest: int, n_codebook: int) -> tuple[int, int]:
    """(floor, most) discovered themes in guided mode with ``--themes auto``; (1, 1) for too few notes.

    *most*: the KJ range of all ``n`` notes (``cluster.kj_range``) minus the ``n_codebook`` codebook
    themes used, within what the ``n_rest`` clustered notes can carry (12 notes a theme; 8 for the first
    four). *floor*: as many as make discovered themes about as large as codebook themes on average (the
    rule ``--themes N`` uses too, ``plan_total``), at least the KJ range's low end minus the codebook
    themes, never above *most*. See ``DiscoveredClusterer`` for when the floor applies.
    """
    from issuemine.themes.cluster import kj_range

    lo, hi = kj_range(n)
    cap = max(n_rest // 12, min(n_rest // 8, 4))
    if cap < 2:
        return (1, 1)
    most = int(min(cap, max(2, hi - n_codebook)))
    like_codebook = round(n_rest * n_codebook / max(1, n - n_rest)) if n_codebook else 2
    return int(min(most, max(2, lo - n_codebook, like_codebook))), most


class DiscoveredClusterer:
    """KMeans of the notes no seed term placed (guided mode, ``--themes auto``).

    The count is the most stable one from 2 to *most* (``discovered_range``), as in unsupervised mode.
    When no count is clearly reproducible (best stability below ``strong`` = 0.4, the bar
    ``cluster.KMeansClusterer`` uses for counts below the KJ range) and the choice is below the *floor*,
    the floor is used: discovered themes then are about as large as codebook themes. Measured: for the 45
    notes of homecare_dev that no seed placed, stability was 0.11–0.23 at every count and picked 2 on
    one seed, a 43-note theme (18 % of the workshop) labelled 「アラーム・園・悪い」; a block of notes from
    another field with a structure of its own (235 medweb tweets in a homecare_dev workshop) keeps the
    stable count.
    Attributes after ``fit``: ``labels_``, ``k_``, ``scores_``, ``reason_`` (Japanese), ``floor_``.
    """

    def __init__(self, n: int, n_codebook: int, seed: int = 0, strong: float = 0.4):
        self.n = n
        self.n_codebook = n_codebook
        self.seed = seed
        self.strong = strong

    def fit(self, X, y=None):
        from issuemine.themes.cluster import KMeansClusterer

        floor, most = discovered_range(self.n, len(X), self.n_codebook)
        self.floor_ = floor
        base = KMeansClusterer(seed=self.seed, k_range=(min(2, most), most)).fit(X)
        self.labels_, self.k_ = base.labels_, base.k_
        self.scores_, self.reason_ = base.scores_, base.reason_
        best = max(base.scores_.values(), default=1.0)
        if base.k_ < floor and best < self.strong:
            self.labels_ = KMeansClusterer(n_clusters=floor, seed=self.seed).fit(X).labels_
            self.k_ = floor
            self.reason_ += (f"ただ、どの数でも再現の指標が {best:.2f} 以下と低く、はっきりした分かれ目がないため、"
                             f"新しいテーマがコードブックのテーマと同じくらいの大きさになる {floor} 個にしました。")
        return self

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_


def plan_total(n_themes: int, cb_idx: np.ndarray) -> tuple[np.ndarray, int, str]:
    """Split a total of ``n_themes`` between codebook and discovered themes.

    The codebook keeps its ``c`` largest themes; the notes of the others join the notes no seed term
    placed, and those are clustered into ``n_themes - c`` themes. ``c`` is chosen so that discovered
    themes are about as large as kept codebook themes on average (closest ratio of mean sizes; ties:
    more codebook themes), with at least one codebook theme when any matched and at least one
    discovered theme when notes are left. Returns the new codebook index per note, the number of themes
    to discover and a Japanese sentence (empty when no codebook theme was dropped).
    (Before: the codebook themes counted first and one discovered theme took every other note, 84–93 %
    of the notes on sets from other fields.)
    """
    out = cb_idx.copy()
    n = len(out)
    if n == 0:
        return out, 0, ""
    counts = np.bincount(out[out >= 0]) if (out >= 0).any() else np.zeros(0, dtype=int)
    by_size = sorted(np.flatnonzero(counts).tolist(), key=lambda j: (-counts[j], j))
    best = None
    for c in range(min(len(by_size), n_themes), 0, -1):
        kept = int(sum(counts[j] for j in by_size[:c]))
        left = n - kept
        d = n_themes - c
        if (left > 0 and d < 1) or d > left:
            continue
        cost = 0.0 if left == 0 else abs(np.log((left / d) / (kept / c)))
        if best is None or cost < best[0] - 1e-12:
            best = (cost, c)
    c = best[1] if best is not None else 0
    keep = set(by_size[:c])
    dropped = [j for j in by_size if j not in keep]
    if dropped:
        out[np.isin(out, dropped)] = -1
    d = min(n_themes - c, int((out < 0).sum()))
    msg = ""
    if dropped:
        msg = (f"指定のテーマ数 {n_themes} に合わせ、コードブックのテーマは付箋の多い {c} 個を使い、"
               f"残り {len(dropped)} テーマの付箋 {int(np.isin(cb_idx, dropped).sum())} 枚は"
               f"ほかの付箋と合わせて {d} 個の新しいテーマに分けました。")
    return out, d, msg


def fewer_than_asked(asked, got: int, n: int) -> str:
    """The Japanese sentence when ``--themes N`` asked for more themes than the notes can make (more
    than there are notes, or than there are notes with different content), else ""."""
    if asked == "auto" or got >= int(asked) or n == 0:
        return ""
    return (f"テーマ数 {int(asked)} が指定されましたが、付箋 {n} 枚から作れるテーマは {got} 個まで"
            f"(同じ内容の付箋は別のテーマに分けられません)のため、{got} 個にしました。")


def keep_names(cb_idx: np.ndarray, hits: np.ndarray | None, min_share: float = 0.5) -> dict[int, float]:
    """Codebook index → share of its notes that contain one of its seed terms, for the themes whose share
    is at least ``min_share`` strictly exceeded (these keep the codebook's name)."""
    out = {}
    if hits is None or hits.size == 0:
        return out
    for j in sorted({int(j) for j in cb_idx if j >= 0}):
        members = cb_idx == j
        share = float((hits[members, j] > 0).mean())
        if share > min_share:
            out[j] = share
    return out


def absorption_message(absorber, codebook, themes_absorbed, names) -> str:
    parts = []
    for (c, j, cos, ratio), (size, name) in zip(absorber.absorbed_, zip(themes_absorbed, names)):
        cb = codebook[j]
        parts.append(f"「{name}」({size} 枚)→「{cb.name}」(重心のコサイン {cos:.2f}、"
                     f"付箋の近さはそのテーマ自身の付箋の {ratio:.0%})")
    msg = ""
    if parts:
        msg = ("新しく見つかったまとまりのうち、コードブックのテーマと意味が近いものをそのテーマに合流させました"
               f"(重心のコサインがコードブックのテーマ同士の最大 {absorber.spacing_ or 0:.2f} を超え、"
               f"次に近いテーマより {absorber.margin:.2f} 以上近く、付箋がそのテーマ自身の付箋の "
               f"{absorber.member_ratio:.0%} 以上に近いもの): " + "、".join(parts) + "。")
    if absorber.moved_:
        by: dict[str, int] = {}
        for _, j, *_ in absorber.moved_:
            by[codebook[j].name] = by.get(codebook[j].name, 0) + 1
        msg += (f"ほかに {len(absorber.moved_)} 枚を、コードブックのテーマの典型的な付箋と同じくらい近いため、"
                "そのテーマへ移しました(" + "、".join(f"「{k}」に {v} 枚" for k, v in sorted(by.items())) + ")。")
    return msg


def why_ja(info: dict, guided: bool, n_cb: int, k_reason: str) -> str:
    """Why this many themes, for the facilitator (analysis.json ``why_ja``)."""
    n_t = info["n_themes"]
    if guided:
        cbi = info["codebook"]
        head = (f"テーマは {n_t} 個です。コードブックの {n_cb} テーマに {cbi['notes_matched']} 枚を割り当て"
                f"(シード語ではっきり一致 {cbi['notes_clear']} 枚、複数テーマのシード語を同数含み意味の近さで"
                f"決めた {cbi['notes_tie_resolved']} 枚)、残り {cbi['notes_clustered']} 枚から "
                f"{info['n_discovered']} 個の新しいテーマを見つけました。")
        n_abs = sum(a["size"] for a in cbi.get("absorbed", []))
        if n_abs or cbi.get("notes_moved"):
            head += (f"残りの付箋のうち {n_abs + cbi.get('notes_moved', 0)} 枚は、意味が近いためコードブックの"
                     f"テーマに合流させました({n_abs} 枚はまとまりごと、{cbi.get('notes_moved', 0)} 枚は1枚ずつ)。")
        if cbi.get("plan_ja"):
            head += cbi["plan_ja"]
    else:
        head = f"テーマは {n_t} 個です。"
        fallback = info.get("codebook", {}).get("fallback_ja")
        if fallback:
            head += fallback
    return head + (k_reason or "")
