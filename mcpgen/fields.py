"""What each field type of the spec means on the wire: the JSON Schema of its values."""

from __future__ import annotations

from typing import Any

from mcpgen.spec.model import FieldSpec, ModelSpec, ParameterSpec

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
    "ref": {"type": "integer"},
}
TEXTUAL = frozenset({"string", "text"})
NUMERIC = frozenset({"integer", "number"})


def value_schema(field: FieldSpec | ParameterSpec, *, nullable: bool = False, written: bool = False) -> dict[str, Any]:
    """The JSON Schema of one field's (or parameter's) values, with its constraints and docs.

    `written`: the schema of an argument, where a required text must not be empty unless `min_length: 0` allows it.
    """
    schema: dict[str, Any] = dict(FIELD_TYPES.get(field.type) or {"type": field.type})
    if isinstance(field, ParameterSpec):
        if field.items is not None:
            schema["items"] = value_schema(field.items)
        if field.properties is not None:
            schema["properties"] = {name: value_schema(item) for name, item in field.properties.items()}
            if required := [name for name, item in field.properties.items() if item.required]:
                schema["required"] = required
        if field.default is not None:
            schema["default"] = field.default
    if field.description:
        schema["description"] = field.description
    if field.type == "enum" and field.values is not None:
        schema["enum"] = list(field.values)
    if field.type in TEXTUAL:
        shortest = 1 if field.min_length is None and written and field.required else field.min_length
        _put(schema, "minLength", shortest)
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
