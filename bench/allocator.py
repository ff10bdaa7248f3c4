"""Allocator benchmark: build, solve and explain times and peak memory by size.

Run ``.venv/bin/python bench/allocator.py [--sizes 100 1000 10000 20000]``.
Each size runs in a fresh child process (so peak RSS is that size's own), on a
random scenario over 5 years with every rule family on. The reference is the
same LP handed to highspy directly from numpy arrays (no scenario, no names,
no read-out). Prints a markdown table.
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


def reference_seconds(built: Any, method: str) -> tuple[float, float]:
    """highspy straight from the arrays: (seconds, objective)."""
    import highspy

    from model.allocator.solve import highs_lp

    t0 = time.perf_counter()
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ untyped
    h.silent()
    h.setOptionValue("solver", method)
    h.passModel(highs_lp(built, built.col_lower, built.col_upper, built.integer))
    h.run()
    return time.perf_counter() - t0, -h.getInfo().objective_function_value


def one(n: int, method: str) -> dict[str, Any]:
    from dataclasses import replace

    from model.allocator.api import read_out
    from model.allocator.build import build_model
    from model.allocator.solve import AUTO_METHOD, solve

    sc = random_scenario(n)
    if method != "auto":
        sc = sc.model_copy(update={"solver": sc.solver.model_copy(update={"method": method})})
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    built = build_model(sc)
    t1 = time.perf_counter()
    sol = solve(built, "highs")
    t2 = time.perf_counter()
    result = read_out(built, sol)
    t3 = time.perf_counter()
    used = method if method != "auto" else AUTO_METHOD
    ref, ref_obj = reference_seconds(replace(built), used)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "n": n, "cols": built.num_col, "rows": built.num_row, "nnz": len(built.a_value),
        "method": used, "build": t1 - t0, "solve": t2 - t1, "explain": t3 - t2,
        "total": t3 - t0, "reference": ref, "objective": result.objective,
        "reference_objective": ref_obj, "peak_rss_mb": rss1 / 1024, "rss_before_mb": rss0 / 1024,
        "status": result.status,
    }  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 20000])
    p.add_argument("--method", default="auto", choices=("auto", "simplex", "ipm"))
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.method)))
        return 0
    print("| candidates | columns | rows | method | build s | solve s | explain s | total s "
          "| highspy direct s | total / direct | peak RSS MB | objective equal |")  # fmt: skip
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--method", args.method],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out)
        same = abs(r["objective"] - r["reference_objective"]) <= 1e-6 * abs(r["objective"]) + 1
        print(
            f"| {r['n']:,} | {r['cols']:,} | {r['rows']:,} | {r['method']} | {r['build']:.3f} "
            f"| {r['solve']:.3f} | {r['explain']:.3f} | {r['total']:.3f} | {r['reference']:.3f} "
            f"| {r['total'] / r['reference']:.2f} | {r['peak_rss_mb']:.0f} | {same} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
