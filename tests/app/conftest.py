"""Shared helpers for the web app tests: a fresh data folder per test, real files, real parsers."""

from __future__ import annotations

import re

import pytest

# Short notes in the voice of the workshop (fictional), several per theme, for small real analyses.
NOTES = [
    ("①短期入所の受け入れ先が足りない", "A", "看護師"),
    ("ショートステイが予約でいっぱい", "A", "相談支援専門員"),
    ("レスパイト入院できる病院が少ない", "B", "医師"),
    ("医療型短期入所が区内にない", "B", "保健師"),
    ("病院と地域の連携ができていない", "C", "MSW"),
    ("退院調整で地域の資源がわからない", "C", "病棟看護師"),
    ("退院前カンファレンスに地域の人が呼ばれない", "D", "訪問看護師"),
    ("病棟看護師が在宅の生活を知らない", "D", "相談支援専門員"),
    ("訪問看護ステーションの24時間対応が難しい", "A", "訪問看護師"),
    ("訪看が夜間に対応できない", "B", "看護師"),
    ("小児を診る訪問看護師が少ない", "C", "訪問看護師"),
    ("在宅医が小児を診てくれない", "D", "医師"),
    ("小児の訪問診療をする医師が足りない", "A", "医師"),
    ("かかりつけ医が見つからない", "B", "保健師"),
    ("相談支援専門員が医療的ケアを知らない", "C", "相談支援専門員"),
    ("サービス等利用計画が作れない", "D", "相談支援専門員"),
    ("キーパーソンがいない", "A", "MSW"),
    ("コーディネーターが不在で誰が調整するのか", "B", "区職員"),
    ("母親の睡眠が取れない", "C", "訪問看護師"),
    ("家族の介護負担が大きい", "D", "保健師"),
    ("きょうだいの世話ができない", "A", "ヘルパー"),
    ("母親が仕事をやめざるをえない", "B", "相談支援専門員"),
    ("特別支援学校に看護師が少ない", "C", "教員"),
    ("保育園で医療的ケア児を受け入れてもらえない", "D", "保育士"),
    ("学校の送迎に親が付き添う", "A", "教員"),
    ("災害時の電源確保が心配", "B", "保健師"),
    ("停電で人工呼吸器が止まる不安", "C", "訪問看護師"),
    ("医療的ケア児の数がわからない", "D", "区職員"),
    ("区によってサービスに差がある", "A", "区職員"),
    ("制度のはざまで使えるサービスがない", "B", "相談支援専門員"),
    ("ヘルパーが吸引できない", "C", "ヘルパー"),
    ("喀痰吸引の研修を受けたヘルパーが少ない", "D", "ヘルパー"),
    ("情報共有の仕組みがない", "A", "MSW"),
    ("顔の見える関係がない", "B", "医師"),
    ("多職種連携の場がない", "C", "保健師"),
    ("お互いの役割を知らない", "D", "理学療法士"),
]

NOTES_HEADER = ("内容", "グループ", "職種")


def pytest_configure(config):
    # Starlette's TestClient announces a future move to httpx2; nothing to act on here.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


def notes_csv(rows=NOTES, encoding: str = "cp932", header=NOTES_HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


SURVEY_ITEMS = ("在宅医療の制度", "相談支援の役割", "医療的ケアの実際")
SCALE = {4: "とてもわかる", 3: "わかる", 2: "わからない", 1: "まったくわからない"}


def survey_csv(n: int = 12) -> bytes:
    """A pre/post questionnaire in long form (phase column), every respondent moving up one step."""
    lines = ["ID,時期," + ",".join(SURVEY_ITEMS)]
    for i in range(1, n + 1):
        pre = [1 + (i + j) % 2 for j in range(len(SURVEY_ITEMS))]
        lines.append(f"R{i:02d},前," + ",".join(SCALE[v] for v in pre))
        lines.append(f"R{i:02d},後," + ",".join(SCALE[v + 1 + (i % 2 == 0 and j == 0)] for j, v in enumerate(pre)))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def make_client(data_dir):
    from fastapi.testclient import TestClient

    from issuemine.app.server import create_app

    def make(**kwargs):
        # TestClient sends "Host: testserver": allowed like a name given with --allowed-host.
        kwargs.setdefault("allowed_hosts", ["testserver"])
        return TestClient(create_app(data_dir, **kwargs), follow_redirects=False)

    return make


@pytest.fixture
def client(make_client):
    return make_client()


def create_workshop(client, name: str = "墨田区 第1回") -> int:
    r = client.post("/workshops", data={"name": name})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[-1])


def upload_notes(client, workshop_id: int, data: bytes, filename: str = "付箋.csv") -> int:
    r = client.post(f"/w/{workshop_id}/notes", files={"file": (filename, data, "text/csv")})
    assert r.status_code == 303, r.text
    m = re.fullmatch(rf"/w/{workshop_id}/uploads/(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))


def confirm(client, workshop_id: int, upload_id: int):
    return client.post(f"/w/{workshop_id}/uploads/{upload_id}/confirm")


def page_text(html: str) -> str:
    """Visible text of a page (tags dropped, entities kept), whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def col(header, name: str) -> int:
    """Index of a column in the report's notes.xlsx, whose headers may be Japanese (report.xlsx.HEADERS_JA)."""
    from issuemine.report.xlsx import HEADERS_JA

    header = list(header)
    return header.index(HEADERS_JA[name]) if HEADERS_JA.get(name) in header else header.index(name)


REPORT_FILES = {
    "index.html": "<!doctype html><title>報告書</title><p>短期入所が足りない</p>\n".encode("utf-8"),
    "notes.xlsx": bytes(range(256)) * 40,  # binary: compression must not alter a byte
    "notes.csv": "\ufeff付箋ID,内容\r\nN001,訪問看護が足りない\r\n".encode("utf-8"),
    "themes.csv": "テーマ,枚数\r\nT01,3\r\n".encode("utf-8"),
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000,
}
EDITS_JSONL = '{"label": "短期入所", "op": "rename", "theme": "T01"}\n'.encode("utf-8")


def fake_report(store, workshop_id: int, files: dict[str, bytes] = REPORT_FILES,
                edits: bytes = EDITS_JSONL) -> int:
    """A finished report job laid out on disk exactly as the worker leaves it (pipeline.run_report), without
    the minute a real report takes: jobs/<id>/report/<files>, jobs/<id>/<workshop>/notes.edits.jsonl."""
    import json

    from issuemine.app import store as st
    from issuemine.app.pipeline import folder_name, workshop_folder

    with store.session() as conn:
        name = st.get_workshop(conn, workshop_id)["name"]
        job_id = st.add_job(conn, workshop_id, "report", {"seed": 0, "n_themes": "auto"})
    folder = workshop_folder(store, job_id)
    (folder / "report").mkdir(parents=True)
    for file, data in files.items():
        (folder / "report" / file).write_bytes(data)
    (folder / folder_name(name)).mkdir()
    (folder / folder_name(name) / "notes.edits.jsonl").write_bytes(edits)
    with store.session() as conn:
        st.finish_job(conn, job_id, {"files": json.dumps(sorted(files)).encode()}, "レポートを作成しました。")
    return job_id


def wait_job(store, job_id: int, timeout: float = 300) -> dict:
    """The job's row once it has finished (done, failed or interrupted)."""
    import time

    from issuemine.app import store as st

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.session() as conn:
            job = st.get_job(conn, job_id)
        if job["status"] not in ("queued", "running"):
            return dict(job)
        time.sleep(0.2)
    raise TimeoutError(job_id)


def latest(store, workshop_id: int, kind: str) -> int:
    from issuemine.app import store as st

    with store.session() as conn:
        return st.latest_job(conn, workshop_id, kind)["id"]


def analysed_workshop(data_dir, rows):
    """A real app (SQLite, worker process) with one workshop of ``rows`` uploaded and analysed:
    ``(client, workshop id, store)``."""
    from fastapi.testclient import TestClient

    from issuemine.app import store as st
    from issuemine.app.server import create_app

    # report.pdf is checked by the browser tests; here reports are built without it, for speed
    client = TestClient(create_app(data_dir, report_pdf=False, allowed_hosts=["testserver"]), follow_redirects=False)
    wid = create_workshop(client)
    assert confirm(client, wid, upload_notes(client, wid, notes_csv(rows))).status_code == 303
    assert client.post(f"/w/{wid}/analyze", data={"seed": "0", "themes": "auto"}).status_code == 303
    store = st.Store(data_dir)
    job = wait_job(store, latest(store, wid, "analysis"))
    assert job["status"] == "done", job["message"]
    return client, wid, store
