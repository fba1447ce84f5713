"""What storing one scoring run's rows costs SQLite in other layouts of the score tables.

    python bench/store_layouts.py REGISTRY [--runs 3]

REGISTRY: a registry scored once by bench/run.py (`--keep`: bench/out/registry-<rows>.db,
or the folder given by --out). For each layout of bench/run.py's STORE_LAYOUTS, in turns
and `--runs` times: a copy of the registry without its run's rows, laid out so, and the
run's rows written into it by the storing floor (bench/run.py store_floor: stdlib
sqlite3, the writes timed). Prints the median seconds, product snapshots per second and
megabytes the run adds to the registry, per layout. The `registry` layout is the floor
that `score --all` is measured against; the others say what a redesign of the score
tables would take off it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import STORE_LAYOUTS, copy_before_run  # noqa: E402  (bench/ is not a package)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = args.registry.with_name("store_layouts.db")
    seconds: dict[str, list[float]] = {layout: [] for layout in STORE_LAYOUTS}
    added: dict[str, int] = {}
    products = 0
    try:
        for _ in range(args.runs):
            for layout in STORE_LAYOUTS:
                copy_before_run(args.registry, work)
                out = subprocess.run([sys.executable, str(HERE / "run.py"), "_store_floor",
                                      str(args.registry), str(work), layout],
                                     capture_output=True, text=True, check=True).stdout
                written = json.loads(out.splitlines()[-1])
                products = written["products"]
                seconds[layout].append(written["seconds"])
                added[layout] = written["bytes_added"]
                print(f"  {layout:<16} {written['seconds']:7.2f} s", flush=True)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    print(f"\n{products:,} product snapshots (and their businesses'), median of {args.runs}\n")
    print("| layout | seconds | products/s | MB added to the registry |\n|---|---:|---:|---:|")
    for layout, what in STORE_LAYOUTS.items():
        median = statistics.median(seconds[layout])
        print(f"| {layout}: {what} | {median:.2f} | {products / median:,.0f} | "
              f"{added[layout] / 1e6:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
