"""One handler per tool: each runs inside one transaction and returns (structuredContent, text)."""

from __future__ import annotations

import json
from typing import Any

from kanban_mcp.models import TASK
from kanban_mcp.runtime import (
    Result,
    ToolError,
    column_title,
    document_id,
    document_title,
    label,
    new_record,
    normalise,
    not_found,
    now_text,
    page_result,
    page_summary,
    page_window,
    search_terms,
)
from kanban_mcp.store import Transaction
from kanban_mcp.texts import TEMPLATES, render_url

Args = dict[str, Any]


LIST_TASKS_FILTERS: tuple[str, ...] = ("status", "assignee", "priority")


async def list_tasks(tx: Transaction, args: Args) -> Result:
    """list_tasks: task records filtered by exact match, ordered, a page at a time."""
    size, offset = page_window(args, default=20)
    filters = {name: args[name] for name in LIST_TASKS_FILTERS if name in args}
    order = ((args["order_by"], args.get("order") == "desc"),) if "order_by" in args else ()
    records = await tx.select("task", filters, order, size + 1, offset)
    result = page_result(records, size, offset)
    return result, page_summary(TASK, result)


async def get_task(tx: Transaction, args: Args) -> Result:
    """get_task: one task by id."""
    record = await tx.get("task", args["id"])
    if record is None:
        raise not_found(TASK, args["id"])
    return record, label(TASK, record).capitalize() + "."


async def create_task(tx: Transaction, args: Args) -> Result:
    """create_task: a new task from the arguments, defaults for the rest."""
    record = await tx.insert("task", new_record(TASK, args))
    return record, f"Created {label(TASK, record)}."


async def update_task(tx: Transaction, args: Args) -> Result:
    """update_task: changes the given fields of one task."""
    id = args["id"]
    changes = {name: normalise(TASK.fields[name], value) for name, value in args.items() if name != "id"}
    if not changes:
        raise ToolError("Nothing to change: pass at least one of title, notes, status, assignee, priority, due.")
    changes["updated_at"] = now_text()
    record = await tx.update("task", id, changes)
    if record is None:
        raise not_found(TASK, id)
    changed = ", ".join(f"{name} → {record[name]}" for name in args if name != "id")
    return record, f"Updated {label(TASK, record)}: {changed}."


async def move_task(tx: Transaction, args: Args) -> Result:
    """move_task: changes the given fields of one task."""
    id = args["id"]
    changes = {name: normalise(TASK.fields[name], value) for name, value in args.items() if name != "id"}
    if not changes:
        raise ToolError("Nothing to change: pass at least one of status.")
    changes["updated_at"] = now_text()
    record = await tx.update("task", id, changes)
    if record is None:
        raise not_found(TASK, id)
    changed = ", ".join(f"{name} → {record[name]}" for name in args if name != "id")
    return record, f"Updated {label(TASK, record)}: {changed}."


async def delete_task(tx: Transaction, args: Args) -> Result:
    """delete_task: removes one task by id."""
    id = args["id"]
    if not await tx.delete("task", id):
        raise not_found(TASK, id)
    return {"id": id, "deleted": True}, f"Deleted task {id}."


SEARCH_TASKS_FIELDS = ("title", "notes")


async def search_tasks(tx: Transaction, args: Args) -> Result:
    """search_tasks: task records matching any of the words, best matches first."""
    size, offset = page_window(args, default=10)
    terms = search_terms(args["query"])
    records = await tx.search("task", SEARCH_TASKS_FIELDS, terms, size + 1, offset)
    result = page_result(records, size, offset)
    return result, page_summary(TASK, result, f' matching "{args["query"]}"')


async def board_summary(tx: Transaction, args: Args) -> Result:
    """board_summary: how many task records match, in all and per status."""
    counts = await tx.count("task", args, "status")
    ordered = {value: counts.get(value, 0) for value in TASK.fields["status"].values}
    rest = sorted(
        (item for item in counts.items() if item[0] not in ordered),
        key=lambda item: (item[0] is None, -item[1], str(item[0])),
    )
    ordered |= dict(rest)
    total = sum(counts.values())
    groups = [{"status": value, "count": n} for value, n in ordered.items()]
    parts = ", ".join(f"{value}: {n}" for value, n in ordered.items())
    noun = "task" if total == 1 else "tasks"
    return {"total": total, "groups": groups}, f"{total} {noun} ({parts})."


SEARCH_FIELDS = ("title", "notes", "assignee")
SEARCH_URL = TEMPLATES.from_string("http://127.0.0.1:8000/tasks/{{ id }}")


async def search(tx: Transaction, args: Args) -> Result:
    """search: ChatGPT's search: ids, titles and citation URLs of matching task records."""
    terms = search_terms(args["query"])
    records = await tx.search("task", SEARCH_FIELDS, terms, 10, 0)
    results = [
        {
            "id": str(record["id"]),
            "title": document_title(TASK, record),
            "url": render_url(SEARCH_URL, TASK, record),
        }
        for record in records
    ]
    result = {"results": results}
    return result, json.dumps(result, ensure_ascii=False)  # ChatGPT reads the same JSON as text


FETCH_SHOWN = ("title", "status", "assignee", "priority", "due", "notes")
FETCH_URL = TEMPLATES.from_string("http://127.0.0.1:8000/tasks/{{ id }}")


async def fetch(tx: Transaction, args: Args) -> Result:
    """fetch: ChatGPT's fetch: one task as a document with its text, URL and metadata."""
    record = await tx.get("task", document_id(TASK, args["id"]))
    if record is None:
        raise not_found(TASK, args["id"])
    text = "\n".join(f"{name}: {record[name]}" for name in FETCH_SHOWN if record.get(name) not in (None, ""))
    result = {
        "id": str(record["id"]),
        "title": document_title(TASK, record),
        "text": text,
        "url": render_url(FETCH_URL, TASK, record),
        "metadata": {name: value for name, value in record.items() if name not in FETCH_SHOWN and value is not None},
    }
    return result, json.dumps(result, ensure_ascii=False)  # ChatGPT reads the same JSON as text


SHOW_BOARD_CARD = ("id", "title", "status", "assignee", "priority", "due")


async def show_board(tx: Transaction, args: Args) -> Result:
    """show_board: every task in a column per status, in the order of its values."""
    columns = []
    for value in TASK.fields["status"].values:
        records = await tx.select("task", {**args, "status": value}, (), 100, 0)
        cards = [{name: record[name] for name in SHOW_BOARD_CARD} for record in records]
        columns.append({"id": value, "title": column_title(value), "tasks": cards})
    counts = ", ".join(f"{column['title']}: {len(column['tasks'])}" for column in columns)
    return {"columns": columns}, f"The board by status: {counts}."
