"""Resources a connector serves (its widgets' HTML): the definition resources/list sends, and the text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Resource:
    """`definition`: uri, name, title, mimeType, description, _meta; `text`: what resources/read returns."""

    definition: Mapping[str, Any]
    text: str

    @property
    def uri(self) -> str:
        """The resource's URI."""
        return str(self.definition["uri"])

    def contents(self) -> dict[str, Any]:
        """The resources/read entry: the text with the metadata of the standard the URI is for."""
        contents = {"uri": self.uri, "mimeType": self.definition.get("mimeType"), "text": self.text}
        if "_meta" in self.definition:
            contents["_meta"] = self.definition["_meta"]
        return contents


def from_files(definitions: Iterable[Mapping[str, Any]], files: Mapping[str, str], folder: Path) -> dict[str, Resource]:
    """Resources by URI, each text read from the file `files` names for its URI, relative to `folder`."""
    return {
        definition["uri"]: Resource(definition, (folder / files[definition["uri"]]).read_text(encoding="utf-8"))
        for definition in definitions
    }
