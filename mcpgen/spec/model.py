"""The spec format as pydantic models: the single source of its JSON Schema and of its defaults."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FieldType = Literal["id", "string", "text", "integer", "number", "boolean", "enum", "date", "datetime", "ref"]
ParameterType = Literal["string", "text", "integer", "number", "boolean", "enum", "date", "datetime", "array", "object"]
HttpMethod = Literal["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
FilterOp = Literal["eq", "lt", "lte", "gt", "gte", "in", "not", "empty"]
SLUG = r"^[a-z][a-z0-9_-]*$"
IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """A part of the spec: unknown keys are refused, and values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # as strict as the JSON Schema


class FieldSpec(Strict):
    """One field of a data model."""

    type: FieldType = Field(description="The field's type; `id` is the generated primary key.")
    description: str | None = Field(None, description="Documents the field for the model (parameter docs).")
    required: bool = Field(False, description="Creating a record needs this field.")
    default: Any = Field(None, description="The value a new record gets when none is given.")
    values: list[str] | None = Field(None, description="The allowed values of an `enum` field, in order.")
    min: float | None = Field(None, description="Smallest allowed value (integer and number).")
    max: float | None = Field(None, description="Largest allowed value (integer and number).")
    min_length: int | None = Field(None, ge=0, description="Shortest allowed text (string and text).")
    max_length: int | None = Field(None, ge=1, description="Longest allowed text (string and text).")
    pattern: str | None = Field(None, description="A regular expression the text must match (string).")
    examples: list[Any] | None = Field(None, description="Example values, shown to the model.")
    auto: Literal["created", "updated"] | None = Field(
        None, description="Set by the server: when the record was created, or last updated."
    )
    model: str | None = Field(None, description="ref: the model whose records this field points to (by id).")
    on_delete: Literal["restrict", "cascade", "set_null"] | None = Field(
        None,
        description="ref: what deleting the record pointed to does: restrict (the default: refuse while records "
        "point to it), cascade (delete them too) or set_null (clear this field).",
    )
    unique: bool = Field(False, description="No two records have the same value (empty values aside).")
    renamed_from: str | None = Field(
        None, description="The field's former name: its column is renamed in place at start-up, keeping the data."
    )


class ParameterSpec(Strict):
    """A value a sql, http or python tool takes (a parameter) or gives (in its returns), typed like a field."""

    type: ParameterType = Field(description="The value's type: a field type, or array (of items) or object.")
    description: str | None = Field(None, description="Documents the value for the model.")
    required: bool = Field(
        False, description="A parameter: the call needs it. In returns: the value is always there, never null."
    )
    default: Any = Field(None, description="The value a parameter takes when the call gives none.")
    values: list[str] | None = Field(None, description="The allowed values of an `enum`, in order.")
    min: float | None = Field(None, description="Smallest allowed value (integer and number).")
    max: float | None = Field(None, description="Largest allowed value (integer and number).")
    min_length: int | None = Field(None, ge=0, description="Shortest allowed text (string and text).")
    max_length: int | None = Field(None, ge=1, description="Longest allowed text (string and text).")
    pattern: str | None = Field(None, description="A regular expression the text must match (string).")
    examples: list[Any] | None = Field(None, description="Example values, shown to the model.")
    items: ParameterSpec | None = Field(None, description="array: the type of its items.")
    properties: dict[str, ParameterSpec] | None = Field(None, description="object: its keys (none: any object).")


class ModelSpec(Strict):
    """A kind of record the connector stores (a table)."""

    description: str | None = Field(None, description="What one record is.")
    display: str | None = Field(None, description="The field that names a record in short texts.")
    fields: dict[str, FieldSpec] = Field(description="The record's fields, by name.")
    unique: list[list[str]] | None = Field(
        None, description="Compound keys: each list of fields has a different combination of values in every record."
    )
    owner: Literal["subject"] | None = Field(
        None,
        description="subject: each record belongs to the signed-in caller (the OAuth token's sub), and every tool "
        "sees and changes only the caller's records.",
    )
    renamed_from: str | None = Field(
        None, description="The model's former name: its table is renamed in place at start-up, keeping the data."
    )


class FilterSpec(Strict):
    """A filter with comparison operators: each operator becomes a parameter (due_lt, status_in, ...)."""

    field: str = Field(description="The field to filter on.")
    ops: list[FilterOp] = Field(
        description="eq (exact match, the parameter named as the field), lt, lte, gt, gte (before/after, "
        "less/more than), in (one of a list), not (anything else, empty included), empty (true: no value)."
    )


class LimitSpec(Strict):
    """How many records a call returns: by default, and at most."""

    default: int = Field(20, ge=1, description="How many records a call returns when it asks for no limit.")
    max: int = Field(100, ge=1, description="The most records one call may return.")


class RequestSpec(Strict):
    """The HTTP request an http tool sends; `{name}` in any of its texts is the argument `name`."""

    method: HttpMethod = Field("GET", description="The HTTP method.")
    path: str = Field(description="The path below the upstream's base_url, e.g. /customers/{id} (values URL-encoded).")
    query: dict[str, Any] | None = Field(
        None, description="Query parameters; one whose arguments are absent is left out."
    )
    headers: dict[str, str] | None = Field(None, description="Request headers (never secrets: those come from auth).")
    body: Any = Field(None, description='A JSON body; a value that is exactly "{name}" keeps the argument\'s type.')


class UpstreamAuthSpec(Strict):
    """How an upstream knows the connector: a bearer token, or a header, its secret read from the environment."""

    bearer_env: str | None = Field(None, description="The variable that holds a bearer token.")
    header: str | None = Field(None, description="A header that carries the secret instead, e.g. X-Api-Key.")
    env: str | None = Field(None, description="header: the variable that holds its secret.")


class UpstreamSpec(Strict):
    """An HTTP API that http tools call."""

    base_url: str = Field(description='Where it is, e.g. "${CRM_URL:-https://crm.example.com/api}".')
    auth: UpstreamAuthSpec | None = Field(None, description="Its credentials, from the environment.")
    timeout: float = Field(10, gt=0, le=300, description="Seconds to wait for each answer.")
    retries: int = Field(2, ge=0, le=5, description="How often an idempotent request is tried again when it fails.")


class AnnotationsSpec(Strict):
    """Overrides of the hints derived from the action; every override must say why."""

    read_only: bool | None = Field(None, description="readOnlyHint: the tool changes nothing (no confirmation).")
    destructive: bool | None = Field(None, description="destructiveHint: the tool may delete or overwrite data.")
    idempotent: bool | None = Field(None, description="idempotentHint: calling it twice does no more than once.")
    open_world: bool | None = Field(None, description="openWorldHint: the tool reaches beyond this server's data.")
    why: str | None = Field(None, description="Why the derived hints are wrong for this tool.")


class LintSpec(Strict):
    """How `mcpgen lint` treats one tool."""

    ignore: list[str] = Field(default_factory=list, description="Lint rule ids silenced for this tool.")


class ToolSpec(Strict):
    """A tool the connector advertises; which keys apply depends on its action."""

    action: str = Field(description="What the tool does: the action kind.")  # the kinds describe themselves
    model: str | None = Field(
        None, description="The model the tool works on (the record kinds: all but sql, http, python)."
    )
    description: str = Field(description="What the model reads to decide when to call the tool.")
    title: str | None = Field(None, description="The name people see; derived from the tool name if absent.")
    # The keys below depend on the action: their descriptions come from the kinds (spec/schema.py).
    fields: list[str] | None = Field(None, description="Fields the action works with.")
    filters: list[str | FilterSpec] | None = Field(
        None, description="Fields to filter on: a name (exact match) or {field, ops} for comparisons."
    )
    order_by: list[str] | None = Field(None, description="Fields results may be ordered by.")
    group_by: str | None = Field(None, description="The field to group records by.")
    limit: LimitSpec | None = Field(None, description="How many records a call returns.")
    expand: list[str] | None = Field(
        None, description="Ref fields whose record's display value each result record also carries."
    )
    parameters: dict[str, str | ParameterSpec] | None = Field(
        None,
        description="sql, http, python: the parameters, typed like fields. Other kinds: a new description for any "
        "of their parameters, by name.",
    )
    read_only: bool | None = Field(None, description="Whether the tool only reads.")
    returns: dict[str, ParameterSpec] | None = Field(None, description="What the tool gives back, by name.")
    statement: str | None = Field(None, description="The SQL statement.")
    upstream: str | None = Field(None, description="The upstream (from `upstreams:`) it calls.")
    request: RequestSpec | None = Field(None, description="The request it sends.")
    result: str | None = Field(None, description="A JMESPath expression that maps the answer.")
    forward_token: bool | None = Field(None, description="Sends the caller's OAuth token to the upstream.")
    handler: str | None = Field(None, description="The function, as module:function.")
    annotations: AnnotationsSpec | None = Field(None, description="Overrides of the derived annotation hints.")
    response: str | None = Field(None, description="A Jinja2 template for the text the model reads.")
    url: str | None = Field(None, description="A Jinja2 template of a record's link.")
    text: str | None = Field(None, description="A Jinja2 template of a record's text.")
    lint: LintSpec | None = Field(None, description="Settings of `mcpgen lint` for this tool.")
    widget: str | None = Field(None, description="The widget (from `widgets:`) hosts render for the tool's result.")
    security: list[Literal["noauth"] | OAuth2Scheme] | None = Field(
        None,
        description="oauth: how the tool may be called: noauth (without a token) and/or {oauth2: [scopes]}; "
        "default: a token with the auth section's scopes.",
    )
    noauth_why: str | None = Field(
        None, description="Why a noauth tool on a model with an owner is right (callers without a token share it)."
    )


class CspSpec(Strict):
    """Domains a widget may reach; nothing outside them is allowed (empty: a self-contained widget)."""

    connect: list[str] = Field(default_factory=list, description="Domains it may fetch from (connect-src).")
    resources: list[str] = Field(default_factory=list, description="Domains of its images, fonts, scripts, styles.")
    frames: list[str] = Field(default_factory=list, description="Domains it may show in iframes.")


class WidgetSpec(Strict):
    """A UI component hosts render for a tool's result: served as an MCP Apps and an Apps SDK resource."""

    html: str = Field(description="The widget's HTML file, relative to the spec (self-contained: inline CSS and JS).")
    title: str | None = Field(None, description="What the widget is called.")
    description: str | None = Field(None, description="What the widget shows (openai/widgetDescription).")
    prefers_border: bool = Field(True, description="Whether the host should draw a border around it.")
    domain: str | None = Field(None, description="A dedicated origin for the widget, if the host should use one.")
    csp: CspSpec = Field(default_factory=CspSpec, description="Domains the widget may reach.")
    invoking: str | None = Field(None, max_length=64, description="Status while the tool runs (at most 64 characters).")
    invoked: str | None = Field(None, max_length=64, description="Status when it is done (at most 64 characters).")


class OAuth2Scheme(Strict):
    """A tool that needs an OAuth access token with these scopes."""

    oauth2: list[str] = Field(description="The scopes the token must carry (may be empty: any valid token).")


class AuthSpec(Strict):
    """Who may call the server: nobody checked (none), one shared token (bearer), or OAuth 2.1 access tokens."""

    type: Literal["none", "bearer", "oauth"] = Field("none", description="none (local use), bearer or oauth.")
    token_env: str | None = Field(None, description="bearer: the environment variable that holds the token.")
    issuer: str | None = Field(None, description="oauth: the authorization server that issues the tokens.")
    jwks_url: str | None = Field(
        None, description="oauth: where the issuer publishes its signing keys; default <issuer>/.well-known/jwks.json."
    )
    audience: str | None = Field(None, description="oauth: the audience tokens must name; default the public /mcp URL.")
    scopes: list[str] = Field(default_factory=list, description="oauth: scopes every protected tool needs.")


class StorageSpec(Strict):
    """Where the connector keeps its records."""

    backend: str = Field("sqlite", description="sqlite (the default), postgres, or memory.")
    path: str | None = Field(None, description="sqlite: the database file, relative to the spec file.")
    url: str | None = Field(
        None,
        description="postgres: the connection URL, e.g. ${DATABASE_URL} (keep passwords in the environment).",
    )
    schema_name: str | None = Field(
        None,
        alias="schema",
        description="postgres: the schema that holds the tables (created if missing); default public.",
    )


class Spec(Strict):
    """A whole connector: identity, storage, models and tools."""

    mcpgen: Literal[1] = Field(description="The spec format version.")
    name: str = Field(pattern=SLUG, description="A slug; the server's name.")
    title: str | None = Field(None, description="What people see in ChatGPT's connector list.")
    version: str = Field("0.1.0", description="The connector's version.")
    description: str = Field(description="What to paste into ChatGPT's Description when creating the connector.")
    instructions: str | None = Field(None, description="Sent to clients as the server's instructions.")
    public_url: str | None = Field(
        None,
        description="The public HTTPS URL the server is reached at (a tunnel's, e.g. https://abc123.ngrok-free.app): "
        "its host is accepted and it is the URL to give ChatGPT. `--public-url` and MCPGEN_PUBLIC_URL override it.",
    )
    storage: StorageSpec = Field(default_factory=StorageSpec, description="Where records are kept.")
    auth: AuthSpec = Field(default_factory=AuthSpec, description="Who may call the server.")
    upstreams: dict[str, UpstreamSpec] = Field(default_factory=dict, description="HTTP APIs that http tools call.")
    models: dict[str, ModelSpec] = Field(default_factory=dict, description="The kinds of records, by name.")
    tools: dict[str, ToolSpec] = Field(description="The tools, by name (the name a client calls).")
    widgets: dict[str, WidgetSpec] = Field(default_factory=dict, description="UI components, by name.")
