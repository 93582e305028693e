"""The JSON Schema of the spec format, generated from the models and the registries, for editors and CI."""

from __future__ import annotations

from typing import Any

from mcpgen.actions import ACTIONS
from mcpgen.spec.model import Spec
from mcpgen.storage import BACKENDS

SCHEMA_ID = "https://mcpgen.dev/schema/spec-1.json"


def spec_json_schema() -> dict[str, Any]:
    """The schema, with each action kind and kind-specific key described by the kinds themselves."""
    schema = Spec.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    tool = definitions["ToolSpec"]["properties"]
    tool["action"]["enum"] = list(ACTIONS)
    tool["action"]["description"] = "What the tool does: " + "; ".join(
        f"{name}: {kind.summary[0].lower()}{kind.summary[1:].rstrip('.')}" for name, kind in ACTIONS.items()
    )
    for key, description in key_docs().items():
        tool[key]["description"] = description
    definitions["StorageSpec"]["properties"]["backend"]["enum"] = list(BACKENDS)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def key_docs() -> dict[str, str]:
    """What each kind-specific tool key means, for every kind that uses it: `create, update: the fields ...`."""
    meanings: dict[str, dict[str, list[str]]] = {}
    for name, kind in ACTIONS.items():
        for key, meaning in kind.docs.items():
            meanings.setdefault(key, {}).setdefault(meaning, []).append(name)
    return {
        key: "; ".join(f"{', '.join(kinds)}: {meaning}" for meaning, kinds in by_meaning.items()) + "."
        for key, by_meaning in sorted(meanings.items())
    }
