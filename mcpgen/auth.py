"""Who may call: a shared bearer token, or OAuth 2.1 access tokens (JWTs) checked as a resource server."""

from __future__ import annotations

import hmac
import logging
import os
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import jwt
from mcp import types

from mcpgen.errors import AuthError
from mcpgen.spec.model import AuthSpec, OAuth2Scheme, ToolSpec

log = logging.getLogger("mcpgen.auth")
METADATA_PATH = "/.well-known/oauth-protected-resource"
IDENTITY = "mcpgen_identity"  # where the HTTP guard leaves the caller's identity (request.state) for the tool call


@dataclass(frozen=True)
class Identity:
    """Who is calling: a verified token's subject and scopes; `local` for callers with no HTTP in between."""

    subject: str | None = None
    scopes: frozenset[str] = frozenset()
    local: bool = False
    problem: str = ""  # why a token that was given was not accepted


LOCAL = Identity(local=True)  # stdio, in-memory clients and `mcpgen call`: they hold the files anyway
ANONYMOUS = Identity()


class Authenticator:
    """Checks the Authorization header of HTTP requests against the spec's `auth:` section."""

    def __init__(self, spec: AuthSpec, resource: str) -> None:
        self.spec = spec
        self.resource = resource  # the public /mcp URL: the audience tokens must name
        self._token = os.environ.get(spec.token_env or "", "") if spec.type == "bearer" else ""
        if spec.type == "bearer" and not self._token:
            raise AuthError(f"bearer auth needs the token in ${spec.token_env}, which is not set")
        issuer = (spec.issuer or "").rstrip("/")
        self._keys = (
            jwt.PyJWKClient(spec.jwks_url or f"{issuer}/.well-known/jwks.json") if spec.type == "oauth" else None
        )

    def bearer_accepts(self, authorization: str | None) -> bool:
        """bearer: whether the header carries the shared token (compared in constant time)."""
        given = _token(authorization) or ""
        return hmac.compare_digest(given.encode(), self._token.encode())

    async def verify(self, authorization: str | None) -> Identity:
        """`identify` off the event loop: fetching the issuer's keys (cached for minutes) is blocking I/O."""
        if _token(authorization) is None:
            return ANONYMOUS
        return await anyio.to_thread.run_sync(self.identify, authorization)

    def identify(self, authorization: str | None) -> Identity:
        """oauth: the identity a token proves, ANONYMOUS without one, or an Identity with its `problem`."""
        token = _token(authorization)
        if token is None or self._keys is None:
            return ANONYMOUS
        try:
            key = self._keys.get_signing_key_from_jwt(token).key
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"],
                audience=self.spec.audience or self.resource,
                issuer=self.spec.issuer,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            return Identity(problem="the access token has expired")
        except jwt.InvalidAudienceError:
            return Identity(problem="the access token is for another resource")
        except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
            log.info("an access token was refused: %s", type(exc).__name__)  # never the token itself
            return Identity(problem="the access token is not valid")
        scopes = claims.get("scope", claims.get("scp", ""))
        granted = scopes.split() if isinstance(scopes, str) else [str(scope) for scope in scopes]
        return Identity(subject=str(claims.get("sub", "")), scopes=frozenset(granted))

    def challenge(self, error: str, description: str, scopes: list[str] | None = None) -> str:
        """A WWW-Authenticate value that tells the client where to get a token (RFC 6750, RFC 9728)."""
        if self.spec.type == "bearer":
            return f'Bearer realm="mcp", error="{error}"'
        parts = [f'resource_metadata="{self.metadata_url()}"', f'error="{error}"', f'error_description="{description}"']
        if scopes:
            parts.append(f'scope="{" ".join(scopes)}"')
        return "Bearer " + ", ".join(parts)

    def refused(self, tool: str, message: str, scopes: list[str], identity: Identity) -> types.CallToolResult:
        """The error result of a call without the right token; its challenge makes ChatGPT start the sign-in."""
        error = "invalid_token" if identity.problem else "insufficient_scope"
        text = f"{tool} needs authorization: {message}. Ask the user to connect their account."
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            is_error=True,
            meta={"mcp/www_authenticate": [self.challenge(error, message, scopes)]},
        )

    def metadata_url(self) -> str:
        scheme, _, rest = self.resource.partition("://")
        origin, _, path = rest.partition("/")
        return f"{scheme}://{origin}{METADATA_PATH}/{path}".rstrip("/")

    def metadata(self, scopes: list[str]) -> dict[str, Any]:
        """The protected resource metadata (RFC 9728) that OAuth clients discover first."""
        return {
            "resource": self.resource,
            "authorization_servers": [self.spec.issuer],
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
        }


def schemes(tool: ToolSpec, auth: AuthSpec) -> list[dict[str, Any]] | None:
    """The securitySchemes a tool advertises (ChatGPT's mixed mode); None when the server has no OAuth."""
    if auth.type != "oauth":
        return None
    chosen = tool.security or [OAuth2Scheme(oauth2=list(auth.scopes))]
    return [
        {"type": "noauth"} if scheme == "noauth" else {"type": "oauth2", "scopes": scheme.oauth2} for scheme in chosen
    ]


def advertised(tool: types.Tool) -> list[dict[str, Any]] | None:
    """The securitySchemes a tool advertises in its `_meta`; None when the server has no OAuth."""
    return (tool.meta or {}).get("securitySchemes")


def refusal(schemes: list[dict[str, Any]] | None, identity: Identity) -> tuple[str, list[str]] | None:
    """Why `identity` may not call a tool with these `schemes` (a message and the scopes to ask for), or None."""
    if schemes is None or identity.local or {"type": "noauth"} in schemes:
        return None
    if identity.problem:
        return identity.problem, []
    needed = [scheme["scopes"] for scheme in schemes if scheme["type"] == "oauth2"]
    if identity.subject is None:
        return "this tool needs the user to sign in", needed[0] if needed else []
    if any(set(scopes) <= identity.scopes for scopes in needed):
        return None
    missing = sorted(set(needed[0]) - identity.scopes) if needed else []
    return f"the access token lacks the scope {' '.join(missing)}", needed[0] if needed else []


def all_scopes(tools: dict[str, ToolSpec], auth: AuthSpec) -> list[str]:
    found = dict.fromkeys(auth.scopes)
    for tool in tools.values():
        for scheme in tool.security or []:
            if isinstance(scheme, OAuth2Scheme):
                found.update(dict.fromkeys(scheme.oauth2))
    return list(found)


def _token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    kind, _, token = authorization.partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None
