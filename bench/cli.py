"""Whole-process timings of ``fomento allocate``: start-up, input, solve, explain and output.

Run ``.venv/bin/python bench/cli.py [--sizes hand 10000 100000] [--repeat 3] [--base DIR]``.

Each run is a fresh ``fomento allocate`` process (``python -c 'from model.cli import main'``
with ``PYTHONPATH`` set to the code tree under test), timed from outside: wall-clock
seconds, CPU seconds (user + system) and peak RSS of that child alone (``os.wait4``).
``hand`` is data/scenarios/hand.json (3 candidates, table on stdout); a number N is
``bench/allocator.py``'s ``random_scenario(N)`` (5 plan years, every rule family on, time
limit raised to 3,600 s), written once to ``--tmp`` and run with ``--out RESULT.json``.

``--base DIR [DIR ...]`` runs other code trees (e.g. ``git archive`` of older commits) in
the same loop, alternating with this one run by run, so all see the same machine load;
the results must agree (objective, funding and scale; the largest differences are printed).

``--bare N`` (default: the largest size) also times bare highspy on the project's own
final programme at N (and on each ``--base`` tree's final programme, whose lazy rows may
differ, with every tree's wall time over that floor too): a child process runs the
project's solve step, exports the programme HiGHS ended with (the reduced LP plus every
lazy row it added) as MPS, and other children read it and solve it once with the
project's HiGHS options, timing ``run()`` alone. The table reports each process's wall
time over that floor.
Prints markdown tables and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HAND = ROOT / "data" / "scenarios" / "hand.json"
MAIN = "import sys; from model.cli import main; sys.exit(main())"

EXPORT = """
import sys
from model.allocator.build.builder import build_model
from model.allocator.scenario import load_scenario
from model.allocator.solve.resolve import ReSolver
sc = load_scenario(sys.argv[1])
sc = sc.model_copy(update={"solver": sc.solver.model_copy(update={"time_limit_s": 3600.0})})
rs = ReSolver(build_model(sc))
sol = rs.solve()
assert sol.status == "optimal", sol.message
rs.h.writeModel(sys.argv[2])
print(rs.h.getNumRow(), rs.h.getNumCol(), sol.objective)
"""

BARE = """
import json, sys, time
import highspy
from model.allocator.solve.highs_model import AUTO_METHOD
h = highspy.Highs()
h.silent()
h.readModel(sys.argv[1])
h.setOptionValue("solver", AUTO_METHOD)
h.setOptionValue("presolve", "off")  # as the project runs an LP (resolve.new_highs)
t0 = time.perf_counter()
c0 = time.process_time()
h.run()
print(json.dumps({"run": time.perf_counter() - t0, "run_cpu": time.process_time() - c0,
                  "objective": -h.getInfo().objective_function_value}))
"""


# The time limit is HiGHS's wall clock: on a loaded shared machine 60 s can cut a 100,000 run.
WRITE = """
import sys
from bench.allocator import random_scenario
sc = random_scenario(int(sys.argv[1]))
sc = sc.model_copy(update={"solver": sc.solver.model_copy(update={"time_limit_s": 3600.0})})
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(sc.model_dump_json())
"""


def scenario_file(n: int, tmp: Path) -> Path:
    path = tmp / f"fomento_bench_{n}.json"
    if not path.exists():
        # In a child: a child's peak RSS (os.wait4) counts the parent's pages it was forked
        # from, so this process stays small.
        r = child(WRITE, [str(n), str(path)], ROOT)
        if r["code"] != 0:
            raise SystemExit(f"writing the {n} scenario failed: {r['stderr']}")
    return path


def child(code: str, args: list[str], tree: Path) -> dict[str, Any]:
    """Run ``python -c code args`` with ``tree`` on PYTHONPATH; wall, CPU and peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=tempfile.gettempdir(),  # not the repo: PYTHONPATH alone picks the code tree
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "code": proc.returncode,
        "stdout": out,
        "stderr": err.decode(errors="replace"),
    }


def allocate_run(size: str, tree: Path, tmp: Path) -> dict[str, Any]:
    if size == "hand":
        return child(MAIN, ["allocate", str(HAND)], tree)
    path = scenario_file(int(size), tmp)
    out = tmp / f"fomento_bench_{size}_{tree.name}_result.json"
    r = child(MAIN, ["allocate", str(path), "--out", str(out)], tree)
    data = json.loads(out.read_bytes())
    r["result"] = {k: data[k] for k in ("objective", "funding", "scale")}
    r["stdout_bytes"] = len(r["stdout"])
    return r


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", nargs="+", default=["hand", "10000", "100000"])
    p.add_argument("--repeat", type=int, default=3, help="runs per size and tree (medians)")
    p.add_argument("--base", type=Path, nargs="*", default=[], help="code trees to run too")
    p.add_argument("--bare", default=None, help="size for the bare-HiGHS floor ('' for none)")
    p.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    args = p.parse_args()
    trees = [*(b.resolve() for b in args.base), ROOT]
    numeric = [s for s in args.sizes if s != "hand"]
    bare_size = args.bare if args.bare is not None else (max(numeric, key=int) if numeric else "")
    load0 = os.getloadavg()
    runs: dict[tuple[str, Path], list[dict[str, Any]]] = {}
    bare: list[dict[str, Any]] = []
    mps = args.tmp / f"fomento_bench_{bare_size}_final.mps"
    # Each --base tree's own final programme too (its lazy rows may differ): bare HiGHS on
    # it, in the same loop, is that tree's floor (``bare_base``).
    base_mps = {t: args.tmp / f"fomento_bench_{bare_size}_final_{t.name}.mps" for t in trees[:-1]}
    bare_base: dict[Path, list[dict[str, Any]]] = {t: [] for t in base_mps}
    if bare_size:
        for tree, path in [*base_mps.items(), (ROOT, mps)]:
            r = child(EXPORT, [str(scenario_file(int(bare_size), args.tmp)), str(path)], tree)
            if r["code"] != 0:
                raise SystemExit(f"export failed: {r['stderr']}")
            print(
                f"final programme at {bare_size} ({tree.name}): rows, columns, objective = "
                f"{r['stdout'].decode().strip()}"
            )
    for _ in range(args.repeat):
        for size in args.sizes:
            for tree in trees:
                r = allocate_run(size, tree, args.tmp)
                if r["code"] != 0:
                    raise SystemExit(f"{size} on {tree} exited {r['code']}: {r['stderr']}")
                runs.setdefault((size, tree), []).append(r)
            if size == bare_size:
                r = child(BARE, [str(mps)], ROOT)
                if r["code"] != 0:
                    raise SystemExit(f"bare HiGHS failed: {r['stderr']}")
                bare.append({**json.loads(r["stdout"]), "wall": r["wall"], "rss_mb": r["rss_mb"]})
                for tree, path in base_mps.items():
                    r = child(BARE, [str(path)], ROOT)
                    if r["code"] != 0:
                        raise SystemExit(f"bare HiGHS failed: {r['stderr']}")
                    bare_base[tree].append(json.loads(r["stdout"]))
    load1 = os.getloadavg()

    floor = median(bare, "run") if bare else None
    cpu_floor = median(bare, "run_cpu") if bare else None
    print(
        f"\nload average before {load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f}, "
        f"after {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f}; medians of {args.repeat}\n"
    )
    print(
        "| scenario | code | wall s | CPU s | peak RSS MiB | stdout bytes "
        "| wall / bare HiGHS wall | CPU / bare HiGHS CPU |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        for tree in trees:
            rs = runs[(size, tree)]
            ratio = cpu_ratio = ""
            if floor and cpu_floor and size == bare_size:
                ratio = f"{median(rs, 'wall') / floor:.2f}"
                cpu_ratio = f"{median(rs, 'cpu') / cpu_floor:.2f}"
            label = "this tree" if tree == ROOT else tree.name
            print(
                f"| {size} | {label} | {median(rs, 'wall'):.2f} | {median(rs, 'cpu'):.2f} "
                f"| {median(rs, 'rss_mb'):.0f} | {rs[0].get('stdout_bytes', len(rs[0]['stdout']))} "
                f"| {ratio} | {cpu_ratio} |"
            )
    if bare:
        print(
            f"| {bare_size} | bare highspy run() on the final programme | {floor:.2f} "
            f"| {cpu_floor:.2f} | {median(bare, 'rss_mb'):.0f} | | 1.00 | 1.00 |"
        )
        for tree, runs_b in bare_base.items():
            wall_b = median(runs_b, "run")
            ratios = ", ".join(
                f"{'this tree' if t == ROOT else t.name} "
                f"{median(runs[(bare_size, t)], 'wall') / wall_b:.2f}"
                for t in trees
            )
            print(
                f"| {bare_size} | bare highspy run() on {tree.name}'s final programme "
                f"| {wall_b:.2f} | {median(runs_b, 'run_cpu'):.2f} | | | wall / it: {ratios} | |"
            )
    for size in numeric:
        results = [r["result"] for tree in trees for r in runs[(size, tree)]]
        same = all(r == results[0] for r in results)
        ref = results[0]
        d_obj = max(abs(r["objective"] - ref["objective"]) / abs(ref["objective"]) for r in results)
        d_fund = max(
            abs(a - b)
            for r in results
            for cid, row in r["funding"].items()
            for a, b in zip(row, ref["funding"][cid], strict=True)
        )
        d_scale = max(abs(v - ref["scale"][cid]) for r in results for cid, v in r["scale"].items())
        print(
            f"\n{size}: objective, funding and scale identical in every run: {same} "
            f"(largest differences: objective {d_obj:.1e} relative, funding US${d_fund:.1e}, "
            f"scale {d_scale:.1e})"
        )
        if bare and size == bare_size:
            obj = results[0]["objective"]
            close = all(abs(b["objective"] - obj) <= 1e-7 * abs(obj) for b in bare)
            print(f"{size}: bare HiGHS objective equal to the project's (rel 1e-7): {close}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
