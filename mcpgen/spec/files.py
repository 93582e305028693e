"""The files a spec names (widget HTML, python handlers, the SQLite database): inside the spec's folder, and there.

A spec is often someone else's: what it names is read (and served, or run) only from its own folder, with
symbolic links followed, so that `html: ../../etc/passwd` cannot publish a file from elsewhere. A database
written as an absolute path is elsewhere on purpose, and allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mcpgen.errors import Problem
from mcpgen.spec.loader import Positions


def outside(base_dir: Path, named: str | Path) -> str | None:
    """Why the file `named` (relative to the folder `base_dir`) may not be used; None when it is inside."""
    folder = base_dir.resolve()
    written = Path(named)
    target = (folder / written).resolve()
    if target.is_relative_to(folder):
        return None
    rule = f"the spec's folder {folder}; files a spec names must be inside it"
    if Path(os.path.normpath(folder / written)).is_relative_to(folder):  # inside as written: a link leaves
        return f"{written} leads to {target}, outside {rule}"
    return f"{written} is outside {rule}"


def file_problems(data: Any, base_dir: Path, positions: Positions) -> list[Problem]:
    """The widget HTML files that are outside the folder or missing, and a SQLite path that leaves it."""
    problems = []
    widgets = data.get("widgets") if isinstance(data, dict) else None
    for name, widget in widgets.items() if isinstance(widgets, dict) else ():
        html = widget.get("html") if isinstance(widget, dict) else None
        if not isinstance(html, str):
            continue
        where = ("widgets", name, "html")
        if (refused := outside(base_dir, html)) is not None:
            problems.append(positions.problem(where, refused))
        elif not (base_dir / html).is_file():
            problems.append(positions.problem(where, f"no file {html} beside the spec"))
    storage = data.get("storage") if isinstance(data, dict) else None
    path = storage.get("path") if isinstance(storage, dict) else None
    sqlite = isinstance(storage, dict) and storage.get("backend", "sqlite") == "sqlite"
    if sqlite and isinstance(path, str) and not Path(path).is_absolute() and (refused := outside(base_dir, path)):
        hint = "write an absolute path to keep the database elsewhere on purpose"
        problems.append(positions.problem(("storage", "path"), refused, hint))
    return problems
