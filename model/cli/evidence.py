"""``fomento evidence``: every programme's computed metrics as a table, CSV or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from model.costbenefit.dataset import EvidenceDataset
from model.costbenefit.engine import compute_programme_metrics
from model.costbenefit.table import metrics_table, to_csv, to_json, to_text
from model.formatting.i18n import _
from model.store.db import default_engine
from model.store.evidence_files import load_csv_dataset
from model.store.repository import load_evidence_dataset

FORMATS: tuple[str, ...] = ("table", "csv", "json")


def register(subparsers: Any) -> None:
    """Add the ``evidence`` subcommand to the ``fomento`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "evidence",
        help=_("print every programme with its computed cost-benefit metrics"),
        description=_(
            "Compute cost per network/enterprise/job, returns, leverage, NPV, IRR, growth "
            "rates and cost-recovery paths for every programme, with formulas, sources "
            "and comparability warnings."
        ),
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--price-year",
        type=int,
        default=None,
        metavar="Y",
        help=_("express money in constant US$ of year Y (CPI-U); default: nominal"),
    )
    parser.add_argument(
        "--discount",
        type=float,
        default=0.05,
        metavar="R",
        help=_("discount rate per year as a share, e.g. 0.05 (default)"),
    )
    parser.add_argument(
        "--horizon", type=int, default=10, metavar="N", help=_("years discounted (default 10)")
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=_(
            "read programmes.csv, evidence.csv and deflators.csv from DIR "
            "(default: the app's database, with the shipped deflators)"
        ),
    )
    parser.set_defaults(func=run)


def _dataset(data_dir: Path | None) -> EvidenceDataset:
    if data_dir is not None:
        return load_csv_dataset(data_dir)
    # The app's database by default, so the CLI prints exactly what the Evidence page shows.
    return load_evidence_dataset(default_engine())


def run(args: argparse.Namespace) -> int:
    dataset = _dataset(args.data_dir)
    results = compute_programme_metrics(
        dataset,
        price_year=args.price_year,
        discount_rate=args.discount,
        horizon_years=args.horizon,
    )
    rows = metrics_table(results)
    if args.format == "csv":
        out = to_csv(rows)
    elif args.format == "json":
        out = to_json(rows, args.price_year, args.discount, args.horizon) + "\n"
    else:
        out = to_text(rows)
    print(out, end="")
    return 0
