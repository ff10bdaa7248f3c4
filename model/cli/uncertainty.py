"""``fomento uncertainty``: the plan's own risk, the value of information (EVPI, EVPPI),
the wait-and-see Monte Carlo, the robust (CVaR) plan, sensitivity and frontier.

Exit codes: 0 done; 1 the scenario has no plan (infeasible or unsolved, as ``fomento
allocate``); 2 invalid input (``ValueError``, printed by ``model.cli``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from model.allocator.scenario import load_scenario
from model.formatting.i18n import _
from model.uncertainty.frontier import inclusion_frontier
from model.uncertainty.montecarlo import run_monte_carlo
from model.uncertainty.parallel import ENV_SCHEDULER, EXECUTORS, LOCAL_WORKERS
from model.uncertainty.planrisk import (
    NoPlan,
    central_positions,
    plan_from_json,
    plan_risk,
    plan_warnings,
)
from model.uncertainty.report import print_report, report_json
from model.uncertainty.robust import robust_allocation
from model.uncertainty.sampling import DISTRIBUTIONS, CostRange, DrawSpec, draw_samples
from model.uncertainty.tornado import tornado
from model.uncertainty.voi import value_of_information

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 1


def register(subparsers: Any) -> None:
    """Add the ``uncertainty`` subcommand."""
    # Help in the language asked for (``model.cli`` builds the parser inside it).
    p = subparsers.add_parser(
        "uncertainty",
        help=_(
            "the plan's risk, value of information, Monte Carlo, robust (CVaR) plan, sensitivity"
        ),
        description=_(
            "Draw candidates' returns (benefit, enterprises, jobs) from their low-central-high "
            "ranges. First judge the plan (SCENARIO.json's optimum, or --plan) as it is in every "
            "draw: P10/P50/P90 of benefit, enterprises and jobs and the chance of meeting each "
            "target. Then the value of information: EVPI and, per candidate and instrument, "
            "EVPPI (what an impact evaluation is worth). Then re-solve for each draw (if returns "
            "were known before deciding) and report each candidate's probability of being "
            "funded. Candidates state no cost range: "
            "costs are fixed unless --cost-range sets a multiplier range. Draws run in parallel "
            "(--executor auto: a Dask cluster when {variable} is set, else "
            "{workers} local processes for big runs)."
        ).format(variable=ENV_SCHEDULER, workers=LOCAL_WORKERS),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO.json")
    p.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN.json",
        help=_(
            "the plan to judge: a result of 'fomento allocate --format json' (its scale); "
            "default: SCENARIO.json's optimum"
        ),
    )
    p.add_argument(
        "--no-voi", action="store_true", help=_("skip the value of information (EVPI, EVPPI)")
    )
    p.add_argument(
        "--evppi-regions",
        action="store_true",
        help=_("also the EVPPI of each instrument within each region"),
    )
    p.add_argument(
        "--draws",
        type=int,
        default=DEFAULT_DRAWS,
        help=_("default {value}").format(value=DEFAULT_DRAWS),
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=_("default {value}").format(value=DEFAULT_SEED),
    )
    p.add_argument("--distribution", choices=DISTRIBUTIONS, default="triangular")
    p.add_argument(
        "--cost-range",
        type=float,
        nargs=3,
        metavar=("LOW", "MODE", "HIGH"),
        default=(1.0, 1.0, 1.0),
        help=_("cost multiplier drawn per candidate, e.g. 1.0 1.0 1.3 (default: costs fixed)"),
    )
    p.add_argument(
        "--cvar",
        type=float,
        metavar="ALPHA",
        help=_("also find the plan that maximises the mean of the worst ALPHA share of draws"),
    )
    p.add_argument(
        "--tornado",
        type=int,
        default=0,
        metavar="K",
        help=_("also show the K most sensitive inputs"),
    )
    p.add_argument(
        "--frontier",
        type=int,
        default=0,
        metavar="POINTS",
        help=_("also sweep the lagging-regions floor over POINTS shares from 0 to 1"),
    )
    p.add_argument("--executor", choices=EXECUTORS, default="auto")
    p.add_argument("--workers", type=int, default=LOCAL_WORKERS, help=_("local processes"))
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except NoPlan as exc:
        print(f"fomento: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    costs = CostRange(*args.cost_range)
    spec = DrawSpec(args.draws, seed=args.seed, distribution=args.distribution, costs=costs)
    scale = None
    if args.plan is not None:
        try:
            data = json.loads(args.plan.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(
                _("--plan {path}: cannot read it ({error})").format(path=args.plan, error=exc)
            ) from exc
        scale = plan_from_json(data)
        for words in plan_warnings(scenario, scale, data.get("scenario")):
            print(_("fomento: warning: {message}").format(message=words), file=sys.stderr)
    label = scenario.name
    if args.plan is not None:
        label = _("the plan in {file}").format(file=args.plan.name)
    risk = plan_risk(scenario, spec, scale, label)
    voi = None
    if not args.no_voi:
        voi = value_of_information(
            scenario, spec, args.executor, workers=args.workers, by_region=args.evppi_regions
        )
    mc = run_monte_carlo(scenario, spec, args.executor, workers=args.workers)
    robust = None
    if args.cvar is not None:
        robust = robust_allocation(scenario, draw_samples(scenario, spec), args.cvar)
    sens = (
        tornado(scenario, costs, top=args.tornado, executor=args.executor) if args.tornado else None
    )
    front = inclusion_frontier(scenario, args.frontier) if args.frontier else None
    if args.fmt == "json":
        try:
            # Bare NaN/Infinity tokens are not JSON: refuse them whole, before writing.
            text = json.dumps(
                report_json(mc, robust, sens, front, risk=risk, voi=voi),
                indent=2,
                allow_nan=False,
            )
        except ValueError:
            raise ValueError(
                _(
                    "the results hold a value that is not a number (NaN or infinite), which "
                    "JSON cannot carry; check the scenario's figures"
                )
            ) from None
        sys.stdout.write(text + "\n")
    else:
        positions = central_positions(scenario, spec)
        print_report(sys.stdout, mc, robust, sens, front, risk=risk, voi=voi, positions=positions)
    return 0
