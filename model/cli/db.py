"""``fomento db upgrade|seed|status``, ``fomento import FILE`` and ``fomento export DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from model.accounts.auth import User
from model.formatting import numbers
from model.formatting.i18n import _
from model.formatting.parsing import NUMBER_FORMATS, formats_help
from model.store import db, migrate
from model.store.exporter import export_directory
from model.store.importer import SPECS_BY_NAME, import_file
from model.store.repository import table_counts
from model.store.seed import BASELINE_NAME, seed, seed_baseline

# Whoever runs the command line holds the database credentials already.
CLI_USER = User(username="cli", role="admin")


def register(sub: Any) -> None:
    p_db = sub.add_parser("db", help=_("create, migrate and seed the database"))
    db_sub = p_db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = db_sub.add_parser("upgrade", help=_("apply migrations up to the latest"))
    p.set_defaults(func=_upgrade)
    p = db_sub.add_parser("seed", help=_("load the shipped evidence and demo data (idempotent)"))
    p.set_defaults(func=_seed)
    p = db_sub.add_parser("status", help=_("show the database URL, revision and row counts"))
    p.set_defaults(func=_status)

    p = sub.add_parser("import", help=_("import a CSV or Excel file (all rows or none)"))
    p.add_argument("file", type=Path)
    p.add_argument("--table", choices=sorted(SPECS_BY_NAME), help=_("default: detect"))
    p.add_argument("--dataset", default="demo", help=_("planning dataset for regions/candidates"))
    p.add_argument("--dry-run", action="store_true", help=_("validate and report, write nothing"))
    p.add_argument(
        "--number-format",
        choices=tuple(NUMBER_FORMATS),
        default="auto",
        help=_("how the file writes numbers ({formats}); default auto").format(
            formats=formats_help()
        ),
    )
    p.set_defaults(func=_import)

    p = sub.add_parser("export", help=_("export every table to a folder"))
    p.add_argument("directory", type=Path)
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("--dataset", default=None, help=_("only this planning dataset"))
    p.set_defaults(func=_export)


def _upgrade(args: argparse.Namespace) -> int:
    engine = db.default_engine()
    migrate.upgrade(engine)
    print(
        _("database at revision {revision} ({url})").format(
            revision=migrate.current_revision(engine), url=_safe_url(engine)
        )
    )
    return 0


def _seed(args: argparse.Namespace) -> int:
    engine = db.default_engine()
    report = seed(engine)
    print(_("seed {summary}").format(summary=report.summary()))
    added = seed_baseline(engine)
    if added:
        print(_("scenario '{name}': saved").format(name=BASELINE_NAME))
    else:
        print(_("scenario '{name}': present already").format(name=BASELINE_NAME))
    return 0


def _status(args: argparse.Namespace) -> int:
    engine = db.default_engine()
    print(_("url: {url}").format(url=_safe_url(engine)))
    print(
        _("revision: {revision} (head {head})").format(
            revision=migrate.current_revision(engine), head=migrate.head_revision(engine)
        )
    )
    if migrate.is_up_to_date(engine):
        for name, n in table_counts(engine).items():
            print(_("{table}: {n} rows").format(table=name, n=numbers.count(n)))
    return 0


def _import(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise ValueError(_("{path}: no such file").format(path=path))
    report = import_file(
        db.default_engine(),
        path.read_bytes(),
        path.name,
        table=args.table,
        dataset=args.dataset,
        dry_run=args.dry_run,
        user=CLI_USER,
        number_format=args.number_format,
    )
    print(f"{path.name}: {report.summary()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    written = export_directory(db.default_engine(), args.directory, args.format, args.dataset)
    for path in written:
        print(path)
    return 0


def _safe_url(engine: Any) -> str:
    return str(engine.url.render_as_string(hide_password=True))
