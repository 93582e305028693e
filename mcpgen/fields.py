"""What each field type means on the wire: its JSON Schema, and how incoming values are normalised."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mcpgen.spec.model import FieldSpec, ModelSpec

FIELD_TYPES: dict[str, dict[str, Any]] = {
    "id": {"type": "integer"},
    "string": {"type": "string"},
    "text": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "enum": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}
TEXTUAL = frozenset({"string", "text"})
NUMERIC = frozenset({"integer", "number"})


def value_schema(field: FieldSpec, *, nullable: bool = False) -> dict[str, Any]:
    """The JSON Schema of one field's values, with its constraints and docs."""
    schema: dict[str, Any] = dict(FIELD_TYPES[field.type])
    if field.description:
        schema["description"] = field.description
    if field.type == "enum" and field.values is not None:
        schema["enum"] = list(field.values)
    if field.type in TEXTUAL:
        _put(schema, "minLength", field.min_length)
        _put(schema, "maxLength", field.max_length)
        _put(schema, "pattern", field.pattern)
    if field.type in NUMERIC:
        _put(schema, "minimum", _number(field.min))
        _put(schema, "maximum", _number(field.max))
    if field.examples:
        schema["examples"] = list(field.examples)
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _put(schema: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        schema[key] = value


def _number(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def id_field(model: ModelSpec) -> str:
    """The name of the model's generated primary key."""
    return next(name for name, field in model.fields.items() if field.type == "id")


def display_field(model: ModelSpec) -> str:
    """The field that names a record in short texts: `display`, else the first string field, else the id."""
    if model.display:
        return model.display
    textual = (name for name, field in model.fields.items() if field.type == "string")
    return next(textual, id_field(model))


def always_set(field: FieldSpec) -> bool:
    """Whether a stored record always has a value for this field."""
    return field.type == "id" or field.required or field.default is not None or field.auto is not None


def writable(model: ModelSpec) -> list[str]:
    """The fields a caller may set: all but the id and the automatic timestamps."""
    return [name for name, field in model.fields.items() if field.type != "id" and field.auto is None]


def normalise(field: FieldSpec, value: Any) -> Any:
    """Stores datetimes in one sortable form (UTC, ISO 8601 with milliseconds and a Z), numbers as floats."""
    if field.type == "datetime" and isinstance(value, str):
        return utc_text(parse_datetime(value))
    if field.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def parse_datetime(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_text() -> str:
    return utc_text(dt.datetime.now(dt.UTC))


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # not a string: the type check reports it
    if len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True  # not a string: the type check reports it
    if "T" not in value.upper():
        return False
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True
