"""Hot reload: watches the spec and its widgets (watchfiles), checks each edit, swaps good versions in."""

from __future__ import annotations

import logging
from pathlib import Path

import watchfiles

from mcpgen.dev.live import LiveServer
from mcpgen.errors import McpgenError, SpecError
from mcpgen.spec import load_spec
from mcpgen.spec.handlers import module_file

log = logging.getLogger("mcpgen.reload")
logging.getLogger("watchfiles").setLevel(logging.WARNING)  # not a line for every write to a database beside the spec


def watched(server: LiveServer) -> set[Path]:
    """The files a spec is made of: the spec file, the widgets' HTML and the python handlers' modules."""
    loaded = server.loaded
    widgets = ((loaded.base_dir / widget.html).resolve() for widget in loaded.spec.widgets.values())
    handlers = (
        module_file(loaded.base_dir, tool.handler).resolve() for tool in loaded.spec.tools.values() if tool.handler
    )
    return {loaded.file, *widgets, *handlers}


async def watch(server: LiveServer) -> None:
    """Runs until cancelled; a broken edit is reported and the last good spec keeps serving.

    It watches the spec's folder (editors replace files rather than write them in place) and reacts to changes
    of the files the spec is made of, which an edit may change too.
    """
    while True:
        folders = {path.parent for path in watched(server)}
        async for changes in watchfiles.awatch(*folders, debounce=100, step=25, recursive=False):
            if {Path(path).resolve() for _, path in changes} & watched(server):
                await reload(server)
            if {path.parent for path in watched(server)} != folders:
                break  # a widget moved to another folder: watch that one instead


async def reload(server: LiveServer) -> bool:
    """Loads the spec file again and swaps it in if it is valid; True when it was swapped.

    Either way `server.problems` says why the file on disk is not served (empty when it is), and its watchers
    are told.
    """
    file = server.loaded.file
    try:
        loaded = load_spec(file)
        await server.swap(loaded)
    except SpecError as exc:
        problems = "\n".join(f"  {problem}" for problem in exc.problems)
        log.error("%s has problems; still serving the last good version:\n%s", file, problems)
        return _edited(server, [str(problem) for problem in exc.problems])
    except McpgenError as exc:  # storage that cannot be migrated, a bearer token that is not set
        log.error("%s cannot be served: %s; still serving the last good version", file, exc)
        return _edited(server, [f"{file}: cannot be served: {exc}"])
    except Exception as exc:  # the watcher must outlive any surprise
        log.exception("reloading %s failed; still serving the last good version", file)
        return _edited(server, [f"{file}: reloading failed: {type(exc).__name__}: {exc}"])
    log.info("reloaded %s: %d tools", file, len(server.connector.tools))
    return _edited(server, [])


def _edited(server: LiveServer, problems: list[str]) -> bool:
    server.problems = problems
    for watcher in server.watchers:
        watcher()
    return not problems
