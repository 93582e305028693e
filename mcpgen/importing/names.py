"""Names for what an import makes: verb_noun tool names, snake_case parameters, slugs, all unique and short enough."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence

from mcpgen.lint.names import VERBS

TOOL_NAME_MAX = 64  # ^[A-Za-z0-9_.-]{1,64}$: what MCP clients accept
SLUG_MAX = 32
# Words a name can lose first when it is too long: they join, they do not say what is done to what.
FILLER = frozenset({"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})
# Path segments that version or prefix an API rather than name a thing.
_PREFIXES = re.compile(r"^(api|rest|v\d+(\.\d+)*)$")
_BY_METHOD = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete", "HEAD": "check"}


def words(text: str) -> list[str]:
    """Lower-case words of camelCase, kebab-case, snake_case or spaced text: `getPetByID` → get, pet, by, id."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.replace("'", "")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [word.lower() for word in re.split(r"[^A-Za-z0-9]+", text) if word]


def _squeeze(parts: Sequence[str]) -> list[str]:
    """Words without a word repeated right after itself (`issues_issues` → `issues`)."""
    kept: list[str] = []
    for word in parts:
        if not kept or kept[-1] != word:
            kept.append(word)
    return kept


def shorten(parts: Sequence[str], limit: int = TOOL_NAME_MAX) -> str:
    """`parts` joined by `_` in at most `limit` characters: fillers go first, then repeats, then words from the end."""
    parts = list(parts)

    def size(chosen: Sequence[str]) -> int:
        return len("_".join(chosen))

    if size(parts) > limit:
        parts = parts[:1] + [word for word in parts[1:] if word not in FILLER]
    if size(parts) > limit:
        seen: set[str] = set()
        unique = []
        for word in parts:
            if word not in seen:
                unique.append(word)
            seen.add(word)
        parts = unique
    while len(parts) > 1 and size(parts) > limit:
        parts.pop()
    return "_".join(parts)[:limit].rstrip("_")


def unique(name: str, taken: Collection[str], limit: int = TOOL_NAME_MAX) -> str:
    """`name`, or `name_2`, `name_3`… (shortened to fit `limit`) when it is taken."""
    if name not in taken:
        return name
    number = 2
    while True:
        suffix = f"_{number}"
        candidate = name[: limit - len(suffix)].rstrip("_") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def identifier(parts: Sequence[str], fallback: str, limit: int = TOOL_NAME_MAX) -> str:
    """`^[a-z][a-z0-9_]*$` from words: a leading digit gets a prefix, no words give `fallback`."""
    parts = _squeeze(parts)
    if not parts:
        return fallback
    if parts[0][0].isdigit():
        parts = [fallback, *parts]
    return shorten(parts, limit)


def operation_tool_name(operation_id: str) -> list[str]:
    """The words of a tool name from an operationId; a namespace (`pets/`, `drive.files.`) follows the verb.

    `listPets` → list pets; `pets/get-by-id` → get pets by id; `drive.files.list` → list drive files.
    """
    segments = [words(segment) for segment in re.split(r"[/.:]+", operation_id)]
    segments = [segment for segment in segments if segment]
    if len(segments) < 2:
        return segments[0] if segments else []
    *namespace, last = segments
    return [last[0], *(word for segment in namespace for word in segment), *last[1:]]


def singular(word: str) -> str:
    """A plain English singular: pets → pet, categories → category, addresses → address, status stays."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def route_tool_name(method: str, path: str) -> list[str]:
    """The words of a tool name from its method and path: GET /pets → list pets, GET /pets/{id} → get pet."""
    segments = [segment for segment in path.split("/") if segment]
    nouns: list[list[str]] = []  # each static segment's words, singular when a parameter follows it
    for index, segment in enumerate(segments):
        if segment.startswith("{") or _PREFIXES.match(segment.lower()):
            continue
        parts = words(segment)
        followed = index + 1 < len(segments) and segments[index + 1].startswith("{")
        if parts and (followed or index + 1 < len(segments)):
            parts[-1] = singular(parts[-1])
        if parts:
            nouns.append(parts)
    on_item = bool(segments) and segments[-1].startswith("{")
    if nouns and not on_item and nouns[-1][0] in VERBS and len(nouns) > 1:
        verb, *rest = nouns.pop()  # POST /pets/{id}/uploadImage → upload pet image
        return [verb, *(word for noun in nouns for word in noun), *rest]
    if method == "GET":
        verb = "list" if nouns and not on_item and nouns[-1][-1].endswith("s") else "get"
    else:
        verb = _BY_METHOD.get(method, method.lower())
    if nouns and verb != "list" and not on_item:
        nouns[-1][-1] = singular(nouns[-1][-1])
    flat = [word for noun in nouns for word in noun] or ["root"]
    return [verb, *flat]


def parameter_name(wire: str, location: str) -> list[str]:
    """The words of a parameter's name: `petId` → pet id; a header's `X-` goes (`X-Request-Id` → request id)."""
    parts = words(wire)
    if location == "header" and len(parts) > 1 and parts[0] == "x":
        parts = parts[1:]
    return parts


def slug(text: str, limit: int = SLUG_MAX) -> str:
    """`^[a-z][a-z0-9-]*$` from a title: `Swagger Petstore` → swagger-petstore."""
    parts = words(text)
    while len(parts) > 1 and len("-".join(parts)) > limit:
        parts.pop()
    name = "-".join(parts)[:limit].rstrip("-")
    if not name or not name[0].isalpha():
        name = f"api-{name}".rstrip("-")
    return name
