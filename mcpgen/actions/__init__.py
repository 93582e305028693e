"""The registry of action kinds: the one list of what a tool can do."""

from mcpgen.actions.base import Action, Bound
from mcpgen.actions.board import Board
from mcpgen.actions.chatgpt_search import ChatGPTSearch
from mcpgen.actions.count import Count
from mcpgen.actions.create import Create
from mcpgen.actions.delete import Delete
from mcpgen.actions.fetch import Fetch
from mcpgen.actions.get import Get
from mcpgen.actions.listing import List
from mcpgen.actions.search import Search
from mcpgen.actions.update import Update

ACTIONS: dict[str, Action] = {
    action.kind: action
    for action in (List(), Get(), Create(), Update(), Delete(), Search(), Count(), ChatGPTSearch(), Fetch(), Board())
}

__all__ = ["ACTIONS", "Action", "Bound"]
