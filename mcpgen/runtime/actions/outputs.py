"""What the kinds that declare their own parameters share: arguments as bound values, and results as JSON values."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from .. import values


def bound(kind: str, value: Any) -> Any:
    """An argument as a statement binds it: datetimes as stored (UTC), lists and objects as JSON text."""
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, str):
        return values.utc_text(values.parse_datetime(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def plain(value: Any, kind: str | None = None) -> Any:
    """A value read from a database as JSON has it, in the declared type `kind` where one is given."""
    if value is None:
        return None
    if kind == "boolean" and isinstance(value, int):
        return bool(value)  # SQLite's 0 and 1
    if kind == "integer" and isinstance(value, float | decimal.Decimal) and value == int(value):
        return int(value)
    if kind == "number" and isinstance(value, int | decimal.Decimal) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return values.utc_text(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
