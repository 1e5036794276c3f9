"""Import umap-learn with numba's disk cache on for its jitted functions.

umap and pynndescent declare some functions without ``cache=True`` (the layout epochs, ``tau_rand``), so
every new process compiled them again: ~3 s of a ~6 s cold report. Here ``numba.njit`` is wrapped while
umap imports (decorator-time functions get ``cache=True``), then the modules are swept for dispatchers
built without a cache and given one. Output is byte-identical to plain umap (checked by SHA-256 on the
seeded paths we use). Relies on numba internals (checked on numba 0.68, umap 0.5.12, pynndescent 0.7):
when they change, it warns and umap simply runs uncached.
The cache lives in ``$NUMBA_CACHE_DIR`` if set, else beside the packages (or ~/.cache/numba).
"""

from __future__ import annotations

import sys
import types
import warnings

# A signature that holds a jitted function's address never matches in a later process: caching such
# overloads would only add a file per run, so they stay uncached (pynndescent avoids them on purpose).
_ADDRESS = " at 0x"


def _attach_caches() -> None:
    from numba.core.caching import FunctionCache, NullCache
    from numba.core.dispatcher import Dispatcher

    class StableCache(FunctionCache):
        def load_overload(self, sig, target_context):
            return None if _ADDRESS in str(sig) else super().load_overload(sig, target_context)

        def save_overload(self, sig, data):
            if _ADDRESS not in str(sig):
                super().save_overload(sig, data)

    by_function: dict = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in ("umap", "pynndescent"):
            continue
        for value in list(vars(module).values()):
            for d in value.values() if isinstance(value, dict) else (value,):
                if isinstance(d, Dispatcher) and isinstance(d._cache, NullCache):
                    by_function.setdefault(d.py_func, {})[id(d)] = d
    for func, dispatchers in by_function.items():
        for d in dispatchers.values():
            f = func
            if len(dispatchers) > 1:
                # numba's cache key ignores jit options: the serial and parallel twins of one function
                # (umap's layout epochs) need their own names, or a seeded run loads the parallel code.
                f = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__,
                                       func.__closure__)
                options = "_".join(f"{k}{v}" for k, v in sorted(d.targetoptions.items())
                                   if isinstance(v, (bool, int, str)))
                f.__qualname__ = f"{func.__qualname__}__{options}"
            d._cache = StableCache(f)


def import_umap():
    """The ``umap`` module, with its compiled functions cached on disk across processes."""
    if "umap" not in sys.modules:
        import numba

        plain = numba.njit

        def njit_cached(*args, **kwargs):
            if not args or isinstance(args[0], (str, list, tuple)):  # decorator or signature form
                kwargs.setdefault("cache", True)
            return plain(*args, **kwargs)

        numba.njit = njit_cached
        try:
            import umap  # noqa: F401
        finally:
            numba.njit = plain
    umap = sys.modules["umap"]
    # Imported elsewhere first (then only the import-time compiles were missed): the sweep still applies.
    if not getattr(umap, "_issuemine_disk_cache", False):
        try:
            _attach_caches()
        except Exception as exc:  # numba internals moved: still correct, only slower to start
            warnings.warn(f"umap の numba キャッシュを有効にできませんでした: {exc!r}", stacklevel=2)
        umap._issuemine_disk_cache = True
    return umap
