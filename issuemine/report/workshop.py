"""Finding a workshop's files: the notes, the optional questionnaire and the facilitator's edit list.

A workshop is a folder (``workshops/sample/``) or a single notes file. In a folder the notes file is the one
named ``notes`` / ``付箋`` (any supported extension), else the only readable table that is not a
questionnaire. The edit list is ``<notes stem>.edits.jsonl``.

The questionnaire files are ``questionnaire*`` / ``survey*`` / ``アンケート*``, chosen by one rule
(:func:`choose_questionnaires`) that says in ``Workshop.messages`` what it did with the files it left out:
the same name in several formats → the first of .csv, .tsv, .xlsx; a pre file and a post file
(``…pre…``/``…post…``, ``…前…``/``…後…``) → that pair; otherwise one file without a phase in its name →
that file; otherwise two files without a phase → by name, the first as 研修前; anything else is an error
that lists the files.

An optional ``workshop.json`` in the folder gives the names a person knows: ``{"name": workshop name,
"notes_file": the notes file as uploaded, "questionnaire_files": [...], "date": "2026-12-06"}`` (the web
app writes it; ``issuemine report --name --date`` overrides it); the report then shows these instead of the
folder and file names, and the date (the day the workshop was held; ISO, or as a person types it — see
``issuemine.present.dates.parse_date``) on its cover and page headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from issuemine.errors import InputError

NOTE_EXTS = (".csv", ".tsv", ".xlsx", ".txt")
SURVEY_EXTS = (".csv", ".tsv", ".xlsx")
NOTE_STEMS = ("notes", "付箋", "note")
SURVEY_PREFIXES = ("questionnaire", "survey", "アンケート")
WORKSHOP_JSON = "workshop.json"
MAX_NAME = 100  # characters of a workshop name (the app's limit too)
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
    messages: tuple[str, ...] = field(default=(), compare=False)  # files left out and why (Japanese)


def _is_survey(p: Path) -> bool:
    return p.stem.lower().startswith(SURVEY_PREFIXES)


def _phase(p: Path) -> str | None:
    """"pre" or "post" when the file name says which (and not both, as 「前後」 does), else None."""
    s = p.stem.lower()
    pre, post = any(m in s for m in PRE_MARKS), any(m in s for m in POST_MARKS)
    return "pre" if pre and not post else "post" if post and not pre else None


def _names(files) -> str:
    return "、".join(f"「{p.name}」" for p in files)


def choose_questionnaires(files: list[Path], folder: Path | None = None) -> tuple[tuple[Path, ...], list[str]]:
    """``(questionnaire files in reading order (pre first), messages about the files left out)``."""
    messages: list[str] = []
    by_stem: dict[str, list[Path]] = {}
    for p in sorted(files, key=lambda p: (p.stem, SURVEY_EXTS.index(p.suffix.lower()))):
        by_stem.setdefault(p.stem, []).append(p)
    unique = []
    for same in by_stem.values():
        unique.append(same[0])
        if len(same) > 1:
            messages.append(f"アンケートの {_names(same[1:])} は同じ名前の「{same[0].name}」があるため使いませんでした。")
    unique.sort(key=lambda p: p.name)
    pre = [p for p in unique if _phase(p) == "pre"]
    post = [p for p in unique if _phase(p) == "post"]
    plain = [p for p in unique if _phase(p) is None]
    if len(unique) <= 1:
        return tuple(unique), messages
    if len(pre) == 1 and len(post) == 1:
        if plain:
            messages.append(f"アンケートは研修前「{pre[0].name}」と研修後「{post[0].name}」の2ファイルを使い、"
                            f"{_names(plain)} は使いませんでした。")
        return (pre[0], post[0]), messages
    if len(plain) == 1:
        messages.append(f"アンケートは「{plain[0].name}」を使い、{_names(pre + post)} は使いませんでした"
                        "(研修前と研修後の組がそろっていないため)。")
        return (plain[0],), messages
    if not pre and not post and len(plain) == 2:
        messages.append(f"アンケートのファイル名から研修前・研修後が分からないため、名前の順に「{plain[0].name}」を研修前、"
                        f"「{plain[1].name}」を研修後として読みました。")
        return (plain[0], plain[1]), messages
    raise InputError(f"アンケートのファイルがどれか決められません(候補: {_names(unique)})。", file=folder,
                     hint="1ファイル(時期の列つき)なら questionnaire.csv だけを、2ファイルなら "
                          "questionnaire_pre.csv と questionnaire_post.csv だけを置いてください")


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
    messages: list[str] = []
    if named:
        # Prefer the order of NOTE_EXTS when several formats of the same notes exist.
        named = sorted(named, key=lambda p: (NOTE_EXTS.index(p.suffix.lower()), p.name))
        notes = named[0]
        if len(named) > 1:
            messages.append(f"付箋のファイルは「{notes.name}」を使い、{_names(named[1:])} は使いませんでした。")
    elif len(candidates) == 1:
        notes = candidates[0]
    elif not candidates:
        raise InputError("フォルダに付箋のファイル(notes.csv など)がありません。", file=path,
                         hint="付箋のファイル名を notes.csv(.tsv/.xlsx/.txt)にしてください")
    else:
        names = "、".join(p.name for p in candidates)
        raise InputError(f"付箋のファイルがどれか決められません(候補: {names})。", file=path,
                         hint="付箋のファイル名を notes.csv にするか、ファイルを直接指定してください")
    questionnaires, said = choose_questionnaires(surveys, path)
    edits = notes.with_name(notes.stem + ".edits.jsonl")
    extra = _workshop_json(path / WORKSHOP_JSON)
    return Workshop(name=str(extra.get("name") or path.resolve().name), notes=notes,
                    questionnaires=questionnaires, edits=edits if edits.exists() else None, folder=path,
                    extra=extra, messages=tuple(messages + said))


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
    out = {k: str(doc[k]) for k in ("name", "notes_file", "date") if isinstance(doc.get(k), str) and doc[k].strip()}
    try:
        if "name" in out:
            out["name"] = workshop_name(out["name"])
        if "date" in out:
            out["date"] = workshop_date(out["date"])
    except InputError as exc:
        raise InputError(exc.message, file=path, hint=exc.hint) from None
    files = doc.get("questionnaire_files")
    if isinstance(files, list) and all(isinstance(f, str) for f in files):
        out["questionnaire_files"] = list(files)
    return out


def workshop_name(text) -> str:
    """A workshop name as typed, with runs of spaces folded; ``InputError`` (Japanese) when empty or too long."""
    name = " ".join(str(text or "").split())
    if not name:
        raise InputError("ワークショップ名が空です。", hint="例: 第2回 墨田区在宅支援ワークショップ")
    if len(name) > MAX_NAME:
        raise InputError(f"ワークショップ名は {MAX_NAME} 文字以内にしてください({len(name)} 文字あります)。")
    return name


def workshop_date(text) -> str | None:
    """The day the workshop was held as ISO ``YYYY-MM-DD`` (None when empty); ``InputError`` naming what
    was typed and how to write it (``issuemine.present.dates.parse_date``)."""
    from issuemine.present.dates import DateError, parse_date

    try:
        day = parse_date(text)
    except DateError as exc:
        raise InputError(str(exc)) from None
    return None if day is None else day.isoformat()


def with_details(ws: Workshop, name: str | None = None, date: str | None = None) -> Workshop:
    """``ws`` with the workshop's name and date set (checked as above); None keeps what it has."""
    extra = dict(ws.extra)
    if name is not None:
        extra["name"] = workshop_name(name)
    if date is not None:
        day = workshop_date(date)
        if day is None:
            extra.pop("date", None)
        else:
            extra["date"] = day
    return replace(ws, name=extra.get("name", ws.name), extra=extra)
