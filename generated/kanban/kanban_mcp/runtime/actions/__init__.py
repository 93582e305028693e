"""The behaviour of each action kind, one module each; their dataclass fields are the kinds' settings."""

from .base import Action
from .board import Board
from .count import Count
from .create import Create
from .delete import Delete
from .documents import ChatGPTSearch, Fetch
from .get import Get
from .listing import List
from .search import Search
from .update import Update

__all__ = ["Action", "Board", "ChatGPTSearch", "Count", "Create", "Delete", "Fetch", "Get", "List", "Search", "Update"]
