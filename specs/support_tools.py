"""The support connector's python tools: what its built-in kinds cannot say in YAML.

Each function gets the checked arguments and a context: `context.tx` (the call's transaction on the connector's
storage, for the caller's own records), `context.subject`, `context.log`, and `context.error(text)` to raise a
tool error the model reads. It returns a dict, the tool's structured result (its `returns` in the spec).
"""

from __future__ import annotations

from typing import Any


async def escalate(arguments: dict[str, Any], context: Any) -> dict[str, Any]:
    """Makes a ticket urgent and open, and adds the reason to its body: one transaction."""
    ticket = await context.tx.get("ticket", arguments["ticket_id"])
    if ticket is None:
        message = f"No ticket with id {arguments['ticket_id']}: find it with list_tickets or search_tickets."
        raise context.error(message)
    note = f"Escalated: {arguments['reason']}"
    body = f"{ticket['body']}\n\n{note}" if ticket["body"] else note
    changes = {"priority": "urgent", "status": "open", "body": body}
    await context.tx.update("ticket", ticket["id"], changes)
    context.log.info("ticket %s escalated", ticket["id"])
    return {"ticket_id": ticket["id"], "priority": "urgent", "status": "open", "note": note}
