"""``fomento report``: solve a scenario file and write its Excel workbook or PDF brief.

The same files the Plan and Scenarios pages download (``model.planning.workbook``,
``model.planning.pdf``), for analysts who script. The format follows the extension of
``--out`` (.xlsx or .pdf). The plan's sentence is printed.

Exit codes: 0 written (a plan was found); 1 written, but the scenario has no feasible
plan (the file says which rules to relax); 2 invalid input (``ValueError``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from model.allocator.api import allocate
from model.allocator.scenario import SOLVERS, load_scenario
from model.formatting import numbers
from model.formatting.i18n import _
from model.planning.workbook import ScenarioDocument, summary_sentence

FORMATS = (".xlsx", ".pdf")


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    p = subparsers.add_parser(
        "report",
        help=_("solve a scenario and write its Excel workbook or PDF brief"),
        description=_(
            "Solve SCENARIO.json (see docs/scenario-format.md) and write the plan as an Excel "
            "workbook (PLAN.xlsx) or a one-page PDF brief (PLAN.pdf)."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO.json")
    p.add_argument(
        "--out", type=Path, required=True, metavar="PLAN.xlsx|PLAN.pdf", help=_("file to write")
    )
    p.add_argument("--solver", choices=SOLVERS, default=None, help=_("default: the scenario's"))
    p.add_argument("--dataset", default="file", help=_("candidate set named in the file"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            _("--out: '{path}' must end in .xlsx (workbook) or .pdf (brief)").format(path=out)
        )
    if not out.parent.is_dir():
        raise ValueError(_("--out: the folder '{folder}' does not exist").format(folder=out.parent))
    scenario = load_scenario(args.scenario)
    doc = ScenarioDocument(
        name=scenario.name,
        notes="",
        dataset=args.dataset,
        scenario=scenario,
        result=allocate(scenario, args.solver),
        solved_now=True,
    )
    if suffix == ".xlsx":
        from model.planning.workbook import workbook

        data = workbook(doc)
    else:
        from model.planning.pdf import brief_pdf  # fpdf2 and the chart converter: only here

        data = brief_pdf(doc)
    out.write_bytes(data)
    print(summary_sentence(doc))
    print(_("Wrote {path} ({size} bytes).").format(path=out, size=numbers.count(len(data))))
    return 0 if doc.result.objective is not None else 1
