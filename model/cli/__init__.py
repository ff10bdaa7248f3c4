"""The ``fomento`` command line: one subcommand per module that registers it.

Each module listed in ``COMMAND_MODULES`` exposes ``register(subparsers)``,
which adds its subcommands and sets ``func`` to a callable taking the parsed
arguments and returning the exit code. A ``ValueError`` raised by a command is
bad input: its message is printed and the exit code is 2; a ``PermissionError`` gives 3.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "model.cli.allocate",
    "model.cli.db",
    "model.cli.users",
    "model.cli.evidence",
    "model.cli.screen",
    "model.cli.uncertainty",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fomento",
        description="Fomento: cost-benefit evidence and funding allocation for SME programmes.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ValueError as exc:
        print(f"fomento: error: {exc}", file=sys.stderr)
        return 2
    except PermissionError as exc:
        print(f"fomento: refused: {exc}", file=sys.stderr)
        return 3
    return code
