"""The work of the background jobs: snapshot a workshop as a folder, analyse it, build its report.

A job first writes the workshop as the folder layout the report command reads (``notes.csv``,
``questionnaire*``, ``notes.edits.jsonl``; see ``issuemine.report.workshop``) and then reads the notes back
with ``issuemine.ingest.read_notes``. The app and ``issuemine report`` thus see the same notes with the
same ids, and the edits made in the app apply unchanged to the downloaded report.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from issuemine.app import store as st

# Headers the reader recognises by itself (see issue 2): the exported file needs no mapping.
EXPORT_HEADERS = {"text": "内容", "group": "グループ", "profession": "職種", "round": "回", "participant": "参加者"}


def workshop_folder(store: st.Store, job_id: int) -> Path:
    return store.data_dir / "jobs" / str(job_id)


def folder_name(name: str) -> str:
    """The workshop's name as a folder name: the report titles the workshop after its folder."""
    return re.sub(r"[\x00-\x1f\\/:*?\"<>|]", "_", name).strip(" .") or "workshop"


def export_workshop(store: st.Store, conn, workshop_id: int, folder: Path) -> Path:
    """Write the workshop's stored notes, questionnaire and live edits as a workshop folder."""
    from issuemine.errors import InputError

    folder.mkdir(parents=True, exist_ok=True)
    notes = st.records(conn, workshop_id, "notes")
    if not notes:
        raise InputError("保存された付箋がありません。先に付箋のファイルをアップロードして保存してください。")
    (folder / "notes.csv").write_bytes(notes_csv_bytes(notes))
    for up in latest_survey_uploads(conn, workshop_id):
        opts = json.loads(up["options"])
        part = {1: "questionnaire_pre", 2: "questionnaire_post"}.get(opts.get("part"), "questionnaire")
        if opts.get("parts", 1) == 1:
            part = "questionnaire"
        (folder / f"{part}.{up['fmt']}").write_bytes(store.read_original(up["sha256"]))
    # The names a person knows: the workshop's own name and the files as they were uploaded (the report
    # shows these instead of notes.csv / questionnaire.csv; see issuemine.report.workshop.WORKSHOP_JSON).
    ws = st.get_workshop(conn, workshop_id)
    meta = {"name": str(ws["name"]) if ws is not None else "",
            "notes_file": "、".join(u["filename"] for u in st.list_uploads(conn, workshop_id, "notes")
                                   if u["status"] == "stored"),
            "questionnaire_files": [u["filename"] for u in latest_survey_uploads(conn, workshop_id)]}
    if ws is not None and ws["held_on"]:
        meta["date"] = ws["held_on"]  # the day it was held (ISO): the report's cover and page headers
    (folder / "workshop.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    from issuemine.edits import validate_edit

    with open(folder / "notes.edits.jsonl", "w", encoding="utf-8") as fh:
        for op in st.live_edits(conn, workshop_id):
            # the same line format as issuemine.edits.append_edit, so `issuemine report` reads it too
            fh.write(json.dumps(validate_edit(op), ensure_ascii=False, sort_keys=True) + "\n")
    return folder


def notes_csv_bytes(notes: list[dict]) -> bytes:
    """The workshop's stored notes as the one notes.csv a job analyses (row i + 2 is ``notes[i]``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    roles = [r for r in EXPORT_HEADERS if r == "text" or any(n.get(r) for n in notes)]
    writer.writerow([EXPORT_HEADERS[r] for r in roles])
    for n in notes:
        writer.writerow(["" if n.get(r) is None else str(n[r]) for r in roles])
    return buf.getvalue().encode("utf-8-sig")


def note_ids_by_upload(conn, workshop_id: int) -> dict[int, list[str]]:
    """upload id → the note ids its notes get when the workshop is analysed (the ids edits record).

    Ids depend on the whole workshop (the occurrence number of a repeated note), so the notes are written
    and read exactly as an analysis job does.
    """
    import tempfile

    from issuemine.ingest import read_notes

    rows = conn.execute("SELECT u.id, r.record FROM notes r JOIN uploads u ON u.id = r.upload_id "
                        "WHERE u.workshop_id = ? AND u.status = 'stored' ORDER BY u.id, r.ord",
                        (workshop_id,)).fetchall()
    if not rows:
        return {}
    owner = [r[0] for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notes.csv"
        path.write_bytes(notes_csv_bytes([json.loads(r[1]) for r in rows]))
        notes = read_notes(path, max_bytes=_own_file_limit(path))
    out: dict[int, list[str]] = {}
    for nid, row in zip(notes["note_id"], notes["source_row"]):
        out.setdefault(owner[int(row) - 2], []).append(str(nid))
    return out


def _own_file_limit(path: Path) -> int:
    """The size limit for a notes file the app wrote itself from stored uploads: each upload was
    checked against the upload limit already, and together they may be larger than one may be."""
    from issuemine.ingest import DEFAULT_MAX_BYTES

    return max(DEFAULT_MAX_BYTES, path.stat().st_size)


def latest_survey_uploads(conn, workshop_id: int) -> list:
    """The stored questionnaire upload(s) of the workshop: one file, or the pre and post pair."""
    return [u for u in st.list_uploads(conn, workshop_id, "survey") if u["status"] == "stored"]


def run_analysis(store: st.Store, conn, job, progress):
    from issuemine.diagram import place_notes
    from issuemine.ingest import read_notes
    from issuemine.themes import ThemeModel

    from issuemine.app import results as stored

    params = json.loads(job["params"])
    ws = st.get_workshop(conn, job["workshop_id"])
    # which uploads this analysis saw: the app says "analyse again" once they change (view.analysis_state)
    inputs = {"uploads": st.stored_upload_ids(conn, ws["id"], "notes")}
    folder = export_workshop(store, conn, ws["id"], workshop_folder(store, job["id"]) / folder_name(ws["name"]))
    progress(0.05, "付箋を読み込んでいます")
    notes = read_notes(folder / "notes.csv", workshop=ws["name"],
                       max_bytes=_own_file_limit(folder / "notes.csv")).reset_index(drop=True)
    progress(0.15, f"{len(notes)} 枚の付箋をテーマに分けています")
    kwargs = {"seed": int(params.get("seed", 0))}
    if params.get("n_themes", "auto") != "auto":
        kwargs["n_themes"] = int(params["n_themes"])
    result = ThemeModel(**kwargs).fit(notes)
    progress(0.75, "概念図に配置しています")
    placements = place_notes(notes, vectors=getattr(result, "note_vectors", None))
    progress(0.95, "結果を保存しています")
    results = {
        "notes": notes.to_json(orient="records", force_ascii=False).encode(),
        **stored.dump(result),  # explicit and versioned (JSON + npz), see app/results.py
        "placements": placements.to_json(orient="records", force_ascii=False).encode(),
        "inputs.json": json.dumps(inputs, sort_keys=True).encode(),
    }
    return results, f"{len(notes)} 枚の付箋を {len(result.themes)} のテーマに分けました。"


def run_report(store: st.Store, conn, job, progress):
    from issuemine.report import make_report
    from issuemine.report.pdf import find_chromium

    params = json.loads(job["params"])
    ws = st.get_workshop(conn, job["workshop_id"])
    folder = export_workshop(store, conn, ws["id"], workshop_folder(store, job["id"]) / folder_name(ws["name"]))
    progress(0.1, "レポートを作成しています(テーマ・概念図・アンケート)")
    out = workshop_folder(store, job["id"]) / "report"
    if out.exists():
        shutil.rmtree(out)
    # PDF only when Chromium is installed; the HTML and xlsx never depend on it.
    n_themes = params.get("n_themes", "auto")
    pdf = bool(params.get("pdf", True)) and find_chromium() is not None
    make_report([folder], out, seed=int(params.get("seed", 0)), pdf=pdf, mask_pii=bool(params.get("mask_pii")),
                n_themes=int(n_themes) if str(n_themes).isdigit() else "auto")
    files = sorted(p.name for p in out.iterdir() if p.is_file())
    return {"files": json.dumps(files).encode()}, "レポートを作成しました。"
