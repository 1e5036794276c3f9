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


def cooccurrence_figure(notes, tokenizer=None, top_edges: int = 60, terms=None, top_terms: int = 80,
                        seed: int = 0, height: int = 640, display_forms=None):
    """plotly Figure of the term network; ``terms`` (per note) skips re-tokenizing.

    ``display_forms`` (term → written form, e.g. ``ThemeResult.display_forms``) sets the node text; without
    it the node text is the term, except when the notes are tokenized here and the forms are counted too.
    """
    import networkx as nx
    import plotly.graph_objects as go

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
    G = cooccurrence_graph(terms, top_terms=top_terms, top_edges=top_edges, seed=seed)
    fig = go.Figure()
    if G.number_of_nodes():
        layout = nx.spring_layout(G, weight="jaccard", seed=seed)
        for lo, hi, width in ((0.0, 0.15, 0.8), (0.15, 0.3, 1.8), (0.3, 1.01, 3.2)):
            xs, ys = [], []
            for a, b, e in sorted(G.edges(data=True)):
                if lo <= e["jaccard"] < hi:
                    xs += [layout[a][0], layout[b][0], None]
                    ys += [layout[a][1], layout[b][1], None]
            if xs:
                fig.add_trace(go.Scatter(x=np.round(xs, 4).tolist() if None not in xs else xs, y=ys, mode="lines",
                                         line={"width": width, "color": "#999"}, hoverinfo="skip",
                                         showlegend=False))
        nodes = sorted(G.nodes)
        dfs = np.array([G.nodes[t]["df"] for t in nodes], dtype=float)
        fig.add_trace(go.Scatter(
            x=[round(float(layout[t][0]), 4) for t in nodes], y=[round(float(layout[t][1]), 4) for t in nodes],
            mode="markers+text", text=[html.escape(display_term(t, display_forms)) for t in nodes], textposition="top center",
            marker={"size": 8 + 22 * np.sqrt(dfs / dfs.max()), "color": [G.nodes[t].get("community", 0) for t in nodes],
                    "colorscale": "Turbo", "line": {"width": 0.5, "color": "#333"}},
            customdata=[[int(G.nodes[t]["df"]), int(G.nodes[t].get("community", 0)) + 1] for t in nodes],
            hovertemplate="%{text}<br>付箋数 %{customdata[0]}<br>グループ %{customdata[1]}<extra></extra>",
            showlegend=False))
    fig.update_layout(title=f"語の共起ネットワーク(Jaccard 係数の強い上位 {top_edges} 組、色はまとまり)",
                      height=height, template="plotly_white", xaxis={"visible": False}, yaxis={"visible": False},
                      margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig
