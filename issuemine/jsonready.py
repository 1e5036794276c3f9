"""One rule for turning analysis results into JSON: numpy values to Python, keys to strings, NaN and
infinities to null (``json.dumps`` would otherwise write NaN, which is not JSON), sets in a stable order,
anything else by its text. Used by ``analyze``'s analysis.json, the app's stored results and upload reports."""

from __future__ import annotations

import math


def json_ready(obj):
    """A copy of ``obj`` that ``json.dumps`` writes as valid, deterministic JSON."""
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return [json_ready(v) for v in sorted(obj, key=str)]
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return json_ready(obj.tolist())
    if hasattr(obj, "item"):
        return json_ready(obj.item())
    return str(obj)
