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
import multiprocessing.process
import multiprocessing.queues
import os
import pickle
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exportkit.collector import collect_less
from exportkit.errors import ExportkitError
from exportkit.i18n import _

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


def default_jobs(main_works: bool) -> int:
    """Processes for a large run, this one counted: `main_works` where the main process has
    as much to do as a worker (an import writes what its workers check: a worker per core
    but one), else a worker per core beside it (scoring: the workers do most of it).
    Measured on two cores: enroll faster with one worker than with two, scoring with two."""
    workers = min(available_cores() - 1 if main_works else available_cores(), MOST_WORKERS)
    return max(workers, 0) + 1


class WorkerStopped(ExportkitError):
    """A worker process ended without sending its batch back (killed, out of memory)."""


# -- in a worker process ---------------------------------------------------------------------

def _serve(tasks, results, setup: Callable[..., object], args: tuple) -> None:
    """A worker's life: start up, then take batches and send back their results, in order,
    until told to stop (None)."""
    # Ctrl-C reaches the whole process group: the main process stops the run (and rolls it
    # back); a worker just stops with it, without a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a main process that is killed outright cannot stop its workers: they stop themselves
    threading.Thread(target=_exit_with, args=(multiprocessing.parent_process(),),
                     daemon=True).start()
    try:
        state = setup(*args)  # what every batch of this worker shares (rules, a memo, plans)
    except Exception as exc:  # raised where this worker's first batch is taken
        results.send((False, _portable(exc)))
        return
    if hasattr(signal, "pthread_sigmask"):  # POSIX: held back since it started; ignored now
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    collect_less()  # a worker's life is one bulk run (exportkit.collector)
    while (task := tasks.get()) is not None:
        work, batch, streamed = pickle.loads(task)
        if streamed:
            _stream(results, work, state, batch)
            continue
        try:
            outcome = (True, work(state, batch))
        except Exception as exc:  # sent back to be raised where the batch was sent from
            outcome = (False, _portable(exc))
        _send(results, outcome)


def _send(results, outcome: tuple) -> None:
    try:
        results.send(outcome)  # pickled whole before a byte is written
    except Exception as exc:
        results.send((False, _portable(exc)))


def _stream(results, work: Callable, state: object, task: object) -> None:
    """Sends each result `work(state, task)` yields, then the end of the stream (None);
    an error ends it too."""
    try:
        for item in work(state, task):
            _send(results, (True, item))
    except Exception as exc:
        results.send((False, _portable(exc)))
        return
    results.send((None, None))


def _portable(exc: Exception) -> Exception:
    """The exception itself if it can travel between processes, else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))


def _exit_with(parent) -> None:
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


# -- in the main process ---------------------------------------------------------------------

@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back in this thread, and in the processes it starts, until the block
    ends; then a Ctrl-C pressed meanwhile arrives. (Windows has no signal masks: there a
    worker starting up may print its own traceback.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    tasks: multiprocessing.queues.Queue  # batches in (a feeder thread writes them, so
    # sending never blocks; a dead worker's batches just wait there)
    results: multiprocessing.connection.Connection  # results out, read end only


class WorkerPool:
    """Batches out to `jobs` worker processes, `work(state, batch)` back in sending order.

    Each worker starts with `state = setup(*args)`; `setup` and `work` are module-level
    functions (they travel by name). Batches go to the workers in turn, and each worker
    sends its results down a pipe of its own that only it writes to: so results are taken
    in sending order, and a worker that dies, even halfway through sending, is noticed at
    once (its pipe ends) instead of being waited for. At most two batches per worker are
    in flight, so memory stays flat. A library caller's script needs the usual
    `if __name__ == "__main__":` guard: workers are started by spawning Python afresh."""

    def __init__(self, jobs: int, work: Callable[[object, object], object],
                 setup: Callable[..., object], *args: object):
        # spawn, not fork: the main process may run threads (a progress bar) and holds
        # open database connections that a forked child must not inherit
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        context = multiprocessing.get_context("spawn")
        self._work = work
        self._workers: list[_Worker] = []
        self._waiting: deque[_Worker] = deque()
        self._limit = 2 * jobs
        self._turn = 0
        # Ctrl-C while a worker starts would interrupt its interpreter's start-up with a
        # traceback: it is held back while they are started (they inherit the hold until
        # they ignore it), then the main process gets it
        writers = []
        try:
            for _ in range(jobs):
                # made before the hold: the first queue starts multiprocessing's resource
                # tracker, whose start-up lets Ctrl-C through again
                tasks = context.Queue()
                tasks.cancel_join_thread()  # at exit, never wait on a worker that is gone
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_serve, daemon=True,
                                          args=(tasks, writer, setup, args))
                self._workers.append(_Worker(process, tasks, reader))
                writers.append(writer)
            with _ctrl_c_held():
                for worker, writer in zip(self._workers, writers, strict=True):
                    worker.process.start()
                    writer.close()  # the worker holds the only writing end: its death ends it
        except BaseException:
            for writer in writers:
                writer.close()
            self.close(failed=True)
            raise

    def put(self, batch: object) -> Iterator[object]:
        """Sends a batch; yields the results of the batches that must be taken to make
        room."""
        worker = self._workers[self._turn % len(self._workers)]
        # pickled here, not by the queue's feeder thread: a batch that cannot travel
        # raises now instead of never reaching the worker
        task = pickle.dumps((self._work, batch, False), protocol=pickle.HIGHEST_PROTOCOL)
        self._turn += 1
        self._waiting.append(worker)  # first: a Ctrl-C from here on leaves it to be killed
        worker.tasks.put(task)
        while len(self._waiting) > self._limit:
            yield self._take()

    def drain(self) -> Iterator[object]:
        while self._waiting:
            yield self._take()

    def stream(self, work: Callable[[object, object], Iterator], tasks: list[object]
               ) -> Iterator[object]:
        """One task per worker, each answered by a stream of results (`work` yields them):
        the results taken from the workers in turn, the first worker's first, until each
        has ended its stream. For work split in turns, as a file's chunks read by every
        worker and each checked by one. Nothing else may be out meanwhile."""
        if self._waiting or len(tasks) != len(self._workers):
            raise ValueError("stream() needs an idle pool and one task per worker")
        for worker, task in zip(self._workers, tasks, strict=True):
            message = pickle.dumps((work, task, True), protocol=pickle.HIGHEST_PROTOCOL)
            self._waiting.append(worker)  # until its stream ends: killed on a failure
            worker.tasks.put(message)
        turn = 0
        while self._waiting:
            worker = self._workers[turn % len(self._workers)]
            turn += 1
            if worker not in self._waiting:
                continue
            done, value = self._receive(worker)
            if done is None:
                self._waiting.remove(worker)
                continue
            if not done:
                raise value
            if len(self._waiting) < len(self._workers):
                raise RuntimeError("a worker sent a result after another ended its stream")
            yield value

    def _take(self) -> object:
        # taken off once its result is in: a Ctrl-C meanwhile leaves it waiting, so the
        # pool knows to kill its workers, not to wait for them
        worker = self._waiting[0]
        done, value = self._receive(worker)
        self._waiting.popleft()
        if not done:
            raise value
        return value

    @staticmethod
    def _receive(worker: _Worker) -> tuple[bool | None, object]:
        try:
            return worker.results.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            raise WorkerStopped(_(
                "a worker process stopped unexpectedly (exit code {code}; killed, or out "
                "of memory?); nothing was written. Run again, or with --jobs 1").format(
                    code=worker.process.exitcode)) from None

    def close(self, failed: bool = False) -> None:
        """Stops the workers: told to finish, or killed when the run failed or a batch is
        still out (its worker may be stuck sending a result nobody will take)."""
        failed = failed or bool(self._waiting)
        started = [w for w in self._workers if w.process.pid is not None]
        for worker in started:
            if failed:
                worker.process.kill()
            elif worker.process.is_alive():
                worker.tasks.put(None)
        for worker in started:
            worker.process.join(5 if failed else 60)
            if worker.process.is_alive():  # a stop must never hang on a worker
                worker.process.kill()
                worker.process.join(5)
        for worker in self._workers:
            worker.tasks.close()
            worker.results.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(failed=exc_type is not None)
