"""Finding a workshop's files: the notes, the optional questionnaire and the facilitator's edit list.

A workshop is a folder (``workshops/sample/``) or a single notes file. In a folder the notes file is the one
named ``notes`` / ``付箋`` (any supported extension), else the only readable table that is not a
questionnaire. The questionnaire is ``questionnaire*`` / ``アンケート*``: one file (phase column or wide
layout) or two (``…pre…`` / ``…post…``, ``…前…`` / ``…後…``). The edit list is ``<notes stem>.edits.jsonl``.

An optional ``workshop.json`` in the folder gives the names a person knows: ``{"name": workshop name,
"notes_file": the notes file as uploaded, "questionnaire_files": [...]}`` (the web app writes it); the
report then shows these instead of the folder and file names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from issuemine.errors import InputError

NOTE_EXTS = (".csv", ".tsv", ".xlsx", ".txt")
SURVEY_EXTS = (".csv", ".tsv", ".xlsx")
NOTE_STEMS = ("notes", "付箋", "note")
SURVEY_PREFIXES = ("questionnaire", "survey", "アンケート")
WORKSHOP_JSON = "workshop.json"
PRE_MARKS = ("pre", "前")
POST_MARKS = ("post", "後")


@dataclass(frozen=True)
class Workshop:
    """Where one workshop's files are. ``name`` is the folder name (or the notes file's stem)."""

    name: str
    notes: Path
    questionnaires: tuple[Path, ...] = ()
    edits: Path | None = None
    folder: Path | None = None
    extra: dict = field(default_factory=dict, compare=False)


def _is_survey(p: Path) -> bool:
    return p.stem.lower().startswith(SURVEY_PREFIXES)


def _order_pre_post(files: list[Path]) -> tuple[Path, ...]:
    """Two questionnaire files: put the 'pre' one first when the names say which is which."""
    if len(files) != 2:
        return tuple(files)

    def rank(p: Path) -> int:
        s = p.stem.lower()
        if any(m in s for m in POST_MARKS):
            return 1
        if any(m in s for m in PRE_MARKS):
            return 0
        return 2

    return tuple(sorted(files, key=lambda p: (rank(p), p.name)))


def find_workshop(path: str | Path) -> Workshop:
    """Locate the files of the workshop at ``path`` (a folder or a notes file)."""
    path = Path(path)
    if not path.exists():
        raise InputError("ワークショップのフォルダまたはファイルが見つかりません。", file=path,
                         hint="フォルダ(notes.csv を含む)または付箋のファイルを指定してください")
    if path.is_file():
        edits = path.with_name(path.stem + ".edits.jsonl")
        return Workshop(name=path.stem, notes=path, edits=edits if edits.exists() else None, folder=path.parent)

    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    surveys = [p for p in files if p.suffix.lower() in SURVEY_EXTS and _is_survey(p)]
    candidates = [p for p in files if p.suffix.lower() in NOTE_EXTS and not _is_survey(p)
                  and not p.name.endswith(".edits.jsonl") and p.stem.lower() != "readme"]
    named = [p for p in candidates if p.stem.lower() in NOTE_STEMS]
    if named:
        # Prefer the order of NOTE_EXTS when several formats of the same notes exist.
        notes = sorted(named, key=lambda p: NOTE_EXTS.index(p.suffix.lower()))[0]
    elif len(candidates) == 1:
        notes = candidates[0]
    elif not candidates:
        raise InputError("フォルダに付箋のファイル(notes.csv など)がありません。", file=path,
                         hint="付箋のファイル名を notes.csv(.tsv/.xlsx/.txt)にしてください")
    else:
        names = "、".join(p.name for p in candidates)
        raise InputError(f"付箋のファイルがどれか決められません(候補: {names})。", file=path,
                         hint="付箋のファイル名を notes.csv にするか、ファイルを直接指定してください")
    edits = notes.with_name(notes.stem + ".edits.jsonl")
    extra = _workshop_json(path / WORKSHOP_JSON)
    return Workshop(name=str(extra.get("name") or path.resolve().name), notes=notes,
                    questionnaires=_order_pre_post(surveys), edits=edits if edits.exists() else None, folder=path,
                    extra=extra)


def _workshop_json(path: Path) -> dict:
    """The folder's workshop.json as a dict of the known keys with string values (else {})."""
    import json

    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputError("workshop.json を読めません(JSON の形になっていません)。", file=path,
                         hint="消すか、{\"name\": \"ワークショップ名\"} の形にしてください") from exc
    if not isinstance(doc, dict):
        return {}
    out = {k: str(doc[k]) for k in ("name", "notes_file") if isinstance(doc.get(k), str) and doc[k].strip()}
    files = doc.get("questionnaire_files")
    if isinstance(files, list) and all(isinstance(f, str) for f in files):
        out["questionnaire_files"] = list(files)
    return out
