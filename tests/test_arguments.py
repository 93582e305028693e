"""Tool arguments: what the compiled check on the accept path lets in, jsonschema lets in, for every schema mcpgen
emits (fastjsonschema reads `$` in patterns more strictly: then jsonschema, the reference, decides)."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcpgen.runtime.arguments import ArgumentCheck, full_validator
from mcpgen.spec import parse_spec
from mcpgen.spec.compile import compile_spec
from tests.strategies import specs
from tests.test_generated_specs import fitting

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    loaded = parse_spec(yaml.safe_dump({**spec, "storage": {"backend": "memory"}}), "spec.yaml", env={})
    return [dict(tool.definition["inputSchema"]) for tool in compile_spec(loaded).tools.values()]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), data=st.data())
def test_the_fast_check_accepts_exactly_what_jsonschema_accepts(spec: dict[str, Any], data: st.DataObject) -> None:
    for schema in schemas(spec):
        check, full = ArgumentCheck(schema), full_validator(schema)
        names = list(schema["properties"]) or ["x"]
        wrong = st.dictionaries(st.sampled_from([*names, "other"]), json_values, max_size=4)
        for arguments in (data.draw(fitting(schema)), data.draw(wrong), data.draw(json_values)):
            in_storage = not isinstance(arguments, dict) or all(
                type(value) is not int or -(2**63) <= value < 2**63 for value in arguments.values()
            )  # whole numbers beyond 64 bits are refused too
            assert check.fits(arguments) == (full.is_valid(arguments) and in_storage), (schema, arguments)
            assert (check.problems(arguments) == []) == check.fits(arguments)


SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string"},
        "plan": {"type": "string", "enum": ["free", "pro", "enterprise"]},
        "due": {"type": "string", "format": "date"},
    },
    "required": ["name", "email"],
    "additionalProperties": False,
}


def test_each_wrong_argument_is_one_line_said_once() -> None:
    check = ArgumentCheck(SCHEMA)
    assert check.problems({}) == ["name: missing (required)", "email: missing (required)"]  # as the schema lists them
    assert check.problems({"name": "a", "email": "b", "plan": None, "due": "soon", "zz": 1, "yy": 2}) == [
        "unknown argument 'yy' (expected one of: due, email, name, plan)",
        "unknown argument 'zz' (expected one of: due, email, name, plan)",
        'due: "soon" is not a date as YYYY-MM-DD',
        'plan: null is not allowed; use one of: "free", "pro", "enterprise"',  # the declared order, once
    ]
