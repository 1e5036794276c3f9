"""Stage 2 — one dense, L2-normalised matrix from the feature blocks.

Sparse blocks are reduced by TruncatedSVD (LSA); every block is L2-normalised on its own so no block
dominates by scale, weighted, concatenated and normalised again. Cosine similarity between notes is
then a plain dot product, which KMeans, the labeller and the diagram's label spreading all use.
"""

from __future__ import annotations

import numpy as np


def l2_normalize(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


class BlockReducer:
    """SVD each sparse block to ``n_components``, normalise each block, concatenate with weights."""

    def __init__(self, n_components: int = 100, weights: dict | None = None, seed: int = 0):
        self.n_components = n_components
        self.weights = weights
        self.seed = seed

    def _reduce(self, block, name: str = "") -> np.ndarray:
        import scipy.sparse as sp

        self.svds_[name] = None   # None: the block is used as it is (dense, or tiny sparse)
        if not sp.issparse(block):
            return np.asarray(block, dtype=np.float32)
        n, m = block.shape
        k = min(self.n_components, m - 1, n - 1)
        if k < 2:  # tiny input: the raw TF-IDF rows are already small
            return block.toarray().astype(np.float32)
        from sklearn.decomposition import TruncatedSVD
        from threadpoolctl import threadpool_limits

        # fewer power iterations at scale: the leading components converge fast on 20k+ rows
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=5 if n < 20000 else 3,
                           random_state=self.seed)
        # small matrices: one BLAS thread (spinning workers cost seconds on a busy 2-core machine)
        with threadpool_limits(1 if n < 20000 else None):
            out = svd.fit_transform(block).astype(np.float32)
        self.svds_[name] = svd
        return out

    def fit_transform(self, blocks: dict) -> np.ndarray:
        parts = []
        self.dims_ = {}
        self.svds_ = {}   # fitted SVD per block, kept for transform
        for name in sorted(blocks):  # sorted: the column order must not depend on dict history
            x = l2_normalize(self._reduce(blocks[name], name))
            w = (self.weights or {}).get(name, 1.0)
            parts.append(x * np.float32(np.sqrt(w)))
            self.dims_[name] = int(x.shape[1])
        return l2_normalize(np.hstack(parts))

    def transform(self, blocks: dict) -> np.ndarray:
        """New rows in the fitted space: the same SVDs, block weights and normalisation (nothing refitted)."""
        import scipy.sparse as sp

        parts = []
        for name in sorted(self.svds_):
            block, svd = blocks[name], self.svds_[name]
            if svd is not None:
                x = svd.transform(block)
            else:
                x = block.toarray() if sp.issparse(block) else np.asarray(block)
            w = (self.weights or {}).get(name, 1.0)
            parts.append(l2_normalize(np.asarray(x, dtype=np.float32)) * np.float32(np.sqrt(w)))
        return l2_normalize(np.hstack(parts))
