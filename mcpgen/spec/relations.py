"""The checks of relations between records: refs, cascades, unique keys and renames (a part of check.py's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mcpgen.errors import Problem, did_you_mean
from mcpgen.spec.loader import Path, Positions
from mcpgen.spec.model import FieldSpec, ModelSpec


class RelationChecks:
    """What _CrossCheck checks of refs, keys and renames; it supplies the positions and the salvaged models."""

    at: Positions
    raw: dict[str, Any]
    specs: dict[str, ModelSpec]
    broken: dict[str, set[str]]

    def ref(self, path: Path, owner: str, field: FieldSpec) -> Iterator[Problem]:
        """A ref points to a model that has an id; set_null only empties an optional field."""
        target = self.specs.get(field.model or "")
        if not field.model:
            example = next((name for name in self.raw if name != owner), "customer")
            where = (*path, "model") if "model" in field.model_fields_set else path
            yield self.at.problem(where, "a ref field needs model: the model it points to", f"e.g. model: {example}")
        elif field.model not in self.raw:
            hint = did_you_mean(field.model, self.raw)
            yield self.at.problem((*path, "model"), f"unknown model '{field.model}'", hint)
        elif target and not self.broken[field.model] and all(spec.type != "id" for spec in target.fields.values()):
            message, hint = f"model '{field.model}' has no id field to point to", "add one to it: id: {type: id}"
            yield self.at.problem((*path, "model"), message, hint)
        if field.on_delete == "set_null" and field.required:
            hint = "make the field optional, or use on_delete: restrict or cascade"
            yield self.at.problem((*path, "on_delete"), "set_null would empty a required field", hint)
        if given(field, "default"):
            hint = "the ids of the records it points to are not known in advance"
            yield self.at.problem((*path, "default"), "'default' does not apply to ref fields", hint, key=True)

    def renames(self, path: Path, former: dict[str, str | None], what: str, names: set[str]) -> Iterator[Problem]:
        """Each renamed_from is a former name: not the entry's own, none of the current `names`, claimed once."""
        claimed: dict[str, str] = {}
        for name, old in former.items():
            if old is None:
                continue
            where = (*path, name, "renamed_from")
            if old == name:
                hint = "renamed_from is the name it had before; remove it if it had no other"
                yield self.at.problem(where, f"'{old}' is the {what}'s own name", hint)
            elif old in names:
                hint = f"renamed_from names a {what} that is gone; remove '{old}' or this renamed_from"
                yield self.at.problem(where, f"{what} '{old}' still exists", hint)
            elif old in claimed:
                message = f"{what} '{claimed[old]}' is already renamed from '{old}'"
                yield self.at.problem(where, message, f"only one {what} can take over '{old}'")
            claimed.setdefault(old, name)

    def keys(self, path: Path, model: ModelSpec, broken: set[str]) -> Iterator[Problem]:
        """Compound keys: two or more known fields each, none repeated, and no key listed twice."""
        seen: dict[frozenset[str], int] = {}
        for index, key in enumerate(model.unique or []):
            where = (*path, "unique", index)
            if len(key) < 2:
                hint = f"for one field, use unique: true on '{key[0]}'" if key else "list two or more fields"
                yield self.at.problem(where, "a compound key needs two or more fields", hint)
            for position, field in enumerate(key):
                if field in key[:position]:
                    yield self.at.problem((*where, position), f"'{field}' is already in this key", "list it once")
                elif field not in model.fields and field not in broken:
                    hint = did_you_mean(field, {*model.fields, *broken})
                    yield self.at.problem((*where, position), f"unknown field '{field}'", hint)
            if len(set(key)) > 1 and frozenset(key) in seen:
                message = f"the same key as unique[{seen[frozenset(key)]}]"
                yield self.at.problem(where, message, "list each key once; the order of its fields does not matter")
            seen.setdefault(frozenset(key), index)

    def cascades(self) -> Iterator[Problem]:
        """Cascading deletes that lead back, through other models, to where they started: once, where they close."""
        edges = [
            (name, field_name, field.model)
            for name, model in self.specs.items()
            for field_name, field in model.fields.items()
            if field.type == "ref" and field.on_delete == "cascade" and field.model in self.specs
            if field.model != name  # a tree of records deleting its children is fine
        ]
        for index, (source, field_name, target) in enumerate(edges):
            chain = shortest_chain(edges[:index], target, source)
            if chain is not None:
                steps = " → ".join(f"{model}.{field}" for model, field, _ in [edges[index], *chain])
                message = f"cascading deletes go round in a circle: {steps} → {source}"
                hint = "deleting one of these records would delete the others; use restrict or set_null on one field"
                yield self.at.problem(("models", source, "fields", field_name, "on_delete"), message, hint)

    def unique(self, path: Path, field: FieldSpec) -> Iterator[Problem]:
        """A unique field is one whose values can differ, without a default that every new record would share."""
        if not given(field, "unique"):
            return
        why = {"id": "ids are unique already", "boolean": "at most two records could have a value: true and false"}
        if field.type in why or field.auto:
            what = f"auto: {field.auto}" if field.auto else field.type
            hint = why.get(field.type, "the server sets their value; two records may be written in the same instant")
            yield self.at.problem((*path, "unique"), f"'unique' does not apply to {what} fields", hint, key=True)
        elif field.default is not None and field.type != "ref":
            hint = "every record created without a value would get the same one, and clash"
            yield self.at.problem((*path, "default"), "a unique field cannot have a default", hint, key=True)


def given(field: FieldSpec, key: str) -> bool:
    """Whether the spec sets `key` on the field to something other than its default."""
    return key in field.model_fields_set and getattr(field, key) not in (None, False)


def shortest_chain(edges: list[tuple[str, str, str]], start: str, end: str) -> list[tuple[str, str, str]] | None:
    """The shortest chain of (model, field, target) edges from `start` to `end`, if there is one."""
    reached: dict[str, list[tuple[str, str, str]]] = {start: []}
    queue = [start]
    for model in queue:
        if model == end:
            return reached[model]
        for edge in edges:
            if edge[0] == model and edge[2] not in reached:
                reached[edge[2]] = [*reached[model], edge]
                queue.append(edge[2])
    return None
