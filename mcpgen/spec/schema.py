"""The JSON Schema of the spec format, generated from the models, for editors and CI."""

from __future__ import annotations

from typing import Any

from mcpgen.actions import ACTIONS
from mcpgen.spec.model import Spec
from mcpgen.storage import BACKENDS

SCHEMA_ID = "https://mcpgen.dev/schema/spec-1.json"


def spec_json_schema() -> dict[str, Any]:
    schema = Spec.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    definitions["ToolSpec"]["properties"]["action"]["enum"] = list(ACTIONS)
    definitions["StorageSpec"]["properties"]["backend"]["enum"] = list(BACKENDS)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
