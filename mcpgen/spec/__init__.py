"""Reading a spec file: YAML with positions, interpolation, and every problem collected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mcpgen.errors import Problem, SpecError
from mcpgen.spec.files import file_problems
from mcpgen.spec.loader import Positions, load_document
from mcpgen.spec.model import Spec


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec with where it came from: its file (paths resolve against it) and its positions."""

    spec: Spec
    file: Path
    positions: Positions

    @property
    def base_dir(self) -> Path:
        """The spec's folder: relative paths in it start here."""
        return self.file.parent


def load_spec(file: str | Path, env: Mapping[str, str] | None = None) -> LoadedSpec:
    """Reads and checks a spec file; raises SpecError listing every problem."""
    path = Path(file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecError([Problem(str(path), 1, 1, "", f"cannot read the spec: {reason}")]) from exc
    return parse_spec(text, str(path), env)


def parse_spec(text: str, file: str, env: Mapping[str, str] | None = None) -> LoadedSpec:
    """Checks a spec's text, as read from `file`; raises SpecError listing every problem."""
    # The checker needs the action and storage registries, which import the spec models: importing it
    # here, not at the top, lets `mcpgen.spec.model` be imported from anywhere first.
    from mcpgen.spec.check import check  # noqa: PLC0415

    document = load_document(text, file, env)
    base_dir = Path(file).resolve().parent
    checked = not document.problems or document.data
    spec, problems = check(document.data, document.positions, base_dir) if checked else (None, [])
    problems = document.problems + problems
    problems += file_problems(document.data, base_dir, document.positions)
    if problems or spec is None:
        raise SpecError(problems)
    return LoadedSpec(spec, Path(file).resolve(), document.positions)


__all__ = ["LoadedSpec", "Spec", "load_spec", "parse_spec"]
