"""In-process ``allocate()`` at one size: the issue-16 target is under 0.6 s at 10,000 x 5.

Run ``.venv/bin/python bench/inproc.py [--n 10000] [--repeat 5] [--base DIR ...]``.

Each run is a fresh process (``PYTHONPATH`` set to the code tree under test) that reads
``random_scenario(N)`` from ``bench/cli.py``'s file in ``--tmp`` and then times one
``allocate(scenario)`` call: wall and CPU seconds, and the result's own build / solve /
explain split. Imports and the scenario read are outside the clock; HiGHS's first call
in the process is inside it (as for a user's first solve). ``--base`` trees run in the
same loop, alternating run by run. Prints a markdown table of medians and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cli import child, scenario_file  # noqa: E402

TARGET_S = 0.6

TIME = """
import json, sys, time
from pathlib import Path
from model.allocator.api import allocate
from model.allocator.scenario import load_scenario
sc = load_scenario(Path(sys.argv[1]))
w, c = time.perf_counter(), time.process_time()
r = allocate(sc)
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c,
                  "objective": r.objective, **r.seconds}))
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--base", type=Path, nargs="*", default=[])
    p.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    args = p.parse_args()
    trees = [*(b.resolve() for b in args.base), ROOT]
    path = scenario_file(args.n, args.tmp)
    load0 = os.getloadavg()
    runs: dict[Path, list[dict[str, Any]]] = {t: [] for t in trees}
    for _ in range(args.repeat):
        for tree in trees:
            r = child(TIME, [str(path)], tree)
            if r["code"] != 0:
                raise SystemExit(f"{tree} exited {r['code']}: {r['stderr']}")
            runs[tree].append(json.loads(r["stdout"]))
    load1 = os.getloadavg()
    print(
        f"{args.n:,} x 5, allocate() in one process; medians of {args.repeat}; load average "
        f"{load0[0]:.1f} before, {load1[0]:.1f} after\n"
    )
    print("| code | wall s | CPU s | fastest wall s | build s | solve s | explain s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for tree in trees:
        rs = runs[tree]

        def med(k: str, rs: list[dict[str, Any]] = rs) -> float:
            return float(statistics.median(r[k] for r in rs))

        label = "this tree" if tree == ROOT else tree.name
        print(
            f"| {label} | {med('wall'):.3f} | {med('cpu'):.3f} | {min(r['wall'] for r in rs):.3f} "
            f"| {med('build'):.3f} | {med('solve'):.3f} | {med('explain'):.3f} |"
        )
    objectives = {r["objective"] for rs in runs.values() for r in rs}
    print(f"\nobjective identical in every run: {len(objectives) == 1}; target {TARGET_S} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
