"""The ``fomento`` command line: one subcommand per module that registers it.

Each module listed in ``COMMAND_MODULES`` exposes ``register(subparsers)``,
which adds its subcommands and sets ``func`` to a callable taking the parsed
arguments and returning the exit code. A ``ValueError`` raised by a command is
bad input: its message is printed and the exit code is 2; a ``PermissionError`` gives 3.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence


def N_(message: str) -> str:
    """Marks text for translation where it is defined (translated where shown)."""
    return message


def _(message: str) -> str:
    """``message`` in the active language. Babel is loaded only once a command runs or a
    language other than English was asked for: until then the text is the English source."""
    if "model.formatting.i18n" not in sys.modules:
        return message
    from model.formatting.i18n import _ as translate

    return translate(message)


COMMAND_MODULES: tuple[str, ...] = (
    "model.cli.allocate",
    "model.cli.db",
    "model.cli.users",
    "model.cli.evidence",
    "model.cli.screen",
    "model.cli.uncertainty",
    "model.cli.report",
)


# Each command's module and one-line help, so that ``fomento COMMAND`` imports only that
# command's module (sqlalchemy, openpyxl and alembic cost ~0.7 s of start-up) and
# ``fomento --help`` imports none. A test checks this table against the modules.
# The help texts are English source (``N_``), shown translated (``_``) with --lang.
COMMANDS: dict[str, tuple[str, str]] = {
    "allocate": ("model.cli.allocate", N_("optimise public funding for a scenario and explain it")),
    "db": ("model.cli.db", N_("create, migrate and seed the database")),
    "import": ("model.cli.db", N_("import a CSV or Excel file (all rows or none)")),
    "export": ("model.cli.db", N_("export every table to a folder")),
    "users": ("model.cli.users", N_("manage local accounts")),
    "evidence": (
        "model.cli.evidence",
        N_("print every programme with its computed cost-benefit metrics"),
    ),
    "screen": (
        "model.cli.screen",
        N_("check proposals against the matching-grant eligibility gates"),
    ),
    "uncertainty": (
        "model.cli.uncertainty",
        N_("the plan's risk, value of information, Monte Carlo, robust (CVaR) plan, sensitivity"),
    ),
    "report": (
        "model.cli.report",
        N_("solve a scenario and write its Excel workbook or PDF brief"),
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported and the
    other commands are listed by name and help alone."""
    parser = argparse.ArgumentParser(
        prog="fomento",
        description=_("Fomento: cost-benefit evidence and funding allocation for SME programmes."),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if command is None:
        for name in COMMAND_MODULES:
            importlib.import_module(name).register(sub)
        _add_lang(sub)
        return parser
    wanted = COMMANDS.get(command, ("", ""))[0]
    for cmd, (module, text) in COMMANDS.items():
        if module not in COMMAND_MODULES or cmd in sub.choices:
            continue
        if module == wanted:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(cmd, help=_(text), add_help=False)
    _add_lang(sub)
    return parser


LANG_HELP = N_(
    "language of the human-readable output, sentences and files: en, es or pt, or a number "
    "locale such as es_MX for Spanish with Mexican figures (default: $FOMENTO_LANG or en)"
)
# Kept here (not imported from model.formatting.i18n) so that parsing loads no Babel.
LANG_CHOICES: tuple[str, ...] = (
    "en", "es", "pt", "en_US", "en_GB", "es_CO", "es_MX", "es_AR", "es_CL", "es_PE", "es_ES",
    "pt_BR",
)  # fmt: skip


def _add_lang(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Every command takes ``--lang es|en|pt`` (``screen`` registers its own)."""
    for parser in sub.choices.values():
        if parser.add_help and not any("--lang" in a.option_strings for a in parser._actions):
            parser.add_argument("--lang", choices=LANG_CHOICES, default=None, help=_(LANG_HELP))


def _language(args: argparse.Namespace) -> tuple[str, str | None]:
    """(language, number locale or None for the language's first) from --lang or the
    environment's FOMENTO_LANG."""
    lang = str(getattr(args, "lang", None) or os.environ.get("FOMENTO_LANG") or "en")
    if lang not in LANG_CHOICES:
        raise SystemExit(
            f"fomento: error: FOMENTO_LANG={lang!r}: choose one of {', '.join(LANG_CHOICES)}"
        )
    return lang.split("_")[0], lang if "_" in lang else None


def _command(argv: Sequence[str]) -> str:
    """The subcommand in ``argv`` (the top-level parser takes no option but ``-h``)."""
    return next((a for a in argv if not a.startswith("-")), "")


def _asked_language(argv: Sequence[str]) -> str | None:
    """The language asked for by ``--lang X``, ``--lang=X`` or FOMENTO_LANG, before parsing
    (so that ``--help`` is shown in it); None for English or a value parsing will refuse."""
    lang: str | None = os.environ.get("FOMENTO_LANG")
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
    if lang not in LANG_CHOICES or lang.startswith("en"):
        return None
    return lang


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    words = sys.argv[1:] if argv is None else argv
    asked = _asked_language(words)
    if asked is None:
        return build_parser(_command(words)).parse_args(argv)
    from model.formatting.i18n import using

    with using(asked.split("_")[0], asked if "_" in asked else None):
        return build_parser(_command(words)).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    from model.formatting.i18n import using  # Babel, loaded once a command runs

    # The command's output and its error messages are in the chosen language; the
    # "fomento: error:" prefix reads the same in Spanish, so scripts can match it.
    with using(*_language(args)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.func(args)
    except ValueError as exc:
        print(_("fomento: error: {message}").format(message=_redact(str(exc))), file=sys.stderr)
        return 2
    except PermissionError as exc:
        print(_("fomento: refused: {message}").format(message=_redact(str(exc))), file=sys.stderr)
        return 3
    except RecursionError:
        print(_("fomento: error: the input is nested too deeply to read"), file=sys.stderr)
        return 2
    except OSError as exc:
        # A file or folder that cannot be read or written (missing, a directory, no right).
        reason = str(exc.strerror or exc)
        if exc.filename:
            text = _("fomento: error: {path}: {reason}").format(path=exc.filename, reason=reason)
        else:
            text = _("fomento: error: {message}").format(message=reason)
        print(text, file=sys.stderr)
        return 2
    except Exception as exc:
        if not type(exc).__module__.startswith("sqlalchemy"):
            raise
        # A database error that escaped the store's own handling: say so, never the password.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(
            _(
                "fomento: error: the database is unreachable or refused the request "
                "({reason}); check FOMENTO_DATABASE_URL"
            ).format(reason=_redact(reason)),
            file=sys.stderr,
        )
        return 2
    return code


def _redact(text: str) -> str:
    """``text`` without the configured database URL's password (imported late: the
    store pulls in sqlalchemy, which most commands never need)."""
    if "FOMENTO_DATABASE_URL" not in os.environ:
        return text
    from model.store.db import redact

    return redact(text)
