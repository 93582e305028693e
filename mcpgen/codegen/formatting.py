"""Rendered Python formatted as a person would leave it: imports sorted, unused ones dropped, `ruff format`."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from mcpgen.errors import GenerateError


def formatted(files: dict[Path, str], beside: dict[Path, str] | None = None) -> dict[Path, str]:
    """The files after `ruff check --fix --select I,F401` and `ruff format`, as the project's pyproject.toml says.

    `beside` are files of the project that are not formatted here but must be there for imports to be sorted
    as in the project (first-party modules).
    """
    ruff: str = find_ruff_bin()
    with tempfile.TemporaryDirectory(prefix="mcpgen-") as folder:
        root = Path(folder)
        for relative, text in {**(beside or {}), **files}.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8", newline="")
        for command in (
            [ruff, "check", "--fix", "--select", "I,F401", "--quiet", "--no-cache", "."],
            [ruff, "format", "--quiet", "--no-cache", "."],
        ):
            run = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise GenerateError(f"ruff could not process the generated code:\n{run.stdout}{run.stderr}")
        return {relative: (root / relative).read_text(encoding="utf-8") for relative in files}
