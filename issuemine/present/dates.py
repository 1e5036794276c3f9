"""Dates and times in Japan time, written 「2026年12月6日 14:53」.

Stored times are UTC (the app's store writes ``YYYY-MM-DD HH:MM:SS`` in UTC; ISO strings with an offset
are read as given). ``zoneinfo`` needs the IANA database; the ``tzdata`` package provides it where the
system has none.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


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


def date_ja(value) -> str:
    """「2026年12月6日」: a date (as given) or the Japan-time day of a time."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            d = date.fromisoformat(value.strip())
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            pass
    dt = to_tokyo(value)
    if dt is None:
        return "—" if value in (None, "") else str(value)
    return f"{dt.year}年{dt.month}月{dt.day}日"


def now_ja() -> str:
    return datetime_ja(datetime.now(timezone.utc))
