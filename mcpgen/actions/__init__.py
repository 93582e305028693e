"""The registry of action kinds: the one list of what a tool can do (each kind's behaviour is in the runtime)."""

from mcpgen.actions.base import Bound, Finding, Kind, RecordKind
from mcpgen.actions.board import BoardKind
from mcpgen.actions.count import CountKind
from mcpgen.actions.create import CreateKind
from mcpgen.actions.declared import DeclaredKind, Scope
from mcpgen.actions.delete import DeleteKind
from mcpgen.actions.documents import ChatGPTSearchKind, FetchKind
from mcpgen.actions.get import GetKind
from mcpgen.actions.http import HttpKind
from mcpgen.actions.listing import ListKind
from mcpgen.actions.python import PythonKind
from mcpgen.actions.search import SearchKind
from mcpgen.actions.sql import SqlKind
from mcpgen.actions.update import UpdateKind

ACTIONS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        ListKind(),
        GetKind(),
        CreateKind(),
        UpdateKind(),
        DeleteKind(),
        SearchKind(),
        CountKind(),
        ChatGPTSearchKind(),
        FetchKind(),
        BoardKind(),
        SqlKind(),
        HttpKind(),
        PythonKind(),
    )
}

__all__ = ["ACTIONS", "Bound", "DeclaredKind", "Finding", "Kind", "RecordKind", "Scope"]
