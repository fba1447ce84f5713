"""Instructions a scoring worker spends per business, counted by valgrind (cachegrind).

    python bench/scorer_instructions.py REGISTRY [--warm 6000] [--new 3000]

A worker's steady state: a memo warmed on the registry's first `--warm` businesses, then
the next `--new` businesses scored as a worker scores them (facts built from the rows read,
assessments, snapshot rows), no database. The script runs itself twice under
`valgrind --tool=cachegrind` (warm only, then warm and new) and prints the difference per
new business. Counted instructions barely move with the host's load, where wall and CPU
time on a shared two-core machine vary by a third from run to run; a change of a few
per cent shows here and nowhere else. Needs valgrind (Debian: apt install valgrind) and a
registry enrolled by bench/run.py (`--keep`); run it from the checkout to measure
(PYTHONPATH=that checkout for another).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from datetime import date

TODAY = date(2026, 12, 2)  # fixed, so runs on different days score alike


def score(registry: str, count: int) -> str:
    """Scores the first `count` businesses a batch at a time, as a worker; returns a digest
    of the rows made, so two checkouts can be shown to store the same."""
    from exportkit.assess import load_rules
    from exportkit.collector import collect_less
    from exportkit.fact_rows import groups
    from exportkit.registry import open_registry
    from exportkit.registry.facts import Selection, iter_chunks
    from exportkit.score_workers import Scoring, _score, _setup

    rubric, market = load_rules(None, None)
    state = _setup(Scoring(rubric, market, TODAY, True))
    raw = []
    for _n, completed in groups(iter_chunks(open_registry(registry), Selection())):
        raw += completed
        if len(raw) >= count:
            break
    collect_less()  # as in a worker (exportkit.workers)
    digest = hashlib.sha256()
    for start in range(0, count, 500):
        rows = _score(state, raw[start:min(start + 500, count)])
        digest.update(repr((rows.snapshots, rows.gaps)).encode())
    return digest.hexdigest()[:16]


def instructions(registry: str, count: int) -> tuple[int, str]:
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "_score", registry, str(count)],
        capture_output=True, text=True, check=True)
    refs = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    return int(refs.group(1).replace(",", "")), run.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_score":
        print(score(argv[1], int(argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry")
    parser.add_argument("--warm", type=int, default=6000)
    parser.add_argument("--new", type=int, default=3000)
    args = parser.parse_args(argv)
    warm, _digest = instructions(args.registry, args.warm)
    both, digest = instructions(args.registry, args.warm + args.new)
    print(f"{(both - warm) // args.new:,} instructions per new business "
          f"({args.warm:,} warm, {args.new:,} new; rows digest {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
