"""Allocator benchmark: build, solve and explain times and peak memory by size.

Run ``.venv/bin/python bench/allocator.py [--sizes 100 1000 10000 20000]``.
Each size runs in a fresh child process (so peak RSS is that size's own), on a
random scenario over 5 years with every rule family on. The reference is the
same programme handed to highspy directly from numpy arrays (no scenario, no
names, no read-out), twice: the reduced LP the engine solves with every
variable-bound row present from the start (``reduce``; one run, no lazy rows),
and the builder's LP as built (what the engine solved before the reduction).
``--repeat k`` runs each size k times and prints medians. Prints a markdown table.
*total CPU s* is the process's CPU time for build + solve + explain: on a shared,
loaded machine it moves far less than the wall-clock columns.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.allocator.scenario import Scenario, parse_scenario  # noqa: E402

KINDS = ("cluster_initiative", "broker_programme", "matching_grant")
YEARS = 5


def random_scenario(n: int, seed: int = 7) -> Scenario:
    rng = np.random.default_rng(seed)
    cands: list[dict[str, Any]] = []
    regions = [f"R{i}" for i in range(8)]
    for i in range(n):
        kind = KINDS[i % 3]
        years = int(rng.integers(2, 5))
        cost = [float(c) for c in rng.integers(20, 400, years) * 1000]
        floor = float(rng.choice([0.2, 0.3, 0.5]))
        benefit = float(sum(cost) * rng.uniform(0.5, 8.0))
        c: dict[str, Any] = {
            "id": f"C{i}", "name": f"candidate {i}", "kind": kind,
            "region": regions[i % 8], "start_year": int(rng.integers(1, 3)),
            "cost_by_year": cost, "public_share_floor": floor, "public_share_ceiling": 0.9,
            "enterprises": 50.0, "enterprises_low": 10.0, "enterprises_high": 90.0,
            "jobs": 20.0, "jobs_low": 5.0, "jobs_high": 40.0,
            "benefit": benefit, "benefit_low": 0.5 * benefit, "benefit_high": 2 * benefit,
        }  # fmt: skip
        if kind == "broker_programme":
            c["fee_schedule"] = [0.0, 0.0, 0.2, 0.4]
            c["networks_served"] = float(rng.integers(2, 6))
        elif kind == "matching_grant":
            c["partner_match"] = sum(cost) * 0.5
            c["match_ratio"] = 1.0
            c["eligible"] = bool(rng.random() > 0.1)
        else:
            c["networks_needed"] = float(rng.integers(1, 3))
        cands.append(c)
    need = sum(0.3 * sum(c["cost_by_year"]) for c in cands)
    data = {
        "name": f"bench {n}", "horizon_years": YEARS, "price_year": 2024,
        "candidates": cands,
        "regions": [{"name": r, "lagging": k >= 5} for k, r in enumerate(regions)],
        "budget": {"per_year": [0.4 * need / YEARS] * YEARS, "carry_over": True},
        "rules": {
            "broker_capacity": {"existing_networks": n / 20},
            "policy_mix": {
                "lagging_min_share": 0.3,
                "kind_shares": {k: {"max": 0.6} for k in KINDS},
            },
        },
    }  # fmt: skip
    return parse_scenario(data)


def reference_seconds(built: Any, method: str) -> tuple[float, float, float]:
    """highspy straight from the arrays: (reduced LP s, builder LP s, objective)."""
    import highspy

    from model.allocator.solve.reduce import add_vub_rows, reduce
    from model.allocator.solve.resolve import reduced_lp
    from model.allocator.solve.solver import highs_lp

    t0 = time.perf_counter()
    red = reduce(built, built.col_lower, built.col_upper, all_rows=True)
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ untyped
    h.silent()
    h.setOptionValue("solver", method)
    h.passModel(reduced_lp(red, built.integer))
    add_vub_rows(h, red, red.base_vub)
    h.run()
    t1 = time.perf_counter()
    obj = -h.getInfo().objective_function_value
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.silent()
    h.setOptionValue("solver", method)
    h.passModel(highs_lp(built, built.col_lower, built.col_upper, built.integer))
    h.run()
    return t1 - t0, time.perf_counter() - t1, obj


def one(n: int, method: str) -> dict[str, Any]:
    from dataclasses import replace

    from model.allocator.api import read_out
    from model.allocator.build.builder import build_model
    from model.allocator.solve.solver import AUTO_METHOD, solve

    sc = random_scenario(n)
    if method != "auto":
        sc = sc.model_copy(update={"solver": sc.solver.model_copy(update={"method": method})})
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c0 = time.process_time()
    t0 = time.perf_counter()
    built = build_model(sc)
    t1 = time.perf_counter()
    sol = solve(built, "highs")
    t2 = time.perf_counter()
    result = read_out(built, sol)
    t3 = time.perf_counter()
    cpu = time.process_time() - c0
    used = method if method != "auto" else AUTO_METHOD
    ref, ref_plain, ref_obj = reference_seconds(replace(built), used)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "n": n, "cols": built.num_col, "rows": built.num_row, "nnz": len(built.a_value),
        "method": used, "build": t1 - t0, "solve": t2 - t1, "explain": t3 - t2,
        "total": t3 - t0, "total_cpu": cpu, "reference": ref, "reference_plain": ref_plain,
        "objective": result.objective,
        "reference_objective": ref_obj, "peak_rss_mb": rss1 / 1024, "rss_before_mb": rss0 / 1024,
        "status": result.status,
    }  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 20000])
    p.add_argument("--method", default="auto", choices=("auto", "simplex", "ipm"))
    p.add_argument("--repeat", type=int, default=1, help="runs per size (medians printed)")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.method)))
        return 0
    print("| candidates | columns | rows | method | build s | solve s | explain s | total s "
          "| total CPU s | direct reduced LP s | direct builder LP s | total / direct reduced "
          "| peak RSS MB | objective equal |")  # fmt: skip
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in args.sizes:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--method", args.method],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append(json.loads(out))
        r = dict(runs[0])
        for key in (
            "build",
            "solve",
            "explain",
            "total",
            "total_cpu",
            "reference",
            "reference_plain",
        ):
            r[key] = float(np.median([x[key] for x in runs]))
        same = all(
            abs(x["objective"] - x["reference_objective"]) <= 1e-6 * abs(x["objective"]) + 1
            for x in runs
        )
        print(
            f"| {r['n']:,} | {r['cols']:,} | {r['rows']:,} | {r['method']} | {r['build']:.3f} "
            f"| {r['solve']:.3f} | {r['explain']:.3f} | {r['total']:.3f} | {r['total_cpu']:.3f} "
            f"| {r['reference']:.3f} "
            f"| {r['reference_plain']:.3f} | {r['total'] / r['reference']:.2f} "
            f"| {r['peak_rss_mb']:.0f} | {same} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
