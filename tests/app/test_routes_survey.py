"""Questionnaire upload and comparison page, with its error paths."""

from __future__ import annotations

from .conftest import SURVEY_ITEMS, create_workshop, page_text, survey_csv

from issuemine.app import store as st


def test_one_file_with_phase_column(client, data_dir):
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/survey", files={"file": ("アンケート.csv", survey_csv(), "text/csv")})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{wid}/survey"
    text = page_text(client.get(f"/w/{wid}/survey").text)
    for item in SURVEY_ITEMS:
        assert item in text
    # every respondent moved up: paired, 12 pairs, positive share 0 % → at least 50 %, direction 上昇
    assert text.count("対応あり(Wilcoxon) 12/12/12") == len(SURVEY_ITEMS) and text.count("上昇") >= len(SURVEY_ITEMS)
    # medians with their scale words, shares as whole percentages, p exact with the method named
    assert ("在宅医療の制度 対応あり(Wilcoxon) 12/12/12 1.5 → 3(まったくわからない〜わからない → わかる) 0% → 100% 上昇"
            in text)
    assert "正確検定(同順位を含む並べ替え)" in text and "&lt; 0.001" in text  # entities kept by page_text
    with st.Store(data_dir).session() as conn:
        answers = st.records(conn, wid, "answers")
    assert len(answers) == 12 * 2 * len(SURVEY_ITEMS)
    assert {a["phase"] for a in answers} == {"pre", "post"} and {a["source_file"] for a in answers} == {"アンケート.csv"}


def _split(data: bytes) -> tuple[bytes, bytes]:
    lines = data.decode("utf-8-sig").splitlines()
    head = lines[0].replace("時期,", "")
    pre = [head] + [ln.replace(",前,", ",") for ln in lines[1:] if ",前," in ln]
    post = [head] + [ln.replace(",後,", ",") for ln in lines[1:] if ",後," in ln]
    return ("\n".join(pre) + "\n").encode("cp932"), ("\n".join(post) + "\n").encode("cp932")


def test_two_files_pre_and_post_give_the_same_result(client):
    wid = create_workshop(client)
    client.post(f"/w/{wid}/survey", files={"file": ("q.csv", survey_csv(), "text/csv")})
    one = page_text(client.get(f"/w/{wid}/survey").text)
    pre, post = _split(survey_csv())
    r = client.post(f"/w/{wid}/survey", files={"file": ("研修前.csv", pre, "text/csv"),
                                               "file2": ("研修後.csv", post, "text/csv")})
    assert r.status_code == 303
    two = page_text(client.get(f"/w/{wid}/survey").text)
    assert "「研修前.csv」「研修後.csv」" in two and "「q.csv」" not in two
    for item in SURVEY_ITEMS:
        assert two.split(item)[1][:60] == one.split(item)[1][:60]


def test_unknown_label_names_row_and_column_and_stores_nothing(client, data_dir):
    wid = create_workshop(client)
    bad = survey_csv().decode("utf-8-sig").replace("わかる", "たぶんわかる", 1).encode("utf-8")
    r = client.post(f"/w/{wid}/survey", files={"file": ("q.csv", bad, "text/csv")})
    assert r.status_code == 400
    text = page_text(r.text)
    assert "q.csv" in text and "行目" in text and "列" in text
    with st.Store(data_dir).session() as conn:
        assert st.records(conn, wid, "answers") == []
        assert {u["status"] for u in st.list_uploads(conn, wid, "survey")} == {"discarded"}
    assert "まだアンケートはありません" in client.get(f"/w/{wid}/survey").text


def test_new_questionnaire_replaces_the_old(client, data_dir):
    wid = create_workshop(client)
    client.post(f"/w/{wid}/survey", files={"file": ("a.csv", survey_csv(12), "text/csv")})
    client.post(f"/w/{wid}/survey", files={"file": ("b.csv", survey_csv(8), "text/csv")})
    with st.Store(data_dir).session() as conn:
        assert len(st.records(conn, wid, "answers")) == 8 * 2 * len(SURVEY_ITEMS)
        assert [u["status"] for u in st.list_uploads(conn, wid, "survey")] == ["discarded", "stored"]


def test_survey_error_paths(make_client):
    client = make_client(max_upload_bytes=2048)
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/survey", files={"file": ("q.txt", "わかる\n".encode(), "text/plain")})
    assert r.status_code == 415 and "CSV" in r.text
    r = client.post(f"/w/{wid}/survey", data={"a": "b"})
    assert r.status_code == 400
    r = client.post(f"/w/{wid}/survey", files={"file": ("q.csv", survey_csv(40), "text/csv")})
    assert r.status_code == 413 and "大きすぎます" in r.text
    assert client.post("/w/77/survey", files={"file": ("q.csv", b"a", "text/csv")}).status_code == 404
    assert client.get("/w/77/survey").status_code == 404


def test_report_shows_the_same_p_values_as_the_survey_page(client, tmp_path):
    """The committee report's survey table and the app's survey page agree item by item: the exact p and
    the normal approximation beside it (both written by issuemine.present)."""
    import re
    from pathlib import Path

    from issuemine.report.html import survey_table
    from issuemine.survey import compare_items, read_answers

    sample = Path(__file__).resolve().parents[2] / "workshops" / "sample" / "questionnaire.csv"
    wid = create_workshop(client)
    r = client.post(f"/w/{wid}/survey", files={"file": ("questionnaire.csv", sample.read_bytes(), "text/csv")})
    assert r.status_code == 303
    page = client.get(f"/w/{wid}/survey").text
    body = page.split('<table id="survey-items">', 1)[1].split("</table>", 1)[0]
    app_rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", body, flags=re.S):
        cells = [page_text(c) for c in re.split(r"</td>\s*<td>", row)]
        exact = re.match(r"&lt; 0\.001|\d\.\d{3}|—", cells[6]).group(0)  # the method's name may follow
        app_rows[cells[0]] = (exact, cells[7])
    result = compare_items(read_answers(sample))
    table = survey_table(result.items, result.info.get("scales"))
    cols = table["columns"]
    assert "p 値(正規近似・参考)" in cols
    report_rows = {row[0]: (row[cols.index("p 値")].replace("<", "&lt;"), row[cols.index("p 値(正規近似・参考)")]
                            .replace("<", "&lt;")) for row in table["rows"]}
    assert len(report_rows) == 8 and report_rows == app_rows
    # the two columns really differ somewhere (exact vs normal approximation), so the check has teeth
    assert any(exact != normal for exact, normal in report_rows.values())
