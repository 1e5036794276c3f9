"""Dates and times in Japan time, written 「2026年12月6日 14:53」; a day a person types, read back.

Stored times are UTC (the app's store writes ``YYYY-MM-DD HH:MM:SS`` in UTC; ISO strings with an offset
are read as given). ``zoneinfo`` needs the IANA database; the ``tzdata`` package provides it where the
system has none.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
# Japanese eras a workshop date may be typed in: (name, the Gregorian year of its year 1, first day)
ERAS = (("令和", 2018, date(2019, 5, 1)), ("平成", 1988, date(1989, 1, 8)))
ERA_LETTERS = {"R": "令和", "H": "平成"}
YEARS = (1990, 2100)  # a workshop date outside these years is a typing mistake
DATE_EXAMPLE = "2026-12-06、2026/12/6、2026年12月6日、令和8年12月6日"
_DATE = re.compile(r"^(?:(?P<era>令和|平成|[RH])\s*(?P<eyear>元|\d{1,2})|(?P<year>\d{4}))\s*(?:年|[-/.])\s*"
                   r"(?P<month>\d{1,2})\s*(?:月|[-/.])\s*(?P<day>\d{1,2})\s*日?"
                   r"(?:\s*[((]\s*(?P<weekday>[月火水木金土日])(?:曜日?)?\s*[))])?$")


class DateError(ValueError):
    """A typed date that is not a day; the message is plain Japanese and names the text."""


def to_tokyo(value) -> datetime | None:
    """A datetime (naive = UTC), an ISO string (naive = UTC) or a POSIX timestamp, as an aware Tokyo time."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(float(value), tz=timezone.utc)
    elif isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=TOKYO)
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(TOKYO)


def datetime_ja(value) -> str:
    """「2026年12月6日 14:53」 in Japan time; 「—」 when there is no time."""
    dt = to_tokyo(value)
    if dt is None:
        return "—" if value in (None, "") else str(value)
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt.hour:02d}:{dt.minute:02d}"


def _day(value) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    dt = to_tokyo(value)
    return None if dt is None else dt.date()


def date_ja(value, weekday: bool = False) -> str:
    """「2026年12月6日」 (``weekday``: 「2026年12月6日(日)」): a date (as given) or the Japan-time day of a time."""
    d = _day(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return f"{d.year}年{d.month}月{d.day}日" + (f"({WEEKDAYS[d.weekday()]})" if weekday else "")


def parse_date(text, what: str = "開催日") -> date | None:
    """The day a person typed: ``2026-12-06``, ``2026/12/6``, ``2026.12.6``, ``2026年12月6日``, with or
    without a weekday 「(日)」 (checked against the day), full-width digits, or in the Japanese era (``令和8年12月6日``, ``R8.12.6``,
    ``平成31年4月30日``, 元年). ``None`` for an empty text; ``DateError`` (Japanese, naming ``what`` and the
    text) for anything else, a day that does not exist (2月30日) and a year outside 1990–2100."""
    if text is None:
        return None
    if isinstance(text, date) and not isinstance(text, datetime):
        return text
    raw = str(text).strip()
    if not raw:
        return None
    s = unicodedata.normalize("NFKC", raw).strip()
    m = _DATE.match(s)
    if m is None:
        raise DateError(f"{what}「{raw}」を日付として読めません。{DATE_EXAMPLE} のように入力してください。")
    month, day = int(m["month"]), int(m["day"])
    if m["year"]:
        year = int(m["year"])
    else:
        era = ERA_LETTERS.get(m["era"], m["era"])
        offset, first = next((o, f) for name, o, f in ERAS if name == era)
        year = offset + (1 if m["eyear"] == "元" else int(m["eyear"]))
    try:
        d = date(year, month, day)
    except ValueError:
        raise DateError(f"{what}「{raw}」という日はありません。月と日を確かめてください。") from None
    if m["era"] and (d < first or (era == "平成" and d >= ERAS[0][2])):
        raise DateError(f"{what}「{raw}」は{era}の期間にありません。西暦(2026年12月6日 など)で入力してください。")
    if m["weekday"] and WEEKDAYS[d.weekday()] != m["weekday"]:
        raise DateError(f"{what}「{raw}」: {date_ja(d)}は{WEEKDAYS[d.weekday()]}曜日です。日付か曜日を確かめてください。")
    if not YEARS[0] <= d.year <= YEARS[1]:
        raise DateError(f"{what}「{raw}」の年が正しくないようです({YEARS[0]}年から{YEARS[1]}年の日付にしてください)。")
    return d
