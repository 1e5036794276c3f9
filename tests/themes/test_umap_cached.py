"""The numba-cached umap import must not change the map: same coordinates as plain umap, byte for byte.

Each side runs in its own process, because the cache patch is process-wide; the risk it guards is numba
loading the parallel twin of a layout function (whose cache key ignores jit options) into a seeded run.
"""

import subprocess
import sys

import numpy as np
import pytest

SCRIPT = """
import sys
import numpy as np
import issuemine.themes.figures.map as m
if sys.argv[1] == "plain":
    import importlib
    m.import_umap = lambda: importlib.import_module("umap")
rng = np.random.default_rng(7)
X = rng.normal(size=(120, 20)).astype(np.float32)
X /= np.linalg.norm(X, axis=1, keepdims=True)
np.save(sys.argv[2], m.map_coordinates(X, seed=3, cache=False))
"""


@pytest.mark.slow
def test_cached_import_gives_the_same_map_as_plain_umap(tmp_path):
    out = {}
    for mode in ("plain", "cached", "cached"):  # the second cached run loads from the disk cache
        path = tmp_path / f"{mode}.npy"
        subprocess.run([sys.executable, "-c", SCRIPT, mode, str(path)], check=True, capture_output=True)
        out.setdefault(mode, []).append(np.load(path))
    assert out["plain"][0].tobytes() == out["cached"][0].tobytes() == out["cached"][1].tobytes()


def test_cached_import_attaches_disk_caches_to_the_layout():
    from numba.core.caching import NullCache

    from issuemine.themes.figures.umap_cached import import_umap

    umap = import_umap()
    from umap import layouts

    # the serial and parallel compiled twins of the layout epoch that a seeded fit runs
    epochs = [v for k, v in vars(layouts).items() if k.startswith("_nb_optimize_layout_euclidean_single_epoch")]
    assert len(epochs) == 2, "umap.layouts changed: revisit umap_cached"
    assert all(not isinstance(d._cache, NullCache) for d in epochs)
    # one cache file each: numba's key alone would let the parallel twin's code load into a seeded run
    assert len({d._cache._cache_file._index_name for d in epochs}) == 2
    assert umap.__name__ == "umap"
