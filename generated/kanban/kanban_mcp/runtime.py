"""What every handler shares: tool errors, argument checks worded for the model, pages, and short texts."""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from kanban_mcp.models import Field, Model

Record = dict[str, Any]
Result = tuple[dict[str, Any], str]  # (structuredContent, the text the model reads)


class ToolError(Exception):
    """A failure the model should read and act on: bad arguments, not found."""


def not_found(model: Model, id: Any) -> ToolError:
    return ToolError(f"No {model.name} with id '{id}'.")


# Arguments


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # not a string: the type check reports it
    if len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True  # not a string: the type check reports it
    if "T" not in value.upper():
        return False
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True


FORMATS = FormatChecker(formats=())
FORMATS.checks("date")(_is_date)
FORMATS.checks("date-time")(_is_datetime)
_FORMAT_WORDS = {
    "date": "a date as YYYY-MM-DD",
    "date-time": "a date and time in ISO 8601, e.g. 2026-11-24T09:30:00Z",
}
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FORMATS)


def argument_problems(check: Draft202012Validator, arguments: Any) -> list[str]:
    """One readable line per wrong argument; empty when the arguments fit the tool's inputSchema."""
    errors = sorted(check.iter_errors(arguments), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    schema: Mapping[str, Any] = check.schema if isinstance(check.schema, Mapping) else {}
    lines = [_describe(error, schema) for error in errors]
    if isinstance(arguments, dict):  # storage keeps 64-bit whole numbers: larger ones are refused, not crashed on
        flagged = {str(error.absolute_path[0]) for error in errors if error.absolute_path}
        lines += [
            f"{name}: {value} is out of range (whole numbers go from {INT_MIN} to {INT_MAX})"
            for name, value in arguments.items()
            if type(value) is int and not INT_MIN <= value <= INT_MAX and name not in flagged
        ]
    return lines


def _describe(error: ValidationError, schema: Mapping[str, Any]) -> str:
    where = ".".join(map(str, error.absolute_path))
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
    properties = schema.get("properties", {})
    if kind == "additionalProperties":
        unknown = sorted(set(value) - set(properties)) if isinstance(value, dict) else []
        return "; ".join(
            f"unknown argument '{name}' ({did_you_mean(name, properties) or 'this tool takes no arguments'})"
            for name in unknown
        )
    if kind == "required":
        missing = [name for name in rule if isinstance(value, dict) and name not in value]
        return "; ".join(f"{name}: missing (required)" for name in missing)
    prefix = f"{where}: " if where else "arguments: "
    shown = json.dumps(value, ensure_ascii=False)
    if kind == "enum":
        return prefix + f"{shown} is not allowed; use one of: " + ", ".join(json.dumps(v) for v in rule)
    if kind == "type":
        wanted = [rule] if isinstance(rule, str) else list(rule)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        return prefix + f"expected {words}, got {shown}"
    if kind == "format":
        return prefix + f"{shown} is not {_FORMAT_WORDS.get(rule, rule)}"
    if kind == "maxLength":
        return prefix + f"too long ({len(value)} characters; at most {rule})"
    if kind == "minLength":
        return prefix + ("must not be empty" if rule == 1 else f"too short (at least {rule} characters)")
    if kind == "minimum":
        return prefix + f"{shown} is below the minimum {rule}"
    if kind == "maximum":
        return prefix + f"{shown} is above the maximum {rule}"
    if kind == "pattern":
        return prefix + f"{shown} does not match the pattern {rule}"
    return prefix + error.message


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, else listing them all (empty when there are none)."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(options) if options else ""


# Values


def parse_datetime(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_text() -> str:
    return utc_text(dt.datetime.now(dt.UTC))


def normalise(field: Field, value: Any) -> Any:
    """Stores datetimes in one sortable form (UTC, ISO 8601 with milliseconds and a Z), numbers as floats."""
    if field.type == "datetime" and isinstance(value, str):
        return utc_text(parse_datetime(value))
    if field.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def new_record(model: Model, args: Mapping[str, Any]) -> Record:
    """The values of a new record: the arguments, then defaults; timestamps are now."""
    values: Record = {}
    now = now_text()
    for name, field in model.fields.items():
        if field.auto:
            values[name] = now
        elif name in args:
            values[name] = normalise(field, args[name])
        elif field.default is not None:
            values[name] = normalise(field, field.default)
    return values


def search_terms(query: str) -> tuple[str, ...]:
    """The words of a query, each once, case-folded."""
    terms = tuple(dict.fromkeys(word.casefold() for word in query.split()))
    if not terms:
        raise ToolError("query: give at least one word to search for.")
    return terms


# Pages


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ToolError("Invalid cursor: pass the next_cursor of a previous result unchanged, or omit it.")


def page_window(args: Mapping[str, Any], default: int) -> tuple[int, int]:
    """(limit, offset) of a page call; callers fetch one record more to know whether more exist."""
    return int(args.get("limit", default)), decode_cursor(args.get("cursor"))


def page_result(records: list[Record], size: int, offset: int) -> dict[str, Any]:
    more = len(records) > size
    return {"items": records[:size], "next_cursor": encode_cursor(offset + size) if more else None}


# Texts


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def label(model: Model, record: Record) -> str:
    """`task 3 "Write docs"`: how short texts name a record."""
    name = f"{model.name} {record[model.id]}"
    shown = record.get(model.display)
    return f'{name} "{shown}"' if model.display != model.id and shown else name


def page_summary(model: Model, result: dict[str, Any], matching: str = "") -> str:
    items = result["items"]
    noun = model.name if len(items) == 1 else plural(model.name)
    lines = [f"Found {len(items)} {noun}{matching}{':' if items else '.'}"]
    lines += [f"- {label(model, record)}" for record in items]
    if result["next_cursor"]:
        lines.append(f'More results: call again with cursor "{result["next_cursor"]}".')
    return "\n".join(lines)


def column_title(value: str) -> str:
    """`in_progress` → "In progress": how a board column is headed."""
    return value.replace("_", " ").replace("-", " ").capitalize()


def document_title(model: Model, record: Record) -> str:
    shown = record.get(model.display)
    return str(shown) if shown not in (None, "") else f"{model.name} {record[model.id]}"


def document_id(model: Model, value: str) -> int:
    """The stored id (ids are integers) for ChatGPT's string id; not found for one that cannot be an id."""
    if not value.strip().isascii() or not value.strip().isdigit():
        raise not_found(model, value)
    return int(value)
