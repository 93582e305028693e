"""Worker processes with a time bound per task: a task that outlives it costs its worker, which is replaced.

A process pool from the standard library cannot stop one task that hangs; this one kills its worker (SIGKILL),
reports the task as a hang, and starts another worker. A worker that dies by itself is reported as a crash.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar, cast

Task = TypeVar("Task")
Outcome = TypeVar("Outcome")
MEMORY = 3 * 1024**3  # bytes of address space a worker may have: a bomb gets MemoryError, not the machine


@dataclass(frozen=True)
class Done(Generic[Task, Outcome]):
    """A finished task: what `work` returned, or None with `lost` saying why (hang, crash), and how long it took."""

    task: Task
    outcome: Outcome | None
    seconds: float
    lost: str | None = None


class _Worker:
    def __init__(self, context: Any, work: Callable[[Any], Any]) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.task: Any = None
        self.started = 0.0

    def give(self, task: Any) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(task)

    def end(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _serve(connection: Connection, work: Callable[[Any], Any]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        connection.send(work(task))


def run(
    work: Callable[[Task], Outcome], tasks: Iterable[Task], *, workers: int, timeout: float
) -> Iterator[Done[Task, Outcome]]:
    """Runs `work` on every task in `workers` forked processes (which inherit what is imported), in any order."""
    context = multiprocessing.get_context("fork")
    pending = iter(tasks)
    idle = [_Worker(context, work) for _ in range(workers)]
    busy: dict[Connection, _Worker] = {}
    try:
        while True:
            while idle and (task := next(pending, None)) is not None:
                worker = idle.pop()
                worker.give(task)
                busy[worker.connection] = worker
            if not busy:
                return
            soonest = min(worker.started for worker in busy.values()) + timeout
            for ready in wait(list(busy), timeout=max(0.0, soonest - time.monotonic())):
                worker = busy.pop(cast(Connection, ready))
                seconds = time.monotonic() - worker.started
                try:
                    yield Done(worker.task, worker.connection.recv(), seconds)
                    idle.append(worker)
                except (EOFError, OSError):
                    worker.end()
                    yield Done(worker.task, None, seconds, lost="crash")
                    idle.append(_Worker(context, work))
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if now - worker.started >= timeout:
                    del busy[connection]
                    worker.end()
                    yield Done(worker.task, None, now - worker.started, lost="hang")
                    idle.append(_Worker(context, work))
    finally:
        for worker in [*idle, *busy.values()]:
            worker.end()
