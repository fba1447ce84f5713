"""The worker pool under failure: a worker that dies, even halfway through sending its
results, or raises, and Ctrl-C while workers start. Each case runs in a child process with
a time limit, so a hang fails the test instead of stopping the suite."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir() or os.name != "posix",
                                reason="POSIX signals and process groups")


# -- work run inside the workers (module level: the workers import it by name) --------------

def nothing() -> None:
    return None


def echo(_state, batch):
    return batch


def big(_state, size: int) -> bytes:
    return b"x" * size  # larger than a pipe holds: the worker blocks halfway through sending


def fail(_state, batch):
    raise ValueError(f"bad batch {batch}")


def slow_start(seconds: float) -> None:
    time.sleep(seconds)


def slow_big(_state, seconds: float) -> bytes:
    time.sleep(seconds)
    return b"x" * 2**20


def broken_setup() -> None:
    raise LookupError("no rules file")


def held_at_start() -> bool:
    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def state(state, _batch):
    return state


def where(_state, _batch) -> str:
    return sys.modules["exportkit"].__file__


def turns(_state, task):
    """Every worker counts to 20, sending the numbers that are its turn (n % every == k)."""
    first, every, fail_at = task
    for n in range(20):
        if n == fail_at:
            raise ValueError(f"bad at {n}")
        if n % every == first:
            yield n


# Where Ctrl-C is tested, the child takes it even if this process ignores it (as a
# command started in the background by a non-interactive shell does, and its children)
INTERRUPTIBLE = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"


def _run(script: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def test_results_come_back_in_sending_order_across_workers():
    done = _run("""if True:
        import signal
        from exportkit.workers import WorkerPool
        from tests.test_workers import echo, nothing
        got = []
        with WorkerPool(3, echo, nothing) as pool:
            held = signal.pthread_sigmask(signal.SIG_BLOCK, [])  # Ctrl-C works again here
            for n in range(50):
                got.extend(pool.put(n))
            got.extend(pool.drain())
            got.extend(pool.put(50))  # a pool drained takes more batches (the next sheet)
            got.extend(pool.drain())
        print(got == list(range(51)), held)
    """)
    assert done.stdout.strip() == "True set()", done.stderr


def test_streamed_results_come_back_in_turns_and_an_error_is_raised_where_it_falls():
    done = _run("""if True:
        from exportkit.workers import WorkerPool
        from tests.test_workers import nothing, turns
        with WorkerPool(3, turns, nothing) as pool:
            first = list(pool.stream(turns, [(k, 3, None) for k in range(3)]))
            again = list(pool.stream(turns, [(k, 3, None) for k in range(3)]))
            print(first == again == list(range(20)))
        got = []
        try:
            with WorkerPool(2, turns, nothing) as pool:
                for n in pool.stream(turns, [(0, 2, 7), (1, 2, 7)]):
                    got.append(n)
        except ValueError as exc:
            print(got, exc)
    """)
    assert done.stdout.splitlines() == ["True", "[0, 1, 2, 3, 4, 5, 6] bad at 7"], done.stderr


def test_a_worker_killed_halfway_through_sending_is_reported_not_waited_for():
    done = _run("""if True:
        import os, select, signal, time
        from exportkit.workers import WorkerPool, WorkerStopped
        from tests.test_workers import big, nothing
        pool = WorkerPool(1, big, nothing)
        try:
            with pool:
                list(pool.put(8 * 2**20))
                worker = pool._workers[0]
                while not select.select([worker.results], [], [], 0.05)[0]:
                    pass  # until the first bytes are in the pipe
                time.sleep(0.2)
                os.kill(worker.process.pid, signal.SIGKILL)
                list(pool.drain())
        except WorkerStopped as exc:
            print("stopped:", exc)
        print("alive:", [w.process.poll() is None for w in pool._workers])
    """, timeout=60)
    assert "stopped: a worker process stopped unexpectedly (exit code -9" in done.stdout, (
        done.stdout, done.stderr)
    assert "alive: [False]" in done.stdout
    assert "Traceback" not in done.stderr


def test_ctrl_c_while_waiting_for_the_last_batch_kills_the_worker_instead_of_waiting():
    # the worker is stuck sending a result nobody will take: waiting for it would hang
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTIBLE + """if True:
        from exportkit.workers import WorkerPool
        from tests.test_workers import nothing, slow_big
        pool = WorkerPool(1, slow_big, nothing)
        list(pool.put(0.5))
        print("waiting", flush=True)
        try:
            list(pool.drain())
        except KeyboardInterrupt:
            pool.close()  # as a caller that does not pass on why it stops
            print("stopped:", [w.process.poll() is None for w in pool._workers], flush=True)
    """], cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline().strip() == "waiting"
    time.sleep(0.2)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert out.strip() == "stopped: [False]", (out, err)


def test_a_batch_that_cannot_travel_and_a_failed_setup_are_raised_not_waited_for():
    done = _run("""if True:
        import threading
        from exportkit.workers import WorkerPool
        from tests.test_workers import broken_setup, echo, nothing
        with WorkerPool(1, echo, nothing) as pool:
            try:
                list(pool.put(threading.Lock()))
            except TypeError as exc:
                print("put:", type(exc).__name__)
            print("then:", [*pool.put(7), *pool.drain()])
        try:
            with WorkerPool(1, echo, broken_setup) as pool:
                list(pool.put(1))
                list(pool.drain())
        except LookupError as exc:
            print("setup:", exc)
    """, timeout=30)
    assert done.stdout.split("\n")[:3] == ["put: TypeError", "then: [7]",
                                           "setup: no rules file"], (done.stdout, done.stderr)


def test_an_error_in_a_worker_is_raised_where_the_batch_was_sent():
    done = _run("""if True:
        from exportkit.workers import WorkerPool
        from tests.test_workers import fail, nothing
        pool = WorkerPool(2, fail, nothing)
        try:
            with pool:
                for n in range(3):
                    list(pool.put(n))
                list(pool.drain())
        except ValueError as exc:
            print("raised:", exc)
        print("alive:", [w.process.poll() is None for w in pool._workers])
    """)
    assert "raised: bad batch 0" in done.stdout, done.stderr
    assert "alive: [False, False]" in done.stdout


def test_workers_start_with_ctrl_c_held_back_and_the_main_process_gets_it_again():
    # held from before a worker's interpreter starts until it ignores Ctrl-C: what makes a
    # Ctrl-C at any moment of the start-up harmless
    done = _run("""if True:
        import signal
        from exportkit.workers import WorkerPool
        from tests.test_workers import held_at_start, state
        with WorkerPool(2, state, held_at_start) as pool:
            held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
            started = [*pool.put(1), *pool.put(2), *pool.drain()]
        print(started, held)
    """)
    assert done.stdout.strip() == "[True, True] set()", done.stderr


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5])
def test_ctrl_c_while_workers_start_stops_without_tracebacks(delay):
    script = INTERRUPTIBLE + """if True:
        import sys, time
        from exportkit.workers import WorkerPool
        from tests.test_workers import echo, slow_start
        print("starting", flush=True)
        try:
            with WorkerPool(2, echo, slow_start, 0.3) as pool:
                list(pool.put(1))
                time.sleep(5)
                list(pool.drain())
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
    """
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)  # a group of its own, as a terminal's
    assert child.stdout.readline().strip() == "starting"
    time.sleep(delay)
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C sends: to the whole group
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, (out, err)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def test_a_pool_starts_its_workers_and_no_other_process(tmp_path):
    # multiprocessing's spawning also started a resource tracker, 13 MiB of a run's memory
    # (BENCHMARKS.md, round 19); and a script without the `__main__` guard, run again in
    # every spawned worker, failed
    script = tmp_path / "unguarded.py"
    script.write_text("""if True:
        import os, sys
        sys.path.insert(0, sys.argv[1])
        from exportkit.workers import WorkerPool
        from tests.test_workers import children, echo, nothing
        with WorkerPool(2, echo, nothing) as pool:
            results = [*pool.put("a"), *pool.put("b"), *pool.drain()]
            workers = sorted(w.process.pid for w in pool._workers)
            print(results, children(os.getpid()) == workers, len(workers))
    """)
    done = subprocess.run([sys.executable, str(script), str(ROOT)], capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "['a', 'b'] True 2", done.stderr


def test_workers_run_the_exportkit_the_main_process_imported(tmp_path):
    # a checkout a caller put on sys.path, not installed: the workers import it, not the
    # installed one (or none)
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "exportkit", checkout / "exportkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    script = tmp_path / "caller.py"
    script.write_text(f"""if True:
        import sys
        sys.path[:0] = [{str(checkout)!r}, {str(ROOT)!r}]
        import exportkit
        from exportkit.workers import WorkerPool
        from tests.test_workers import nothing, where
        with WorkerPool(1, where, nothing) as pool:
            found = [*pool.put(None), *pool.drain()]
        print(exportkit.__file__.startswith({str(checkout)!r}), found == [exportkit.__file__])
    """)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr


def children(parent: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
        except (FileNotFoundError, ValueError, IndexError):
            continue
    return sorted(found)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_workers_stop_when_the_main_process_is_killed_outright(tmp_path):
    # SIGKILL leaves no chance to shut the pool down: the workers must notice by themselves
    script = """if True:
        import os, signal
        from datetime import date
        from exportkit.assess import load_rules
        from exportkit.score_workers import Scoring, scoring_pool
        rubric, market = load_rules(None, None)
        pool = scoring_pool(2, Scoring(rubric, market, date(2026, 11, 23), True))
        for _ in range(4):  # every worker gets batches
            list(pool.put([]))
        list(pool.drain())
        print(*(w.process.pid for w in pool._workers), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"  # not pipes a stray worker holds
    with out.open("w") as stdout, err.open("w") as stderr:
        done = subprocess.run([sys.executable, "-c", script], stdout=stdout, stderr=stderr,
                              timeout=120)
    assert done.returncode == -signal.SIGKILL, err.read_text()
    workers = [int(pid) for pid in out.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 30
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_running, workers))


def test_the_cores_counted_are_those_a_container_s_cpu_quota_allows(tmp_path):
    from exportkit.workers import available_cores

    cpu_max = tmp_path / "cpu.max"
    unlimited = available_cores(tmp_path / "absent")
    for text, expected in [("max 100000", unlimited), ("150000 100000", min(unlimited, 2)),
                           ("50000 100000", 1), ("garbage", unlimited)]:
        cpu_max.write_text(text + "\n")
        assert available_cores(cpu_max) == expected, text
