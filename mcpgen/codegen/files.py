"""Writing a project: only where mcpgen wrote before (its manifest), removing files it no longer writes."""

from __future__ import annotations

from pathlib import Path

from mcpgen.errors import GenerateError

MANIFEST = ".mcpgen-files"  # what the last `generate` wrote: the files it may overwrite or remove
KEPT = (".venv", "data", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")  # made by running it


def write(files: dict[Path, str], out: Path, *, force: bool = False) -> list[Path]:
    """Writes `files` (relative paths) into `out`; refuses a folder holding files mcpgen did not write."""
    previous = _manifest(out)
    strangers = [path for path in _existing(out) if path not in previous and path not in files]
    if strangers and not force:
        shown = ", ".join(map(str, strangers[:5])) + (" …" if len(strangers) > 5 else "")
        raise GenerateError(f"{out} holds files mcpgen did not write ({shown}); pass --force to write there anyway")
    for stale in sorted(previous - files.keys()):
        (out / stale).unlink(missing_ok=True)
    for relative, text in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8", newline="")
    (out / MANIFEST).write_text("".join(f"{path}\n" for path in sorted(map(str, files))), encoding="utf-8")
    return sorted(files)


def _manifest(out: Path) -> set[Path]:
    try:
        return {Path(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines() if line}
    except FileNotFoundError:
        return set()


def _existing(out: Path) -> list[Path]:
    if not out.exists():
        return []
    if not out.is_dir():
        raise GenerateError(f"{out} is a file, not a folder")
    found = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if path.is_file() and relative != Path(MANIFEST) and not set(relative.parts) & set(KEPT):
            found.append(relative)
    return found
