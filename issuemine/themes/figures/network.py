"""Co-occurrence network of terms: Jaccard similarity of the notes two terms appear in.

The most frequent terms become nodes; the ``top_edges`` strongest pairs (appearing together in at least
two notes) become edges; communities come from networkx's Louvain method (seeded) and the layout from
a seeded spring layout, so the same notes always give the same figure. Nodes are the terms (lemmas); their
text is the spelling the notes mostly use (label.written_forms: 兄弟 → きょうだい).
"""

from __future__ import annotations

import html

import numpy as np

from issuemine.themes.label import display_term


def cooccurrence_graph(terms: list[list[str]], top_terms: int = 80, top_edges: int = 60, min_pair: int = 2,
                       seed: int = 0):
    """networkx Graph with node attrs ``df``, ``community`` and edge attrs ``jaccard``, ``count``."""
    import networkx as nx
    from scipy import sparse

    df: dict[str, int] = {}
    for ts in terms:
        for t in set(ts):
            df[t] = df.get(t, 0) + 1
    vocab = sorted((t for t, c in df.items() if c >= 2), key=lambda t: (-df[t], t))[:top_terms]
    pos = {t: i for i, t in enumerate(vocab)}
    rows, cols = [], []
    for i, ts in enumerate(terms):
        for t in set(ts):
            if t in pos:
                rows.append(i)
                cols.append(pos[t])
    G = nx.Graph()
    for t in vocab:
        G.add_node(t, df=df[t])
    if not vocab:
        return G
    M = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(terms), len(vocab)))
    C = (M.T @ M).toarray()
    d = np.diag(C)
    pairs = []
    for a in range(len(vocab)):
        for b in range(a + 1, len(vocab)):
            c = C[a, b]
            if c >= min_pair:
                pairs.append((c / (d[a] + d[b] - c), int(c), vocab[a], vocab[b]))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    for j, c, a, b in pairs[:top_edges]:
        G.add_edge(a, b, jaccard=round(float(j), 4), count=c)
    G.remove_nodes_from([t for t in vocab if G.degree(t) == 0])
    if G.number_of_edges():
        comms = nx.community.louvain_communities(G, weight="jaccard", seed=seed)
        comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
        for k, members in enumerate(comms):
            for t in members:
                G.nodes[t]["community"] = k
    return G


NET_FONT_PX = 12
NET_MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}


def network_layout(G, seed: int = 0):
    """Seeded spring layout, spread wider than networkx's default so labels find room."""
    import networkx as nx

    n = max(G.number_of_nodes(), 1)
    return nx.spring_layout(G, weight="jaccard", seed=seed, k=2.2 / np.sqrt(n), iterations=120)


def _node_radius(dfs: np.ndarray) -> np.ndarray:
    """Marker diameters from the number of notes (area-like scaling); radius is half."""
    return 8 + 22 * np.sqrt(dfs / dfs.max())


def cooccurrence_figure(notes, tokenizer=None, top_edges: int = 60, terms=None, top_terms: int = 70,
                        seed: int = 0, height: int = 640, display_forms=None, width: int = 680,
                        stop_terms=None):
    """plotly Figure of the term network; ``terms`` (per note) skips re-tokenizing.

    ``display_forms`` (term → written form, e.g. ``ThemeResult.display_forms``) sets the node text; without
    it the node text is the term, except when the notes are tokenized here and the forms are counted too.
    ``stop_terms``: terms never drawn (default: ``corpora/label_generic.txt``, the words too general to name
    a theme — ない, 人, 出る …; negated forms such as 知らない stay). Labels are placed beside their nodes
    so that no two overlap (``labels.place_labels``); ``fig.layout.meta["label_boxes"]`` holds their boxes
    in pixels for checks.
    """
    import plotly.graph_objects as go

    from issuemine.themes.figures.labels import PixelFrame, label_box, place_labels

    if terms is None:
        if tokenizer is None:
            from issuemine.text import JapaneseTokenizer

            tokenizer = JapaneseTokenizer()
        texts = list(notes["text"].fillna("").astype(str))
        terms = tokenizer.terms_many(texts)
        if display_forms is None:
            from issuemine.themes.label import written_forms

            # a second pass for the spellings (terms_many stays the source of the nodes, as before);
            # callers with a ThemeResult pass its terms and skip both
            display_forms = written_forms(tokenizer.tokens_many(texts))
    if stop_terms is None:
        from issuemine.themes.label import load_generic_terms

        stop_terms = load_generic_terms()
    stop = frozenset(stop_terms)
    terms = [[t for t in ts if t not in stop] for ts in terms]
    G = cooccurrence_graph(terms, top_terms=top_terms, top_edges=top_edges, seed=seed)
    fig = go.Figure()
    boxes = []
    plot_w = width - NET_MARGIN["l"] - NET_MARGIN["r"]
    plot_h = height - NET_MARGIN["t"] - NET_MARGIN["b"]
    x_range = y_range = (-1.0, 1.0)
    if G.number_of_nodes():
        layout = network_layout(G, seed=seed)
        xy = np.array([layout[t] for t in G.nodes])
        pad = 0.12
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        x_range = (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0]))
        y_range = (float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1]))
        frame = PixelFrame(x_range, y_range, plot_w, plot_h)
        for lo_j, hi_j, lw in ((0.0, 0.15, 0.8), (0.15, 0.3, 1.8), (0.3, 1.01, 3.2)):
            xs, ys = [], []
            for a, b, e in sorted(G.edges(data=True)):
                if lo_j <= e["jaccard"] < hi_j:
                    xs += [round(float(layout[a][0]), 4), round(float(layout[b][0]), 4), None]
                    ys += [round(float(layout[a][1]), 4), round(float(layout[b][1]), 4), None]
            if xs:
                fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": lw, "color": "#b0b0b0"},
                                         hoverinfo="skip", showlegend=False))
        nodes = sorted(G.nodes)
        dfs = np.array([G.nodes[t]["df"] for t in nodes], dtype=float)
        sizes = _node_radius(dfs)
        names = [html.escape(display_term(t, display_forms)) for t in nodes]
        fig.add_trace(go.Scatter(
            x=[round(float(layout[t][0]), 4) for t in nodes], y=[round(float(layout[t][1]), 4) for t in nodes],
            mode="markers", text=names,
            marker={"size": np.round(sizes, 2).tolist(), "color": [G.nodes[t].get("community", 0) for t in nodes],
                    "colorscale": "Turbo", "line": {"width": 0.5, "color": "#333"}, "opacity": 0.85},
            customdata=[[int(G.nodes[t]["df"]), int(G.nodes[t].get("community", 0)) + 1] for t in nodes],
            hovertemplate="%{text}<br>付箋数 %{customdata[0]}<br>グループ %{customdata[1]}<extra></extra>",
            showlegend=False))
        # labels: the most frequent terms first, each beside its node where it overlaps nothing
        order = sorted(range(len(nodes)), key=lambda i: (-dfs[i], nodes[i]))
        px = [frame.to_px(float(layout[nodes[i]][0]), float(layout[nodes[i]][1])) for i in order]
        unescaped = [display_term(nodes[i], display_forms) for i in order]
        spots = place_labels(px, unescaped, NET_FONT_PX, (plot_w, plot_h), radii=[sizes[i] / 2 for i in order])
        lx, ly, lt, lead_x, lead_y = [], [], [], [], []
        for (nx_, ny_), spot, text, i in zip(px, spots, unescaped, order):
            if spot is None:
                continue
            bb = label_box(spot[0], spot[1], text, NET_FONT_PX)
            boxes.append([round(v, 1) for v in (bb.x0, bb.y0, bb.x1, bb.y1)])
            x, y = frame.to_data(*spot)
            lx.append(round(x, 4))
            ly.append(round(y, 4))
            lt.append(names[i])
            if np.hypot(spot[0] - nx_, spot[1] - ny_) > sizes[i] / 2 + 3 * NET_FONT_PX:
                nxd, nyd = layout[nodes[i]]
                lead_x += [round(float(nxd), 4), round(x, 4), None]
                lead_y += [round(float(nyd), 4), round(y, 4), None]
        if lead_x:
            fig.add_trace(go.Scatter(x=lead_x, y=lead_y, mode="lines", line={"width": 0.6, "color": "#666",
                                     "dash": "dot"}, hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="text", text=lt, textposition="middle center",
                                 textfont={"size": NET_FONT_PX, "color": "#1f2933"}, hoverinfo="skip",
                                 showlegend=False))
    fig.update_layout(title=f"語の共起ネットワーク(よく一緒に書かれる語の組、上位 {top_edges} 組)",
                      width=width, height=height, autosize=False, template="plotly_white",
                      xaxis={"visible": False, "range": list(x_range), "fixedrange": True},
                      yaxis={"visible": False, "range": list(y_range), "fixedrange": True},
                      margin=NET_MARGIN, meta={"label_boxes": boxes, "plot_size": [plot_w, plot_h]})
    return fig
