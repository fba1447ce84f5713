"""Work spread over worker processes, its results taken back in the order it was sent.

Large imports and scoring runs keep the registry in the main process (one writer, one
transaction) and hand the pure, CPU-bound part to workers: checking rows' cells, scoring
businesses. Results come back in sending order, so a run writes the same rows in the same
order on any number of cores. Nothing here touches the database.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

MOST_WORKERS = 4  # the main process reads and writes for all workers (a third to a half of
# a run's work, by the profiles): more workers than this would wait on it


def available_cores(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The cores this process may use: those it may run on (`taskset`), within a container's
    CPU quota (cgroup v2 `cpu.max`), which the count of cores does not show."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def default_jobs() -> int:
    return min(available_cores(), MOST_WORKERS)


# -- in a worker process ---------------------------------------------------------------------

_state: object = None


def _start(setup: Callable[..., object], args: tuple) -> None:
    global _state
    # Ctrl-C reaches the whole process group: the main process stops the run (and rolls it
    # back); a worker just finishes its batch, without a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a main process that is killed outright cannot stop its workers: they stop themselves
    threading.Thread(target=_exit_with, args=(multiprocessing.parent_process(),),
                     daemon=True).start()
    _state = setup(*args)  # what every batch of this worker shares (rules, a memo, plans)


def _exit_with(parent) -> None:
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


def _run(work: Callable[[object, object], object], batch: object) -> object:
    return work(_state, batch)


# -- in the main process ---------------------------------------------------------------------

class WorkerPool:
    """Batches out to `jobs` worker processes, `work(state, batch)` back in sending order.
    Each worker starts with `state = setup(*args)`; `setup` and `work` are module-level
    functions (they travel by name). At most two batches per worker are in flight, so
    memory stays flat."""

    def __init__(self, jobs: int, work: Callable[[object, object], object],
                 setup: Callable[..., object], *args: object):
        # spawn, not fork: the main process may run threads (a progress bar) and holds
        # open database connections that a forked child must not inherit
        self._executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(
            "spawn"), initializer=_start, initargs=(setup, args))
        self._work = work
        self._waiting: deque[Future] = deque()
        self._limit = 2 * jobs

    def put(self, batch: object) -> Iterator[object]:
        """Sends a batch; yields the results of the batches that must be taken to make
        room."""
        self._waiting.append(self._executor.submit(_run, self._work, batch))
        while len(self._waiting) > self._limit:
            yield self._waiting.popleft().result()

    def drain(self) -> Iterator[object]:
        while self._waiting:
            yield self._waiting.popleft().result()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
