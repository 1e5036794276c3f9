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


# First characters after which guard_cell may change a value: the guard pattern starts with ' or one of these.
_GUARD_FIRST = frozenset("'=+-@\t\r＝＋－＠")


def _cell(value, na) -> str:
    """One cell as written: missing values (None, ``na`` = pandas.NA, NaN) empty, text guarded,
    anything else as ``str``."""
    if value is None or value is na or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return guard_cell(value)
    return str(value)


def _column_cells(col) -> list[str]:
    """The cells of one column, exactly as a row-by-row ``DataFrame.itertuples`` loop over
    :func:`_cell` gives them. Column by column because at a million rows the per-cell checks were
    most of the time: numbers are converted in bulk, and a plain string needs only its first
    character looked at."""
    import numpy as np
    import pandas as pd

    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":  # never missing; tolist gives Python scalars
        return list(map(str, col.tolist()))
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return ["" if v != v else str(v) for v in col.tolist()]
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        values = col.to_numpy(dtype=object).tolist()  # the stored objects, as iteration gives them
    else:
        values = list(col)
    first, na = _GUARD_FIRST, pd.NA
    return [v if type(v) is str and v[:1] not in first else _cell(v, na) for v in values]


def to_csv_text(df) -> str:
    """The CSV text (without BOM) of ``df``: index left out, missing values empty, text cells guarded."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([guard_cell(str(c)) for c in df.columns])
    # list(column) yields what DataFrame.itertuples yields (Python scalars for numpy dtypes)
    columns = [_column_cells(df.iloc[:, k]) for k in range(df.shape[1])]
    writer.writerows(zip(*columns))
    return buf.getvalue()


def to_csv_bytes(df) -> bytes:
    """UTF-8 with BOM bytes of :func:`to_csv_text` (for downloads from the web app)."""
    return b"\xef\xbb\xbf" + to_csv_text(df).encode("utf-8")


def write_csv(df, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as guarded UTF-8-with-BOM CSV; returns the path."""
    path = Path(path)
    path.write_bytes(to_csv_bytes(df))
    return path
