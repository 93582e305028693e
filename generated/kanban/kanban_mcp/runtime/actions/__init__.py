"""The behaviour of each action kind, one module each; their dataclass fields are the kinds' settings."""

from .base import Action, RecordAction
from .board import Board
from .count import Count
from .create import Create
from .delete import Delete
from .documents import ChatGPTSearch, Fetch
from .get import Get
from .handler import Handler
from .listing import List
from .request import Request
from .search import Search
from .statement import Statement
from .update import Update

__all__ = [
    "Action",
    "Board",
    "ChatGPTSearch",
    "Count",
    "Create",
    "Delete",
    "Fetch",
    "Get",
    "Handler",
    "List",
    "RecordAction",
    "Request",
    "Search",
    "Statement",
    "Update",
]
