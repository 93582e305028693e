"""How values are stored: datetimes in one sortable UTC form, numbers as floats; and the date checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import Field


def normalise(field: Field, value: Any) -> Any:
    """Stores datetimes in one sortable form (UTC, ISO 8601 with milliseconds and a Z), numbers as floats."""
    if field.type == "datetime" and isinstance(value, str):
        return utc_text(parse_datetime(value))
    if field.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date and time; one without a zone is taken as UTC."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """`2026-01-31T09:30:00.000Z`: how datetimes are stored."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_text() -> str:
    """Now, as stored."""
    return utc_text(dt.datetime.now(dt.UTC))


def is_date(value: object) -> bool:
    """Whether a string is a date as YYYY-MM-DD (anything else is left to the type check)."""
    if not isinstance(value, str):
        return True
    if len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_datetime(value: object) -> bool:
    """Whether a string is an ISO 8601 date and time (anything else is left to the type check)."""
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        return False
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True
