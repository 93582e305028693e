"""A valid spec → the runtime's objects: models, tools (their exact definitions and actions), resources, auth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcpgen.actions import ACTIONS, Bound, DeclaredKind, Kind, RecordKind, Scope
from mcpgen.fields import display_field
from mcpgen.runtime.actions import Action
from mcpgen.runtime.auth import AuthSettings
from mcpgen.runtime.model import Field, Model
from mcpgen.runtime.tool import Connector, Tool
from mcpgen.spec import LoadedSpec
from mcpgen.spec.model import AuthSpec, ModelSpec, OAuth2Scheme, Spec, ToolSpec
from mcpgen.spec.upstreams import compile_upstreams
from mcpgen.spec.widgets import Widget, load_widgets


def compile_spec(loaded: LoadedSpec) -> Connector:
    """The connector a loaded spec describes, ready to serve or to write out."""
    spec = loaded.spec
    widgets = load_widgets(spec.widgets, loaded.base_dir)
    models = compile_models(spec.models, spec.tools)
    scope = Scope(
        models=spec.models,
        runtime_models=models,
        upstreams=spec.upstreams,
        runtime_upstreams=compile_upstreams(spec.upstreams, loaded.positions.written),
        backend=spec.storage.backend,
        oauth=spec.auth.type == "oauth",
        base_dir=loaded.base_dir,
    )
    tools = {name: compile_tool(spec, name, tool, scope, widgets) for name, tool in spec.tools.items()}
    resources = {resource.uri: resource for widget in widgets.values() for resource in widget.resources()}
    return Connector(
        name=spec.name,
        version=spec.version,
        description=spec.description,
        title=spec.title,
        instructions=spec.instructions,
        models=models,
        tools=tools,
        resources=resources,
        auth=compile_auth(spec.auth),
    )


def compile_models(models: Mapping[str, ModelSpec], tools: Mapping[str, ToolSpec] | None = None) -> dict[str, Model]:
    """The runtime models: what storage and the actions need of each field (and which fields `tools` search)."""
    return {
        name: Model(
            name,
            {
                field_name: Field(
                    field.type,
                    required=field.required,
                    default=field.default,
                    values=tuple(field.values or ()) if field.type == "enum" else (),
                    auto=field.auto,
                    ref=field.model if field.type == "ref" else None,
                    on_delete=field.on_delete or "restrict",
                    unique=field.unique,
                    renamed_from=field.renamed_from,
                )
                for field_name, field in model.fields.items()
            },
            display=display_field(model),
            unique=tuple(tuple(key) for key in model.unique or ()),
            owner=model.owner,
            search=searched(name, tools or {}),
            renamed_from=model.renamed_from,
        )
        for name, model in models.items()
    }


def searched(model: str, tools: Mapping[str, ToolSpec]) -> tuple[str, ...]:
    """The fields of `model` that its search tools search, in the order they first appear: its full-text index."""
    kinds = ("search", "chatgpt_search")
    found = (
        field for tool in tools.values() if tool.model == model and tool.action in kinds for field in tool.fields or []
    )
    return tuple(dict.fromkeys(found))


def compile_tool(spec: Spec, name: str, tool: ToolSpec, scope: Scope, widgets: Mapping[str, Widget]) -> Tool:
    """One tool: its definition exactly as tools/list sends it, and its action."""
    kind = ACTIONS[tool.action]
    output: dict[str, Any] | None
    if isinstance(kind, DeclaredKind):
        action: Action = kind.compile(name, tool, scope)
        schema, output = kind.input_schema(tool), kind.output_schema(tool)
    else:
        assert isinstance(kind, RecordKind)
        assert tool.model is not None
        models = scope.runtime_models
        bound = Bound(name, tool, spec.models[tool.model], kind.compile(tool, models[tool.model], models))
        action, schema, output = bound.action, kind.input_schema(bound), kind.output_schema(bound)
        for parameter, doc in (tool.parameters or {}).items():
            if isinstance(doc, str):
                schema["properties"][parameter]["description"] = doc
    definition = {
        "name": name,
        "title": tool.title or name.replace("_", " ").capitalize(),
        "description": tool.description,
        "inputSchema": schema,
    }
    if output is not None:
        definition["outputSchema"] = output
    definition["annotations"] = hints(kind, tool)
    if meta := _meta(spec, tool, widgets):
        definition["_meta"] = meta
    return Tool(definition, action, tool.response)


def compile_auth(auth: AuthSpec) -> AuthSettings:
    """Who may call, as the runtime checks it."""
    return AuthSettings(
        type=auth.type,
        token_env=auth.token_env,
        issuer=auth.issuer,
        jwks_url=auth.jwks_url,
        audience=auth.audience,
        scopes=tuple(auth.scopes),
    )


def _meta(spec: Spec, tool: ToolSpec, widgets: Mapping[str, Widget]) -> dict[str, Any] | None:
    """The tool's `_meta`: its widget in both standards, and its securitySchemes (the SDK sends no top-level one)."""
    meta: dict[str, Any] = widgets[tool.widget].tool_meta() if tool.widget else {}
    security = schemes(tool, spec.auth)
    if security is not None:
        meta["securitySchemes"] = security
    return meta or None


def schemes(tool: ToolSpec, auth: AuthSpec) -> list[dict[str, Any]] | None:
    """The securitySchemes a tool advertises (ChatGPT's mixed mode); None when the server has no OAuth."""
    if auth.type != "oauth":
        return None
    chosen = tool.security or [OAuth2Scheme(oauth2=list(auth.scopes))]
    return [
        {"type": "noauth"} if scheme == "noauth" else {"type": "oauth2", "scopes": scheme.oauth2} for scheme in chosen
    ]


def hints(kind: Kind, tool: ToolSpec) -> dict[str, bool]:
    """Hints derived from the action kind (all four, as ChatGPT asks), then the spec's justified overrides."""
    derived = kind.hints(tool)
    if tool.annotations:
        derived |= tool.annotations.model_dump(exclude_none=True, exclude={"why"})
    return {
        "readOnlyHint": derived["read_only"],
        "destructiveHint": derived["destructive"],
        "idempotentHint": derived["idempotent"],
        "openWorldHint": derived["open_world"],
    }
