"""The Refresh ledger: the view at the last `mcpgen lock`, the last view ChatGPT listed, and stale calls."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mcpgen.dev.diff import renames
from mcpgen.spec import LoadedSpec

CHATGPT = "openai-mcp"  # the clientInfo.name ChatGPT initializes with
LOCK_FORMAT = 1
LISTINGS = "mcpgen_chatgpt_listings"  # on PostgreSQL, so that every replica records and reads the same


def lock_path(loaded: LoadedSpec) -> Path:
    """The lock file beside the spec, meant to be committed: kanban.yaml → kanban.lock.json."""
    return loaded.file.with_suffix(".lock.json")


def data_dir(loaded: LoadedSpec) -> Path:
    """Where the server keeps what it learns at run time: beside the database, or `data/` beside the spec."""
    storage = loaded.spec.storage
    if storage.backend == "sqlite" and storage.path:
        return (loaded.base_dir / storage.path).parent
    return loaded.base_dir / "data"


def chatgpt_path(loaded: LoadedSpec) -> Path:
    """Where the view ChatGPT last listed is recorded (on SQLite and memory; PostgreSQL keeps it in the database)."""
    return data_dir(loaded) / f"{loaded.spec.name}.chatgpt.json"


def listing_place(loaded: LoadedSpec) -> str:
    """Where ChatGPT's last listing is kept, for messages."""
    if loaded.spec.storage.backend == "postgres":
        return f"the table {LISTINGS} of the PostgreSQL schema {loaded.spec.storage.schema_name or 'public'}"
    return str(chatgpt_path(loaded))


def refresh_step(loaded: LoadedSpec) -> str:
    """What to do in ChatGPT to show it the current tools."""
    title = loaded.spec.title or loaded.spec.name
    return f"press Refresh in the connector settings (ChatGPT: Settings → Connectors → {title} → Refresh)"


def write_lock(loaded: LoadedSpec, view: dict[str, Any]) -> Path:
    """Records `view` as what ChatGPT saw at the last Refresh; no timestamps, so it diffs well in git."""
    path = lock_path(loaded)
    document = {"mcpgen_lock": LOCK_FORMAT, "spec": loaded.file.name, "view": view}
    _write(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def read_lock(loaded: LoadedSpec) -> dict[str, Any] | None:
    """The view recorded at the last `mcpgen lock`, or None."""
    return _read_view(lock_path(loaded))


def record_listing(loaded: LoadedSpec, view: dict[str, Any], client_version: str, protocol: str) -> None:
    """Remembers the view a ChatGPT client was just given."""
    document = {
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "client": {"name": CHATGPT, "version": client_version},
        "protocol_version": protocol,
        "view": view,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if loaded.spec.storage.backend == "postgres":
        with _database(loaded) as db:
            db.execute(f"CREATE TABLE IF NOT EXISTS {LISTINGS} (connector TEXT PRIMARY KEY, document TEXT NOT NULL)")
            db.execute(
                f"INSERT INTO {LISTINGS} VALUES (%s, %s) ON CONFLICT (connector) DO UPDATE SET document = %s",
                [loaded.spec.name, text, text],
            )
    else:
        _write(chatgpt_path(loaded), text)


def read_listing(loaded: LoadedSpec) -> dict[str, Any] | None:
    """The whole record of ChatGPT's last listing (with when it happened), or None."""
    try:
        if loaded.spec.storage.backend == "postgres":
            text = _listed(loaded)
            if text is None:
                return None
        else:
            text = chatgpt_path(loaded).read_text(encoding="utf-8")
        document: dict[str, Any] = json.loads(text)
    except (OSError, ValueError):
        return None
    return document if isinstance(document.get("view"), dict) else None


def _database(loaded: LoadedSpec) -> Any:
    """A connection to the spec's PostgreSQL database, in its schema (psycopg is there with the backend)."""
    import psycopg  # noqa: PLC0415 -- only PostgreSQL specs get here

    storage = loaded.spec.storage
    db = psycopg.connect(storage.url or "", autocommit=True, connect_timeout=10)
    db.execute(f'SET search_path TO "{(storage.schema_name or "public").replace(chr(34), chr(34) * 2)}"')
    return db


def _listed(loaded: LoadedSpec) -> str | None:
    import psycopg  # noqa: PLC0415 -- only PostgreSQL specs get here

    try:
        with _database(loaded) as db:
            row = db.execute(f"SELECT document FROM {LISTINGS} WHERE connector = %s", [loaded.spec.name]).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.Error as exc:
        raise OSError(f"cannot read ChatGPT's listing from PostgreSQL: {type(exc).__name__}") from exc
    return str(row[0]) if row else None


def stale_call(loaded: LoadedSpec, name: str, view: dict[str, Any]) -> str | None:
    """For a call to a tool a client once saw but the spec no longer has: what the model should do."""
    current = {tool["name"]: tool for tool in view["tools"]}
    listing = read_listing(loaded)
    for seen in (listing["view"] if listing else None, read_lock(loaded)):
        if seen is None:
            continue
        before = {tool["name"]: tool for tool in seen.get("tools", [])}
        if name not in before or name in current:
            continue
        renamed = renames(before, current).get(name)
        if renamed:
            return (
                f"The tool '{name}' was renamed to '{renamed}'; call '{renamed}' instead. "
                f"This client has an old copy of the tool list: ask the user to {refresh_step(loaded)}."
            )
        return (
            f"The tool '{name}' was removed from this connector. This client has an old copy of the tool list: "
            f"ask the user to {refresh_step(loaded)}."
        )
    return None


def _read_view(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    view = document.get("view") if isinstance(document, dict) else None
    if not isinstance(view, dict):
        raise ValueError(f"{path} is not a mcpgen lock file")
    return view


def _write(path: Path, text: str) -> None:
    """Replaces the file at once, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
