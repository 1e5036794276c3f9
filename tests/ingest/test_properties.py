"""Reading arbitrary bytes never crashes: the tool's own error with a message, or a valid notes table."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuemine.errors import IssuemineError
from issuemine.ingest import read_notes, read_table
from issuemine.schema import NOTES

EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".xls", "", ".dat"]

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
_encoded = st.builds(
    lambda t, enc: t.encode(enc, errors="ignore"), _text,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp", "latin-1"]))
_csvish = st.builds(
    lambda header, body: (header + "\n" + body).encode("utf-8"),
    st.sampled_from(["内容", "text", "班,内容", "a,b", "", "内容\t班"]),
    st.text(alphabet='連携,"\n\r\t あ=', max_size=80))
def _xlsx_bytes() -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["班", "内容"])
    wb.active.append(["1班", "連携不足"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_XLSX = _xlsx_bytes()


def _mutate(flips: list[tuple[int, int]], cut: int) -> bytes:
    data = bytearray(_XLSX[: max(cut, 4)])
    for pos, value in flips:
        data[pos % len(data)] = value
    return bytes(data)


_broken_xlsx = st.builds(_mutate, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
                         st.integers(len(_XLSX) // 2, len(_XLSX)))
_payloads = st.one_of(
    _broken_xlsx,
    st.binary(max_size=400),
    _encoded,
    _csvish,
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200)),
    st.builds(lambda b: codecs.BOM_UTF16_LE + b, st.binary(max_size=200)),
    st.builds(lambda b: codecs.BOM_UTF8 + b, st.binary(max_size=200)),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_payloads, st.sampled_from(EXTENSIONS), st.booleans())
def test_arbitrary_bytes(data, ext, header):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}"
        path.write_bytes(data)
        try:
            df = read_notes(path, header=header)
        except IssuemineError as exc:
            assert exc.message.strip() and str(exc).strip()
            assert exc.file is not None
        else:
            assert list(df.columns) == NOTES.names
            assert df.dtypes.astype(str).tolist() == [c.dtype for c in NOTES.columns]
            assert len(df) >= 1 and df["note_id"].is_unique
            assert df["text"].str.strip().str.len().gt(0).all()
            assert df["source_row"].ge(1).all()
            assert df.attrs["report"].n_notes == len(df)
        try:
            table, info = read_table(path, header=header)
        except IssuemineError as exc:
            assert exc.message.strip()
        else:
            assert len(info.source_rows) == len(table)
            assert all(isinstance(v, str) for v in table.values.ravel())
