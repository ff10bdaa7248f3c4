"""Uncertainty benchmark: 1,000 Monte Carlo draws of a 200-candidate, 5-year scenario.

Run ``.venv/bin/python bench/uncertainty.py [--draws 1000] [--candidates 200]``. The
scenario is ``bench/allocator.py``'s random one (every rule family on). Times the same
seeded draws in this process, on a pool of 2 local processes, and on a Dask
LocalCluster (2 worker processes, started before the clock runs, as an existing
cluster would be), checks that all three give identical results, then times the same
with cost draws (a model rebuild per draw) and the robust CVaR programme over all
draws. Target: 1,000 return draws in under 20 s.

Then the value-of-information run the Uncertainty page and ``fomento uncertainty`` make
first (issue 13): the plan's own risk (the scenario's optimum judged in every draw),
EVPI, and EVPPI for every candidate and every instrument, over the same 1,000 draws,
serial and on the Dask cluster (identical results checked). Target: under 60 s
serial. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.allocator import random_scenario  # noqa: E402
from model.uncertainty.drawsolve import DrawResults  # noqa: E402
from model.uncertainty.parallel import Executor, run_draws  # noqa: E402
from model.uncertainty.planrisk import plan_risk  # noqa: E402
from model.uncertainty.robust import robust_allocation  # noqa: E402
from model.uncertainty.sampling import CostRange, DrawSpec, draw_samples  # noqa: E402
from model.uncertainty.voi import ValueOfInformation, value_of_information  # noqa: E402

TARGET_S = 20.0
VOI_TARGET_S = 60.0
SEED = 1


def same(a: DrawResults, b: DrawResults) -> bool:
    return all(
        np.array_equal(x, y, equal_nan=True)
        for x, y in ((a.objective, b.objective), (a.scale, b.scale), (a.ok, b.ok))
    )


def _cpu() -> float:
    """CPU seconds of this process and its finished children (a spawned pool's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, fn: Callable[[], object], rows: list[tuple[str, float, float]]) -> object:
    """Run ``fn``; record wall seconds and CPU seconds (the machine may be shared)."""
    t0, c0 = time.perf_counter(), _cpu()
    out = fn()
    rows.append((label, time.perf_counter() - t0, _cpu() - c0))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--candidates", type=int, default=200)
    ap.add_argument("--skip-rebuild", action="store_true", help="skip the cost-draw runs")
    ap.add_argument(
        "--voi-only", action="store_true", help="only the plan's risk and value of information"
    )
    args = ap.parse_args()
    from distributed import LocalCluster

    sc = random_scenario(args.candidates)
    spec = DrawSpec(args.draws, seed=SEED)
    samples = draw_samples(sc, spec)
    rows: list[tuple[str, float, float]] = []

    def go(executor: Executor, address: str | None = None) -> DrawResults:
        return run_draws(sc, samples, executor, workers=2, address=address)[0]

    if args.voi_only:
        voi_bench(sc, spec, args.draws, args.candidates)
        return

    serial = timed("returns, serial", lambda: go("serial"), rows)
    pooled = timed("returns, 2 processes (spawned in the timing)", lambda: go("process"), rows)
    cluster = LocalCluster(  # type: ignore[no-untyped-call]  # distributed leaves it untyped
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster:
        addr = cluster.scheduler_address
        dasked = timed("returns, Dask LocalCluster (2 processes)", lambda: go("dask", addr), rows)
    assert isinstance(serial, DrawResults) and isinstance(pooled, DrawResults)
    assert isinstance(dasked, DrawResults)
    identical = same(serial, pooled) and same(serial, dasked)
    robust = timed(
        f"robust CVaR programme ({args.draws} samples, alpha 0.2)",
        lambda: robust_allocation(sc, samples, 0.2),
        rows,
    )
    if not args.skip_rebuild:
        costly = draw_samples(sc, DrawSpec(args.draws, seed=SEED, costs=CostRange(1.0, 1.0, 1.3)))
        timed(
            "returns and costs (rebuild per draw), serial",
            lambda: run_draws(sc, costly, "serial")[0],
            rows,
        )
        timed(
            "returns and costs (rebuild per draw), 2 processes",
            lambda: run_draws(sc, costly, "process", workers=2)[0],
            rows,
        )
    load = os.getloadavg()[0]
    print(
        f"\n{args.draws} draws, {args.candidates} candidates x 5 years; cores {os.cpu_count()}, "
        f"load average {load:.1f} at the end\n"
    )
    print("| run | wall s | wall ms per draw | CPU s (this process + finished children) |")
    print("| --- | ---: | ---: | ---: |")
    for label, secs, cpu in rows:
        per = "" if label.startswith("robust") else f"{1000 * secs / args.draws:.1f}"
        # Dask's worker processes outlive the run, so their CPU time is not counted.
        shown = "n/a" if "Dask" in label else f"{cpu:.2f}"
        print(f"| {label} | {secs:.2f} | {per} | {shown} |")
    print(f"\nSerial, process-pool and Dask results identical: {identical}")
    best = min(w for label, w, _ in rows if label.startswith("returns,"))
    print(f"Target {TARGET_S:.0f} s for the return draws: {'met' if best < TARGET_S else 'MISSED'}")
    del robust
    voi_bench(sc, spec, args.draws, args.candidates)


def voi_bench(sc: object, spec: DrawSpec, draws: int, candidates: int) -> None:
    """The plan's risk, EVPI and every EVPPI, serial and on a Dask LocalCluster."""
    from distributed import LocalCluster

    from model.allocator.scenario import Scenario

    assert isinstance(sc, Scenario)
    rows: list[tuple[str, float, float]] = []
    stages: dict[str, dict[str, float]] = {}

    def full(executor: Executor, address: str | None = None) -> ValueOfInformation:
        t0 = time.perf_counter()
        plan_risk(sc, spec)
        risk_s = time.perf_counter() - t0
        v = value_of_information(sc, spec, executor, workers=2, address=address)
        stages[executor] = {"plan risk": risk_s, **v.seconds}
        return v

    serial = timed("plan risk + EVPI + EVPPI, serial", lambda: full("serial"), rows)
    cluster = LocalCluster(  # type: ignore[no-untyped-call]  # distributed leaves it untyped
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster:
        addr = cluster.scheduler_address
        dasked = timed(
            "plan risk + EVPI + EVPPI, Dask LocalCluster (2 processes)",
            lambda: full("dask", addr),
            rows,
        )
    assert isinstance(serial, ValueOfInformation) and isinstance(dasked, ValueOfInformation)
    groups = len(serial.groups)
    same = serial.evpi == dasked.evpi and [g.evppi for g in serial.groups] == [
        g.evppi for g in dasked.groups
    ]
    load = os.getloadavg()[0]
    print(
        f"\nValue of information: {draws} draws, {candidates} candidates x 5 years, "
        f"{groups} EVPPI groups; load average {load:.1f} at the end\n"
    )
    print(
        "| run | wall s | CPU s (this process) | plan risk s | EVPI s | EVPPI candidates s "
        "| EVPPI instruments s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (label, secs, cpu), key in zip(rows, ("serial", "dask"), strict=True):
        st = stages[key]
        # Dask's workers outlive the run, so only this process's CPU time is counted there.
        print(
            f"| {label} | {secs:.2f} | {cpu:.2f} | {st['plan risk']:.2f} | {st['evpi']:.2f} | "
            f"{st['candidates']:.2f} | {st['groups']:.2f} |"
        )
    print(f"\nEVPI US${serial.evpi:,.0f} (standard error US${serial.evpi_se:,.0f})")
    print(f"Serial and Dask results identical: {same}")
    best = rows[0][1]
    print(f"Target {VOI_TARGET_S:.0f} s serial: {'met' if best < VOI_TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
