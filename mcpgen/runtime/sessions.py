"""Handshake-era sessions that any replica recognises: the id carries what the server needs, signed.

A session id is `<payload>.<signature>`: the payload (base64url JSON) holds the negotiated protocol version,
the client's name and version, who opened it, and a random nonce; the signature is an HMAC-SHA256 with a key
the replicas share. So a replica that never saw the `initialize` accepts the session, and no replica keeps
a session table. Without a shared key (one process), DELETE ends a session; with one, it is refused (405), as
the specification allows: the other replicas would not know.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass

MAX_ENDED = 100_000  # ended sessions remembered (each replica); older ones are forgotten first
MAX_KNOWN = 10_000  # checked session ids kept, so a session's later requests skip the signature


@dataclass(frozen=True)
class Session:
    """What a session id says: the protocol version, the client, and the subject of who opened it."""

    protocol: str
    client: str = ""
    client_version: str = ""
    subject: str | None = None


class Sessions:
    """Makes and checks session ids with one key (random when none is given: then only this process knows them)."""

    def __init__(self, key: str | None = None) -> None:
        self.shared = key is not None
        self._key = key.encode() if key is not None else secrets.token_bytes(32)
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._known: dict[str, Session] = {}

    def open(self, session: Session) -> str:
        """A new session id carrying `session`."""
        fields = [session.protocol, session.client, session.client_version, session.subject, secrets.token_hex(8)]
        payload = _encode(json.dumps(fields, separators=(",", ":")).encode())  # \u escapes: any text encodes
        return f"{payload}.{self._sign(payload)}"

    def read(self, session_id: str) -> Session | None:
        """The session an id carries; None for an id this server did not make, or one that was ended."""
        known = self._known.get(session_id)
        if known is not None:
            return known
        payload, _, signature = session_id.partition(".")
        if not hmac.compare_digest(signature, self._sign(payload)) or session_id in self._ended:
            return None
        try:
            protocol, client, version, subject, _ = json.loads(base64.urlsafe_b64decode(payload + "=="))
            session = Session(str(protocol), str(client), str(version), None if subject is None else str(subject))
        except (ValueError, TypeError):
            return None
        if len(self._known) >= MAX_KNOWN:
            self._known.pop(next(iter(self._known)))
        self._known[session_id] = session
        return session

    def end(self, session_id: str) -> None:
        """Refuses the id from now on (on this replica)."""
        self._known.pop(session_id, None)
        self._ended[session_id] = None
        while len(self._ended) > MAX_ENDED:
            self._ended.popitem(last=False)

    def _sign(self, payload: str) -> str:
        return _encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:18])


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
