"""``fomento allocate``: solve a scenario file and explain the plan.

Exit codes: 0 a plan was found (optimal, or a MILP stopped at its time limit
with its gap printed); 1 infeasible or unsolved (the diagnosis is printed);
2 invalid input (raised as ``ValueError`` and printed by ``model.cli``).
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any, TextIO

from model.allocator.api import allocate
from model.allocator.build.builder import build_model
from model.allocator.explain.wording import MEASURE_WORDS, local_digits, money
from model.allocator.result import AllocationResult, result_json_bytes
from model.allocator.scenario import SOLVERS, Scenario, load_scenario
from model.allocator.solve.memory import (
    TRIM_MIN_CANDIDATES,
    release_freed_memory,
    return_large_blocks,
)
from model.formatting.i18n import N_, Labels, _, ngettext

TABLE_CANDIDATE_ROWS = 10
# Words for the codes the table prints (English: the codes themselves, as before).
STATUS_WORDS: Labels = Labels(
    {
        "optimal": N_("optimal"),
        "infeasible": N_("infeasible"),
        "unbounded": N_("unbounded"),
        "time_limit": N_("time_limit"),
        "error": N_("error"),
    }
)
OBJECTIVE_KIND_WORDS: Labels = Labels({"weighted": N_("weighted"), "min_cost": N_("min_cost")})
LEVER_WORDS: Labels = Labels(
    {
        "planner": N_("planner"),
        "partners": N_("a request to partners"),
        "candidate data": N_("candidate data"),
    }
)


def register(subparsers: Any) -> None:
    """Add the ``allocate`` subcommand."""
    p = subparsers.add_parser(
        "allocate",
        help=_("optimise public funding for a scenario and explain it"),
        description=_("Solve SCENARIO.json (see docs/scenario-format.md) and explain the plan."),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO.json")
    p.add_argument("--solver", choices=SOLVERS, default=None, help=_("default: the scenario's"))
    p.add_argument(
        "--out",
        type=Path,
        metavar="RESULT.json",
        help=_("write the result as JSON to this file; then nothing is printed"),
    )
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        dest="fmt",
        help=_("what to print when there is no --out (default: table)"),
    )
    p.add_argument(
        "--export-lp", type=Path, metavar="FILE", help=_("write the model (.lp or .mps)")
    )
    p.set_defaults(func=run)


def _check_writable(path: Path | None, option: str) -> None:
    """Refuse an output path that cannot be written, before any solving (not after)."""
    if path is None:
        return
    if path.is_dir():
        raise ValueError(
            _("{option} {path}: is a folder; give a file name").format(option=option, path=path)
        )
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(
            _("{option} {path}: the folder {folder} does not exist").format(
                option=option, path=path, folder=parent
            )
        )


def run(args: argparse.Namespace) -> int:
    _check_writable(args.out, "--out")
    _check_writable(args.export_lp, "--export-lp")
    scenario = _load(args.scenario)
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
        # Imported here: with --out or --format json the paragraph is not written.
        from model.planning.readout import summary_sentence

        print_table(result, sys.stdout)
        # The plan in one paragraph, as the Plan page, the brief and the workbook say it.
        print("\n" + _("In short: {summary}").format(summary=summary_sentence(result, scenario)))
    return 0 if result.status in ("optimal", "time_limit") else 1


def _load(path: Path) -> Scenario:
    """``load_scenario`` with Python's cyclic garbage collector paused, then told to leave
    what was read alone (``gc.freeze``): validating 100,000 candidates makes a million
    objects and no cycles, and the collector's full passes over them took 2 of the 4 s CPU
    of reading a 100,000 x 5 scenario (bench/README.md). The command runs once and exits,
    so the frozen objects are never garbage anyway."""
    gc.disable()
    try:
        scenario = load_scenario(path)
    finally:
        gc.enable()
        gc.freeze()
    if len(scenario.candidates) >= TRIM_MIN_CANDIDATES:
        release_freed_memory()  # what the JSON parse freed (see solve.memory)
        return_large_blocks()  # and keep peak memory down from here on
    return scenario


def print_table(r: AllocationResult, out: TextIO) -> None:
    """A plain-text report of a result."""
    w = out.write
    w(_("Scenario: {name}").format(name=r.scenario) + "\n")
    status = STATUS_WORDS.get(r.status, r.status)
    w(_("Solver: {solver}   status: {status}").format(solver=r.solver, status=status) + "\n")
    if r.objective is None and r.status == "error":
        # Stopped without any plan (a time limit, say): that says nothing about feasibility.
        w(
            _(
                "The solver stopped before it found any plan ({message}); this does not mean "
                "no plan exists. Raise solver.time_limit_s and solve again."
            ).format(message=r.message)
            + "\n"
        )
        return
    if r.objective is None:
        w(_("No feasible plan.") + "\n")
        if r.relaxation:
            w(_("To make it feasible, relax these rules:") + "\n")
            for step in r.relaxation:
                lever = LEVER_WORDS.get(step.lever, LEVER_WORDS["planner"])
                w(f"  - {step.sentence}   [{step.rule}, {_(step.family)}; {lever}]\n")
                if not step.edits and step.why_not:
                    why = _("(cannot be applied as a change of the scenario: {why})")
                    w("    " + why.format(why=step.why_not) + "\n")
            if r.relaxation_note:
                w(f"{r.relaxation_note}\n")
        else:
            w(_("No diagnosis available ({message}).").format(message=r.message) + "\n")
        return
    kind = MEASURE_WORDS.get(r.objective_kind) or OBJECTIVE_KIND_WORDS.get(
        r.objective_kind, r.objective_kind
    )
    objective = local_digits(f"{r.objective:,.2f}")
    w(_("Objective ({kind}): {value}").format(kind=kind, value=objective) + "\n")
    if r.is_mip:
        if r.gap is None:
            w(_("MILP optimality gap: unknown") + "\n")
        else:
            gap = local_digits(f"{100 * r.gap:.3g} %")
            w(_("MILP optimality gap: {gap}").format(gap=gap) + "\n")
    public = _("Public funding: {money}.").format(money=money(r.total_public))
    w(f"{public}  {r.unallocated_sentence}\n")
    if r.return_per_public_dollar is not None:
        rpd = "US$" + local_digits(f"{r.return_per_public_dollar:,.2f}")
        w(_("Return per public dollar: {money} of benefit").format(money=rpd) + "\n")
    w("\n" + _("Funding by candidate (US$ per plan year):") + "\n")
    scale_word = _("scale")
    for cid, row in r.funding.items():
        if r.is_funded(cid):
            years = local_digits("  ".join(f"{v:>12,.0f}" for v in row))
            scale = local_digits(f"{r.scale[cid]:>6.1%}")
            w(f"  {cid:<16} {scale_word} {scale}  {years}\n")
    kinds = ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_kind.items())
    w("\n" + _("Totals by kind: {totals}").format(totals=kinds))
    regions = ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_region.items())
    w("\n" + _("Totals by region: {totals}").format(totals=regions))
    years_total = ", ".join(money(v) for v in r.totals_by_year)
    w("\n" + _("Totals by year: {totals}").format(totals=years_total) + "\n")
    if r.totals_by_source:
        sources = ", ".join(f"{k} {money(v)}" for k, v in r.totals_by_source.items())
        w(_("Totals by source: {totals}").format(totals=sources))
        w("\n")
    binding = [c for c in r.constraints if c.binding and c.shadow_price != 0]
    portfolio = [c for c in binding if c.portfolio]
    per_candidate = [c for c in binding if c not in portfolio]
    w("\n" + _("Binding rules:") + "\n")
    for c in portfolio + per_candidate[:TABLE_CANDIDATE_ROWS]:
        w(f"  - {c.sentence}\n")
    if len(per_candidate) > TABLE_CANDIDATE_ROWS:
        more = len(per_candidate) - TABLE_CANDIDATE_ROWS
        text = ngettext(
            "... and {n} more per-candidate rules (see --format json)",
            "... and {n} more per-candidate rules (see --format json)",
            more,
        )
        w("  " + text.format(n=more) + "\n")
    if r.duals_note:
        w(f"  ({r.duals_note})\n")
    if r.unfunded:
        w("\n" + _("Not funded:") + "\n")
        for u in r.unfunded:
            w(f"  - {u.sentence}\n")
    if r.greedy is not None:
        w(f"\n{r.greedy.sentence}\n")
