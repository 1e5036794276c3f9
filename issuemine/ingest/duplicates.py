"""Flag exact and near-duplicate notes within each group (flagged, never dropped).

* exact: the same text once surrounding whitespace is stripped;
* near: Jaccard similarity ≥ ``threshold`` (0.8) between the sets of character bigrams of the texts
  after NFKC and case-folding, keeping only letters and digits (whitespace, punctuation and symbols
  go; a text of one character is its own set). 「訪問看護が足りない。」 and 「訪問看護が足りない!!」 are near duplicates.

Each duplicate points at the earliest matching note of its group. The near-duplicate search is an exact
similarity self-join (PPJoin, Xiao et al. 2008) done with numpy arrays rather than note by note: one
group of 100k notes is the common case (a one-column file), and a Python loop over candidates took 20 s.

1. texts are normalised and cut into bigrams as integers; a token is (group, bigram), so notes of
   different groups never share one; tokens are numbered rarest first;
2. notes are ordered by set size. A pair x ≥ y (in that order) can reach the threshold only if x's
   probing prefix (|x| − ⌈t|x|⌉ + 1 tokens) meets y's shorter indexing prefix (|y| − ⌈2t|y|/(1+t)⌉ + 1)
   and t|x| ≤ |y|; the pairs meeting in a prefix token are enumerated in chunks;
3. each is tested against upper bounds on the overlap: positional (the tokens after the first shared
   one) and 128-bit token masks (a bit of x missing from y is a token of x missing from y);
4. the few survivors are verified exactly, each note's candidates earliest first, and each note keeps
   its earliest match in file order.

All bounds are exact, so the flags are those of comparing every pair (tests check this against brute
force). 100k notes in one group: ~0.6 CPU-s at 17 characters a note, ~1.2 s at 34 (was 18 and 105 s).
"""

from __future__ import annotations

import unicodedata

# Joins the NFKC-normalised texts for one casefold and one encode. U+001F is a control character that
# normalisation never produces and that is not alphanumeric, so it never survives inside a note.
_SEP = "\x1f"
_EPS = 1e-9  # the verification tolerance (as before); prefixes and bounds use a looser one to stay exact
_LOOSE = 1e-6
_PAIR_CHUNK = 2_000_000  # candidate entries expanded at once (bounds memory to ~150 MB)
_VERIFY_CHUNK = 100_000  # pairs verified at once (each expands to its notes' tokens)
_DIRECT_CODES = 1 << 23  # bigram codes counted with arrays up to this many (~100 MB; 2,895 characters)
_MAX_TOKENS = 1 << 40  # token numbers beyond this are renumbered densely (int64 keys)
_MASK_WORDS = 2  # 128-bit token masks for the bit filter
# Pairs to test from which the compiled scan (pairs_jit) pays for importing numba (~0.5 s): large files only
JIT_MIN_PAIRS = 20_000_000


def bigram_set(text: str) -> frozenset[str]:
    """The character bigrams of a note, normalised as the module docstring says."""
    return _bigrams(_normalize(text))


def comparable_text(text: str) -> str:
    """A note as the duplicate rules compare it: NFKC, case-folded, letters and digits only."""
    return _normalize(text)


def _normalize(text: str) -> str:
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", text).casefold()))


def _bigrams(norm: str) -> frozenset[str]:
    if len(norm) < 2:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def flag_duplicates(texts: list[str], groups: list[str], ids: list[str],
                    threshold: float = 0.8) -> tuple[list[str], list[str]]:
    """``(duplicate_of, near_duplicate_of)``: for each note the id of its earlier twin, or ``""``."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    dup_of = [""] * len(texts)
    near_of = [""] * len(texts)
    first_seen: dict[tuple[str, str], int] = {}
    originals: list[int] = []
    for i, (g, text) in enumerate(zip(groups, texts)):
        j = first_seen.setdefault((g, text.strip()), i)
        if j != i:
            dup_of[i] = ids[j]
        else:
            originals.append(i)
    group_code: dict[str, int] = {}
    codes = [group_code.setdefault(groups[i], len(group_code)) for i in originals]
    earliest = near_matches([texts[i] for i in originals], codes, threshold)
    for k, j in enumerate(earliest.tolist()):
        if j >= 0:
            near_of[originals[k]] = ids[originals[j]]
    return dup_of, near_of


def near_matches(texts: list[str], groups: list[int], t: float):
    """For each text, the index of the earliest text of the same group with Jaccard ≥ t, else −1."""
    import numpy as np

    n_notes = len(texts)
    earliest = np.full(n_notes, -1, dtype=np.int64)
    if n_notes < 2:
        return earliest
    note, tok = _token_entries(texts, groups)
    if len(note) == 0:
        return earliest
    sizes = np.bincount(note, minlength=n_notes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pos = np.arange(len(note)) - starts[note]  # place of the token in its note, rarest first
    # need[s]: the overlap two sets whose sizes sum to s must have
    need = np.ceil(t / (1 + t) * np.arange(2 * int(sizes.max()) + 1) - _LOOSE).astype(np.int64)
    x, y, runs = _prefix_runs(note, tok, pos, sizes, need, t)
    pairs = _candidates(x, y, runs, need, _masks(note, tok, n_notes))
    if len(pairs) == 0:
        return earliest
    xs, ys = pairs // n_notes, pairs % n_notes
    n_tok = int(tok.max()) + 1
    _earliest_matches(np.minimum(xs, ys), np.maximum(xs, ys), earliest, t, sizes,
                      _Sets(note * n_tok + tok, n_tok, starts, sizes))
    return earliest


def _prefix_runs(note, tok, pos, sizes, need, t):
    """Probe entries x = (note, size, position), index entries y = (note, size, position) sorted by
    (token, size rank), and for each probe entry the run of index entries it pairs with,
    ``(start, length, slack)``. A run holds the notes before x in (size, file index) order with the same
    prefix token, |y| ≥ t|x|, and |y| small enough for the positional bound on x's side,
    |x| − px ≥ need[|x| + |y|] (need grows with |y|).
    """
    import numpy as np

    n_notes = len(sizes)
    by_size = np.lexsort((np.arange(n_notes), sizes))
    size_rank = np.empty(n_notes, dtype=np.int64)
    size_rank[by_size] = np.arange(n_notes)
    sorted_sizes = sizes[by_size]
    n_f = sizes.astype(np.float64)
    min_size = np.ceil(t * n_f - _LOOSE).astype(np.int64)  # |y| ≥ t|x|, also the overlap x needs
    probe = pos < (sizes - min_size + 1)[note]
    indexed = pos < (sizes - np.ceil(2 * t / (1 + t) * n_f - _LOOSE).astype(np.int64) + 1)[note]

    y_note, y_tok, y_pos = note[indexed], tok[indexed], pos[indexed]
    y_key = y_tok * n_notes + size_rank[y_note]
    order = np.argsort(y_key)
    y_key, y_note, y_pos = y_key[order], y_note[order], y_pos[order]
    x_note, x_tok, x_pos = note[probe], tok[probe], pos[probe]
    x_size = sizes[x_note]
    max_y = np.searchsorted(need, x_size - x_pos, side="right") - 1 - x_size
    lo_rank = np.searchsorted(sorted_sizes, min_size[x_note], side="left")
    hi_rank = np.minimum(np.searchsorted(sorted_sizes, max_y, side="right"), size_rank[x_note])
    lo = np.searchsorted(y_key, x_tok * n_notes + lo_rank, side="left")
    length = np.searchsorted(y_key, x_tok * n_notes + hi_rank, side="left") - lo
    keep = length > 0
    x_note, x_size = x_note[keep], x_size[keep]
    # y may lack at most this many of x's tokens (need grows with |y|, which is at least t|x|)
    slack = x_size - need[x_size + min_size[x_note]]
    return (x_note, x_size, x_pos[keep]), (y_note, sizes[y_note], y_pos), (lo[keep], length[keep], slack)


def _candidates(x, y, runs, need, masks):
    """Pairs ``x·N + y`` of the runs that pass the overlap bounds, enumerated chunk by chunk.

    A first, cheap test on one mask word: y may lack at most ``slack`` of x's tokens, so at most that
    many of x's bits may be missing from y's. The values the tests read are laid out in
    entry order, so that enumerated pairs read memory in sequence.
    """
    import numpy as np

    lo, counts, slack = runs
    if int(counts.sum()) >= JIT_MIN_PAIRS:
        from issuemine.ingest import pairs_jit

        if pairs_jit.available():
            return _distinct(pairs_jit.candidates(x, y, runs, need, masks))
    n_notes = len(masks[0])
    x = (*x, *(m[x[0]] for m in masks))
    y = (*y, *(m[y[0]] for m in masks))
    found = [np.zeros(0, dtype=np.int64)]
    bounds = np.concatenate(([0], np.cumsum(counts)))
    start = 0
    while start < len(counts):
        stop = max(int(np.searchsorted(bounds, bounds[start] + _PAIR_CHUNK, side="right")) - 1, start + 1)
        c = counts[start:stop]
        yi = np.repeat(lo[start:stop] - (bounds[start:stop] - bounds[start]), c)
        yi += np.arange(len(yi))
        missing = np.bitwise_count(np.repeat(x[3][start:stop], c) & ~y[3][yi])
        near = np.flatnonzero(missing <= np.repeat(slack[start:stop], c))
        rep = np.repeat(np.arange(start, stop), c)[near]
        yi = yi[near]
        found.append(_filter(need, n_notes, [v[rep] for v in x], [v[yi] for v in y]))
        start = stop
    # np.unique on integers hashes in numpy 2.x, several times slower here than sorting
    return _distinct(np.concatenate(found))


def _earliest_matches(a, b, earliest, t, sizes, sets) -> None:
    """Set ``earliest[b]`` to the smallest ``a`` of a verified pair (a < b in file order).

    Each later note's candidates are verified earliest first, in rounds (its 1st candidate, its 2nd,
    its 3rd–4th, 5th–8th, …), and a note leaves once matched: in a cluster of near-identical notes
    every pair is a candidate, but only about one per note is verified.
    """
    import numpy as np

    order = np.lexsort((a, b))
    a, b = a[order], b[order]
    run = np.flatnonzero(np.concatenate(([True], b[1:] != b[:-1])))
    k = np.arange(len(b)) - np.repeat(run, np.diff(np.append(run, len(b))))  # place in b's list
    by_k = np.argsort(k, kind="stable")
    a, b, k = a[by_k], b[by_k], k[by_k]
    resolved = np.zeros(len(sizes), dtype=bool)
    lo, width = 0, 1
    while lo < len(k):
        hi = int(np.searchsorted(k, width, side="left"))
        sa, sb = a[lo:hi], b[lo:hi]
        active = ~resolved[sb]
        sa, sb = sa[active], sb[active]
        ok = np.concatenate([sets.similar(sa[s:s + _VERIFY_CHUNK], sb[s:s + _VERIFY_CHUNK], t)
                             for s in range(0, len(sa), _VERIFY_CHUNK)] or [np.zeros(0, dtype=bool)])
        ma, mb = sa[ok], sb[ok]
        order = np.lexsort((ma, mb))  # the first of each later note's run is its earliest match
        ma, mb = ma[order], mb[order]
        first = np.concatenate(([True], mb[1:] != mb[:-1])) if len(mb) else np.zeros(0, dtype=bool)
        earliest[mb[first]] = ma[first]
        resolved[mb] = True
        lo, width = hi, width * 2


def _filter(need, n_notes, x, y):
    """Candidate pairs ``x·N + y`` (one per shared prefix token) that may still reach the threshold.

    ``x`` and ``y`` are (note, size, position of the shared token, mask words…) per entry; ``need[s]``
    is the overlap two sets of sizes summing to s must have. Two upper bounds on the overlap, both exact:
    * bit masks: a bit set in x's mask but not in y's comes from a token of x that y lacks;
    * positional: at the first shared token (positions px, py) the overlap is at most
      min(|x| − px, |y| − py); later shared tokens give smaller values, so a pair passes when any of
      its entries does.
    """
    import numpy as np

    xs, nx, px, *mx = x
    ys, ny, py, *my = y
    only_x = np.bitwise_count(mx[0] & ~my[0]).astype(np.int64)
    only_y = np.bitwise_count(my[0] & ~mx[0]).astype(np.int64)
    for a, b in zip(mx[1:], my[1:]):
        only_x += np.bitwise_count(a & ~b)
        only_y += np.bitwise_count(b & ~a)
    required = need[nx + ny]
    ok = (np.minimum(nx - only_x, ny - only_y) >= required) & (np.minimum(nx - px, ny - py) >= required)
    return xs[ok] * n_notes + ys[ok]


def _masks(note, tok, n_notes):
    """Per note, _MASK_WORDS 64-bit words with one bit set per token (hashed)."""
    import numpy as np

    bit = tok % (64 * _MASK_WORDS)  # token ids are ranks: a note's tokens spread over the bits
    masks = []
    for w in range(_MASK_WORDS):
        m = np.zeros(n_notes, dtype=np.uint64)
        sel = (bit >> 6) == w
        np.bitwise_or.at(m, note[sel], np.left_shift(np.uint64(1), (bit[sel] & 63).astype(np.uint64)))
        masks.append(m)
    return masks


class _Sets:
    """The notes' token sets as one sorted array of ``note·T + token``, for exact overlap counts."""

    def __init__(self, keys, n_tok, starts, sizes):
        self.keys, self.n_tok, self.starts, self.sizes = keys, n_tok, starts, sizes

    def similar(self, xs, ys, t):
        """Jaccard(x, y) ≥ t for each pair: x's tokens are looked up among y's by binary search."""
        import numpy as np

        keys, sizes = self.keys, self.sizes
        nx, ny = sizes[xs], sizes[ys]
        rep = np.repeat(np.arange(len(xs)), nx)
        entry = np.repeat(self.starts[xs] - np.concatenate(([0], np.cumsum(nx)[:-1])), nx) + np.arange(len(rep))
        probe = ys[rep] * self.n_tok + keys[entry] % self.n_tok
        at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
        inter = np.bincount(rep, weights=keys[at] == probe, minlength=len(xs))
        return inter >= t * (nx + ny - inter) - _EPS


def _distinct(values):
    """Sorted distinct values."""
    import numpy as np

    s = np.sort(values)
    if len(s) < 2:
        return s
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def _dense_ids(values):
    """0, 1, 2, … numbering of the distinct values in sorted order (sort + binary search: cheaper than
    an argsort of all values, with few distinct ones)."""
    import numpy as np

    return np.searchsorted(_distinct(values), values)


def _token_entries(texts: list[str], groups: list[int]):
    """``(note, token)`` arrays sorted by note then token, one entry per distinct token of a note.

    A token is a (group, bigram) pair, numbered by group and then rarest bigram first, so that a note's
    first tokens are its prefix for the filters.
    """
    import numpy as np

    # One note at a time for NFKC: most notes pass its quick check, a long joined text seldom does.
    norm = _SEP.join([unicodedata.normalize("NFKC", t) for t in texts]).casefold()
    if norm.count(_SEP) != len(texts) - 1:  # a text holds the separator itself: filter one by one
        norm = _SEP.join(map(_normalize, texts))
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
    # characters → small ids (letters and digits 0…C−1, the separator C, the rest dropped), so that a
    # bigram is a small integer
    alnum = sorted(c for c in set(norm) if c.isalnum())
    n_chars = len(alnum) + 1
    lut = np.full(int(cp.max()) + 1, -1, dtype=np.int64)
    lut[[ord(c) for c in alnum]] = np.arange(len(alnum))
    lut[ord(_SEP)] = len(alnum)
    ids = lut[cp]
    ids = ids[ids >= 0]
    is_sep = ids == len(alnum)
    owner = np.cumsum(is_sep)  # note of each character
    chars = ~is_sep
    lengths = np.bincount(owner[chars], minlength=len(texts))
    both = chars[:-1] & chars[1:]  # two neighbouring characters of one note
    single = chars & (lengths[owner] == 1)  # a one-character note: (character, separator)
    note = np.concatenate((owner[:-1][both], owner[single]))
    if len(note) == 0:
        return note, note
    code = np.concatenate((ids[:-1][both] * n_chars + ids[1:][both], ids[single] * n_chars + len(alnum)))
    if n_chars ** 2 <= _DIRECT_CODES:  # count by direct indexing rather than by sorting
        counts = np.bincount(code, minlength=n_chars ** 2)
        present = np.flatnonzero(counts)
        index = np.zeros(n_chars ** 2, dtype=np.int32)
        index[present] = np.arange(len(present))
        which, freq = index[code], counts[present]
    else:
        present = _distinct(code)
        which = np.searchsorted(present, code)
        freq = np.bincount(which, minlength=len(present))
    rank = np.empty(len(present), dtype=np.int64)
    rank[np.lexsort((np.arange(len(present)), freq))] = np.arange(len(present))
    tok = rank[which]
    group = np.asarray(groups, dtype=np.int64)
    if group.max() > 0:  # ordered by (group, rarity): within a note, still rarest first
        tok = group[note] * len(present) + tok
        if (int(group.max()) + 1) * len(present) > _MAX_TOKENS:
            tok = _dense_ids(tok)  # renumbered so that note·tokens keys stay within int64
    n_tok = int(tok.max()) + 1
    key = _distinct(note * n_tok + tok)
    return key // n_tok, key % n_tok
