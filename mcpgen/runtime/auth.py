"""Who may call: a shared bearer token, or OAuth 2.1 access tokens (JWTs) checked as a resource server."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from starlette.authentication import BaseUser

from .errors import AuthError

log = logging.getLogger(__name__)
METADATA_PATH = "/.well-known/oauth-protected-resource"
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


@dataclass(frozen=True)
class AuthSettings:
    """How callers are checked: `none`, `bearer` (the token in $token_env) or `oauth` (tokens from `issuer`)."""

    type: str = "none"
    token_env: str | None = None
    issuer: str | None = None
    jwks_url: str | None = None  # default <issuer>/.well-known/jwks.json
    audience: str | None = None  # default the public /mcp URL
    scopes: tuple[str, ...] = ()  # what every protected tool needs


@dataclass(frozen=True)
class Identity(BaseUser):
    """Who is calling: a verified token's subject and scopes; `local` for callers with no HTTP in between."""

    subject: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    local: bool = False
    problem: str = ""  # why a token that was given was not accepted
    token: str | None = field(default=None, repr=False)  # the verified access token (for forward_token)

    @property
    def is_authenticated(self) -> bool:
        """Whether a token proved who this is."""
        return self.subject is not None

    @property
    def display_name(self) -> str:
        """The token's subject."""
        return self.subject or ""


LOCAL = Identity(local=True)  # stdio, in-memory clients and `mcpgen call`: they hold the files anyway
ANONYMOUS = Identity()


class Authenticator:
    """Checks the Authorization header of HTTP requests against the settings."""

    def __init__(self, settings: AuthSettings, resource: str) -> None:
        self.settings = settings
        self.resource = resource  # the public /mcp URL: the audience tokens must name
        self._token = os.environ.get(settings.token_env or "", "") if settings.type == "bearer" else ""
        if settings.type == "bearer" and not self._token:
            raise AuthError(f"bearer auth needs the token in ${settings.token_env}, which is not set")
        self._keys: Any = None
        if settings.type == "oauth":
            import jwt  # noqa: PLC0415 -- only OAuth needs it (and cryptography, which it loads)

            issuer = (settings.issuer or "").rstrip("/")
            self._keys = jwt.PyJWKClient(settings.jwks_url or f"{issuer}/.well-known/jwks.json")

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
        import jwt  # noqa: PLC0415 -- imported already by __init__

        try:
            key = self._keys.get_signing_key_from_jwt(token).key
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.settings.audience or self.resource,
                issuer=self.settings.issuer,
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
        return Identity(subject=str(claims.get("sub", "")), scopes=frozenset(granted), token=token)

    def challenge(self, error: str, description: str, scopes: Iterable[str] = ()) -> str:
        """A WWW-Authenticate value that tells the client where to get a token (RFC 6750, RFC 9728)."""
        if self.settings.type == "bearer":
            return f'Bearer realm="mcp", error="{error}"'
        parts = [f'resource_metadata="{self.metadata_url()}"', f'error="{error}"', f'error_description="{description}"']
        if scopes := list(scopes):
            parts.append(f'scope="{" ".join(scopes)}"')
        return "Bearer " + ", ".join(parts)

    def metadata_url(self) -> str:
        """Where the protected resource metadata of this resource is (RFC 9728: the path after the well-known part)."""
        scheme, _, rest = self.resource.partition("://")
        origin, _, path = rest.partition("/")
        return f"{scheme}://{origin}{METADATA_PATH}/{path}".rstrip("/")

    def metadata(self, scopes: list[str]) -> dict[str, Any]:
        """The protected resource metadata (RFC 9728) that OAuth clients discover first."""
        return {
            "resource": self.resource,
            "authorization_servers": [self.settings.issuer],
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
        }


def advertised(definition: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The securitySchemes a tool advertises in its `_meta` (ChatGPT's mixed mode); None without OAuth."""
    schemes: list[dict[str, Any]] | None = (definition.get("_meta") or {}).get("securitySchemes")
    return schemes


def open_to_all(schemes: list[dict[str, Any]] | None) -> bool:
    """Whether a tool with these schemes may be called without signing in."""
    return schemes is None or {"type": "noauth"} in schemes


def refusal(schemes: list[dict[str, Any]] | None, identity: Identity) -> tuple[str, list[str]] | None:
    """Why `identity` may not call a tool with these `schemes` (a message and the scopes to ask for), or None."""
    if open_to_all(schemes) or identity.local:
        return None
    if identity.problem:
        return identity.problem, []
    needed = [scheme["scopes"] for scheme in schemes or () if scheme["type"] == "oauth2"]
    if identity.subject is None:
        return "this tool needs the user to sign in", needed[0] if needed else []
    if any(set(scopes) <= identity.scopes for scopes in needed):
        return None
    missing = sorted(set(needed[0]) - identity.scopes) if needed else []
    return f"the access token lacks the scope {' '.join(missing)}", needed[0] if needed else []


def scopes_supported(settings: AuthSettings, definitions: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every scope the server may ask for: the settings' own, then those of the tools' schemes."""
    found = dict.fromkeys(settings.scopes)
    for definition in definitions:
        for scheme in advertised(definition) or ():
            found.update(dict.fromkeys(scheme.get("scopes", ())))
    return list(found)


def _token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    kind, _, token = authorization.partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None
