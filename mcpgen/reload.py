"""Hot reload: watches the spec file, checks each edit, and swaps good versions into the running server."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import anyio

from mcpgen.errors import AuthError, SpecError
from mcpgen.server import Connector
from mcpgen.spec import load_spec
from mcpgen.storage.base import StorageError

log = logging.getLogger("mcpgen.reload")


def watched(connector: Connector) -> list[Path]:
    """The files a spec is made of: the spec file and the widgets' HTML."""
    loaded = connector.loaded
    return [loaded.file, *(loaded.base_dir / widget.html for widget in loaded.spec.widgets.values())]


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


async def watch(connector: Connector, interval: float = 0.25) -> None:
    """Runs until cancelled; a broken edit is reported and the last good spec keeps serving."""
    seen = _fingerprint(watched(connector))
    while True:
        await anyio.sleep(interval)
        current = _fingerprint(watched(connector))
        if current == seen:
            continue
        seen = current
        await reload(connector)


async def reload(connector: Connector) -> bool:
    """Loads the spec file again and swaps it in if it is valid; True when it was swapped."""
    file = connector.loaded.file
    try:
        loaded = load_spec(file)
        await connector.swap(loaded)
    except SpecError as exc:
        problems = "\n".join(f"  {problem}" for problem in exc.problems)
        log.error("%s has problems; still serving the last good version:\n%s", file, problems)
        return False
    except StorageError as exc:
        log.error("%s cannot be applied to the storage; still serving the last good version:\n%s", file, exc)
        return False
    except AuthError as exc:  # e.g. bearer auth whose token variable is not set
        log.error("%s cannot be served: %s; still serving the last good version", file, exc)
        return False
    except Exception:  # the watcher must outlive any surprise
        log.exception("reloading %s failed; still serving the last good version", file)
        return False
    log.info("reloaded %s: %d tools", file, len(connector.tools))
    return True
