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


def test_json_ready_is_valid_deterministic_json():
    import json
    import math

    import numpy as np

    from issuemine.jsonready import json_ready

    obj = {1: np.float32(0.5), "a": (np.int64(3), {"z", "b"}), "n": math.nan, "i": np.array([1.0, np.inf]),
           "b": np.bool_(True), "o": object.__name__}
    out = json_ready(obj)
    assert out == {"1": 0.5, "a": [3, ["b", "z"]], "n": None, "i": [1.0, None], "b": True, "o": "object"}
    json.dumps(out, allow_nan=False)  # strictly valid JSON: no NaN or Infinity


def test_survey_items_csv_follows_the_schema():
    """survey_items.csv is written through schema.SURVEY_ITEMS: its columns in the schema's order whatever
    order the comparison produced, values read back with the schema's dtypes; a missing column is refused."""
    import io

    from issuemine.survey import compare_items, read_answers
    from issuemine.survey.output import ITEMS_CSV, build_outputs

    result = compare_items(read_answers(ROOT / "workshops" / "sample" / "questionnaire.csv"))
    straight = build_outputs(result)[ITEMS_CSV]
    result.items = result.items[list(reversed(result.items.columns))]  # the writer puts them back in order
    assert build_outputs(result)[ITEMS_CSV] == straight
    back = pd.read_csv(io.BytesIO(straight), encoding="utf-8-sig",
                       dtype={c.name: c.dtype for c in schema.SURVEY_ITEMS.columns})
    assert list(back.columns) == schema.SURVEY_ITEMS.names and len(back) == 8
    assert back["paired"].all() and back["n_pairs"].tolist() == [12] * 8
    assert (back["p"] == back["wilcoxon_p"]).all() and back["wilcoxon_p_normal"].notna().all()
    result.items = result.items.drop(columns="wilcoxon_p_normal")
    with pytest.raises(KeyError, match="wilcoxon_p_normal"):
        build_outputs(result)
