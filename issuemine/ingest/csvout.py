"""Write tables as CSV that Excel opens correctly and cannot turn into formulas.

UTF-8 with a BOM (without it Japanese Excel assumes CP932 and shows mojibake), CRLF line ends, and
the OWASP guard against CSV injection: a text cell starting with ``= + - @`` (or full-width ``＝ ＋ － ＠``),
a tab or a carriage return gets a leading ``'`` so a spreadsheet shows it as text instead of running it
(the rule is ``cellsafe.formula_like``, shared with the xlsx writer). read_table takes
the guard off again (:func:`unguard_cell`), so write_csv → read_notes is an exact round trip.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from issuemine.ingest.cellsafe import GUARDED as _GUARDED
from issuemine.ingest.cellsafe import UNGUARD as _UNGUARD


def guard_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if _GUARDED.match(value) else value


def unguard_cell(value: str) -> str:
    """Undo :func:`guard_cell`: a ``'`` followed by a formula character is the guard, not the note.

    Excel never stores its own text prefix ``'`` in a cell's value, so in a CSV file ``'=`` comes
    from a guard like ours; read_table removes it so write_csv → read_notes gives back the same notes.
    """
    return value[1:] if _UNGUARD.match(value) else value


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
