"""Write tables as CSV that Excel opens correctly and cannot turn into formulas.

UTF-8 with a BOM (without it Japanese Excel assumes CP932 and shows mojibake), CRLF line ends, and
the OWASP guard against CSV injection: a text cell starting with ``= + - @``, a tab or a carriage
return gets a leading ``'`` so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(_DANGEROUS_START) else value


def to_csv_text(df) -> str:
    """The CSV text (without BOM) of ``df``: index left out, missing values empty, text cells guarded."""
    import pandas as pd

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([guard_cell(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        out = []
        for v in row:
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                out.append("")
            elif isinstance(v, str):
                out.append(guard_cell(v))
            else:
                out.append(str(v))
        writer.writerow(out)
    return buf.getvalue()


def to_csv_bytes(df) -> bytes:
    """UTF-8 with BOM bytes of :func:`to_csv_text` (for downloads from the web app)."""
    return b"\xef\xbb\xbf" + to_csv_text(df).encode("utf-8")


def write_csv(df, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as guarded UTF-8-with-BOM CSV; returns the path."""
    path = Path(path)
    path.write_bytes(to_csv_bytes(df))
    return path
