"""``fomento allocate``: solve a scenario file and explain the plan.

Exit codes: 0 a plan was found (optimal, or a MILP stopped at its time limit
with its gap printed); 1 infeasible or unsolved (the diagnosis is printed);
2 invalid input (raised as ``ValueError`` and printed by ``model.cli``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from model.allocator.api import allocate
from model.allocator.build.builder import build_model
from model.allocator.explain.wording import money
from model.allocator.result import AllocationResult, result_json_bytes
from model.allocator.scenario import SOLVERS, load_scenario
from model.planning.readout import summary_sentence

TABLE_CANDIDATE_ROWS = 10


def register(subparsers: Any) -> None:
    """Add the ``allocate`` subcommand."""
    p = subparsers.add_parser(
        "allocate",
        help="optimise public funding for a scenario and explain it",
        description="Solve SCENARIO.json (see docs/scenario-format.md) and explain the plan.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO.json")
    p.add_argument("--solver", choices=SOLVERS, default=None, help="default: the scenario's")
    p.add_argument(
        "--out",
        type=Path,
        metavar="RESULT.json",
        help="write the result as JSON to this file; then nothing is printed",
    )
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        dest="fmt",
        help="what to print when there is no --out (default: table)",
    )
    p.add_argument("--export-lp", type=Path, metavar="FILE", help="write the model (.lp or .mps)")
    p.set_defaults(func=run)


def _check_writable(path: Path | None, option: str) -> None:
    """Refuse an output path that cannot be written, before any solving (not after)."""
    if path is None:
        return
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a folder; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(f"{option} {path}: the folder {parent} does not exist")


def run(args: argparse.Namespace) -> int:
    _check_writable(args.out, "--out")
    _check_writable(args.export_lp, "--export-lp")
    scenario = load_scenario(args.scenario)
    if args.export_lp is not None:
        from model.allocator.solve.pulp_model import export_model  # PuLP: only here

        export_model(build_model(scenario), args.export_lp)
    result = allocate(scenario, args.solver)
    # The JSON is encoded once, straight from the result; with --out nothing is printed.
    if args.out is not None:
        args.out.write_bytes(result_json_bytes(result))
    elif args.fmt == "json":
        sys.stdout.write(result_json_bytes(result).decode("utf-8"))
    else:
        print_table(result, sys.stdout)
        # The plan in one paragraph, as the Plan page, the brief and the workbook say it.
        print("\nIn short: " + summary_sentence(result, scenario))
    return 0 if result.status in ("optimal", "time_limit") else 1


def print_table(r: AllocationResult, out: TextIO) -> None:
    """A plain-text report of a result."""
    w = out.write
    w(f"Scenario: {r.scenario}\nSolver: {r.solver}   status: {r.status}\n")
    if r.objective is None and r.status == "error":
        # Stopped without any plan (a time limit, say): that says nothing about feasibility.
        w(
            f"The solver stopped before it found any plan ({r.message}); this does not mean "
            "no plan exists. Raise solver.time_limit_s and solve again.\n"
        )
        return
    if r.objective is None:
        w("No feasible plan.\n")
        if r.relaxation:
            w("To make it feasible, relax these rules:\n")
            for step in r.relaxation:
                who = {"partners": "a request to partners", "candidate data": "candidate data"}
                lever = who.get(step.lever, "planner")
                w(f"  - {step.sentence}   [{step.rule}, {step.family}; {lever}]\n")
                if not step.edits and step.why_not:
                    w(f"    (cannot be applied as a change of the scenario: {step.why_not})\n")
            if r.relaxation_note:
                w(f"{r.relaxation_note}\n")
        else:
            w(f"No diagnosis available ({r.message}).\n")
        return
    w(f"Objective ({r.objective_kind}): {r.objective:,.2f}\n")
    if r.is_mip:
        gap = "unknown" if r.gap is None else f"{100 * r.gap:.3g} %"
        w(f"MILP optimality gap: {gap}\n")
    w(f"Public funding: {money(r.total_public)}.  {r.unallocated_sentence}\n")
    if r.return_per_public_dollar is not None:
        w(f"Return per public dollar: US${r.return_per_public_dollar:,.2f} of benefit\n")
    w("\nFunding by candidate (US$ per plan year):\n")
    for cid, row in r.funding.items():
        if r.is_funded(cid):
            years = "  ".join(f"{v:>12,.0f}" for v in row)
            w(f"  {cid:<16} scale {r.scale[cid]:>6.1%}  {years}\n")
    w("\nTotals by kind: " + ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_kind.items()))
    w("\nTotals by region: " + ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_region.items()))
    w("\nTotals by year: " + ", ".join(money(v) for v in r.totals_by_year) + "\n")
    if r.totals_by_source:
        w(
            "Totals by source: "
            + ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_source.items())
        )
        w("\n")
    binding = [c for c in r.constraints if c.binding and c.shadow_price != 0]
    portfolio = [c for c in binding if c.portfolio]
    per_candidate = [c for c in binding if c not in portfolio]
    w("\nBinding rules:\n")
    for c in portfolio + per_candidate[:TABLE_CANDIDATE_ROWS]:
        w(f"  - {c.sentence}\n")
    if len(per_candidate) > TABLE_CANDIDATE_ROWS:
        more = len(per_candidate) - TABLE_CANDIDATE_ROWS
        w(f"  ... and {more} more per-candidate rules (see --format json)\n")
    if r.duals_note:
        w(f"  ({r.duals_note})\n")
    if r.unfunded:
        w("\nNot funded:\n")
        for u in r.unfunded:
            w(f"  - {u.sentence}\n")
    if r.greedy is not None:
        w(f"\n{r.greedy.sentence}\n")
