from pathlib import Path

import pandas as pd
import pytest

from issuemine import schema
from issuemine.errors import IssuemineError

ROOT = Path(__file__).resolve().parents[1]


def test_docs_schemas_are_generated_from_code():
    doc = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    assert doc.strip() == schema.to_markdown().strip(), "regenerate: python -m issuemine.schema > docs/schemas.md"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_empty_table_round_trips_through_conform(table):
    df = table.empty()
    assert list(df.columns) == table.names
    out = table.conform(df.assign(extra=pd.Series(dtype="string")))
    assert list(out.columns) == table.names + ["extra"]


def test_conform_names_missing_columns():
    with pytest.raises(KeyError, match="note_id"):
        schema.NOTES.conform(pd.DataFrame({"text": ["a"]}))


def test_error_message_names_file_row_and_column():
    err = IssuemineError("本文の列が見つかりません", file="/x/ws.csv", row=3, column="内容")
    assert str(err) == "ファイル「ws.csv」 3行目 列「内容」: 本文の列が見つかりません"
