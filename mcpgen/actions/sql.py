"""`sql`: a statement of the spec's own over its storage (the runtime's Statement), checked on an empty copy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mcpgen.actions.base import Finding
from mcpgen.actions.declared import DeclaredKind, Scope, parameters, returns_schema
from mcpgen.errors import did_you_mean
from mcpgen.runtime.actions import Statement
from mcpgen.runtime.actions.statement import SUBJECT
from mcpgen.runtime.model import OWNER, Model
from mcpgen.runtime.storage.sqlite import DIALECT
from mcpgen.runtime.storage.statements import parameters as used
from mcpgen.runtime.words import listed
from mcpgen.spec.model import ToolSpec

STEPS = 200_000  # virtual machine steps a statement may take on the empty copy (a recursive query may not end)
_WRITES = {
    sqlite3.SQLITE_INSERT: "INSERT into",
    sqlite3.SQLITE_UPDATE: "UPDATE of",
    sqlite3.SQLITE_DELETE: "DELETE from",
}


@dataclass
class Trial:
    """What running a statement once on an empty copy of the tables showed."""

    error: str | None = None
    columns: tuple[str, ...] | None = None  # None: it gives no rows (a write without RETURNING)
    reads: set[str] = field(default_factory=set)
    writes: dict[str, str] = field(default_factory=dict)  # table → what it does to it


class SqlKind(DeclaredKind):
    """`statement`, typed `parameters` (`:name` in it), `returns` (its columns) and `read_only`."""

    summary = "Runs an SQL statement of the spec's own over its tables, its parameters always bound."
    docs = {
        "statement": "the SQL statement: :name for a parameter, :subject for the caller (owned tables need it)",
        "parameters": "the parameters of the statement, typed like fields",
        "returns": "the statement's columns, typed like fields",
        "read_only": "whether the statement only reads (default true); a statement that writes runs in one transaction",
    }
    own_keys = frozenset({"statement"})
    read_only_default = True

    @property
    def name(self) -> str:
        """`sql`."""
        return Statement.kind

    def hints(self, tool: ToolSpec) -> dict[str, bool]:
        """A read is safe to repeat; a write may overwrite or delete."""
        reads = self.reads(tool)
        return {"read_only": reads, "destructive": not reads, "idempotent": reads, "open_world": False}

    def own_check(self, name: str, tool: ToolSpec, scope: Scope) -> Iterator[Finding]:
        """Its parameters match the statement's, which runs on the tables, writes only if allowed, and is owned."""
        if scope.backend == "memory":
            yield ("action",), "sql tools need SQLite or PostgreSQL storage", "storage: {backend: sqlite}"
        if not tool.statement or not tool.statement.strip():
            yield (), "a sql tool needs its statement", "e.g. statement: SELECT status, count(*) AS n FROM task ..."
            return
        declared, names = parameters(tool), used(tool.statement)
        for missing in [name for name in names if name not in declared and name != SUBJECT]:
            hint = f"declare it under parameters, e.g. {missing}: {{type: string, required: true}}"
            yield ("statement",), f"the statement uses :{missing}, which is not a parameter", hint
        for unused in [name for name in declared if name not in names]:
            yield ("parameters", unused), f"the statement does not use :{unused}", f"use :{unused}, or remove it"
        if SUBJECT in declared:
            hint = ":subject is bound to the caller; name the parameter otherwise"
            yield ("parameters", SUBJECT), "'subject' is kept for the caller", hint
        trial = tried(tool.statement, scope.runtime_models, names)
        if trial.error is not None:
            if scope.backend != "postgres":  # PostgreSQL's own syntax is not SQLite's: it is checked when called
                yield ("statement",), f"the statement does not run on the tables: {trial.error}", _hint(trial, scope)
            return
        if self.reads(tool) and trial.writes:
            done = listed(f"{what} {table}" for table, what in trial.writes.items())
            hint = "set read_only: false (ChatGPT then asks the user to confirm), or only read"
            yield ("statement",), f"the statement writes ({done}) but the tool is read_only", hint
        owned = sorted(t for t in {*trial.reads, *trial.writes} if (m := scope.runtime_models.get(t)) and m.owner)
        if owned and SUBJECT not in names:
            hint = f"add {OWNER} = :subject for each of them: their records belong to the signed-in user"
            yield ("statement",), f"the statement uses {listed(owned)} without :subject", hint
        if tool.returns is not None and trial.columns is not None:
            for column in [column for column in trial.columns if column not in tool.returns]:
                hint = "name it with AS and describe it under returns"
                yield ("returns",), f"the statement gives the column '{column}', which returns does not describe", hint
            for key in [key for key in tool.returns if key not in trial.columns]:
                hint = did_you_mean(key, trial.columns)
                yield ("returns", key), f"the statement gives no column '{key}'", hint

    def compile(self, name: str, tool: ToolSpec, scope: Scope) -> Statement:
        """The runtime's Statement."""
        return Statement(
            (tool.statement or "").strip(),
            read_only=self.reads(tool),
            parameters=tuple((name, spec.type) for name, spec in parameters(tool).items()),
            returns=tuple((key, spec.type) for key, spec in (tool.returns or {}).items()),
        )

    def output_schema(self, tool: ToolSpec) -> dict[str, Any]:
        """`{rows, more}`, and `changed` for a write."""
        row = returns_schema(tool.returns) if tool.returns else {"type": "object"}
        properties: dict[str, Any] = {
            "rows": {"type": "array", "items": row, "description": "The rows the statement gave."},
            "more": {"type": "boolean", "description": "Whether it gave more rows than these."},
        }
        if not self.reads(tool):
            properties["changed"] = {"type": "integer", "description": "How many rows it changed."}
        return {"type": "object", "properties": properties, "required": list(properties)}


def tried(statement: str, models: Mapping[str, Model], names: tuple[str, ...]) -> Trial:
    """Runs the statement once on empty in-memory tables, every parameter null, noting what it reads and writes."""
    trial = Trial()

    def authorize(action: int, first: str | None, second: str | None, database: str | None, inner: Any) -> int:
        if action == sqlite3.SQLITE_READ and first:
            trial.reads.add(first)
        elif action in _WRITES and first and not first.startswith("sqlite_"):
            trial.writes.setdefault(first, _WRITES[action])
        return sqlite3.SQLITE_OK

    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for model, spec in models.items():
            db.execute(DIALECT.create_table(model, spec))
        db.set_authorizer(authorize)
        db.set_progress_handler(lambda: 1, STEPS)  # a statement that runs this long is stopped, not failed
        db.execute("BEGIN")
        cursor = db.execute(statement, dict.fromkeys(names))
        if cursor.description is not None:
            trial.columns = tuple(column[0] for column in cursor.description)
    except sqlite3.IntegrityError:
        pass  # a NOT NULL or key refusal of the null parameters: the statement itself is sound
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            trial.error = str(exc)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        trial.error = str(exc)
    finally:
        db.close()
    return trial


def _hint(trial: Trial, scope: Scope) -> str:
    """What the error may mean: a misspelt table or column."""
    error = trial.error or ""
    tables = list(scope.runtime_models)
    if error.startswith("no such table: "):
        return did_you_mean(error.removeprefix("no such table: "), tables) or "tables are the models, by name"
    if error.startswith("no such column: "):
        columns = {name for model in scope.runtime_models.values() for name in model.fields}
        return did_you_mean(error.removeprefix("no such column: ").rpartition(".")[2], columns)
    if "one statement at a time" in error:
        return "a sql tool runs one statement; make a tool for each"
    return ""
