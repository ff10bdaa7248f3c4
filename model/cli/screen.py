"""``fomento screen PROPOSALS.csv [--format table|json] [--lang en|es|pt|es_MX...]``: eligibility,
reasons, desk scores.

The file is read with the same validation as the import (a bad file exits 2
with its row/column problems); nothing is written to the database. The score
printed is the *desk score* (``model.screening.desk``), not a reviewer score.
``--lang es`` (or ``es_MX`` for Mexican figures; else ``FOMENTO_LANG``) makes Spanish the
active language for the whole command, as ``--lang`` does for every command: the
report's words and figures (es_CO numbers by default) and the gate labels, reasons and
fixes of ``model.screening.rules`` read in Spanish, in the table and in the JSON's text
fields (its keys and codes stay as they are).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from model.cli import LANG_CHOICES
from model.formatting import numbers
from model.formatting.i18n import Translator, _, active, translator
from model.formatting.parsing import NUMBER_FORMATS, formats_help
from model.screening.desk import DESK_LABEL, DeskScore, desk_score
from model.screening.proposals import Proposal
from model.screening.rubric import CRITERION_NAMES, DEFAULT_RUBRIC, Rubric
from model.screening.rules import DEFAULT_RULES, Screening, ScreeningRules, screen, usd
from model.store.proposal_files import parse_proposals

FORMATS: tuple[str, ...] = ("table", "json")


@dataclass(frozen=True)
class ScreenedProposal:
    """A proposal with its gate results and desk score."""

    proposal: Proposal
    screening: Screening
    desk: DeskScore


def screen_proposals(
    proposals: Sequence[Proposal],
    rules: ScreeningRules = DEFAULT_RULES,
    rubric: Rubric = DEFAULT_RUBRIC,
) -> list[ScreenedProposal]:
    """Gates and desk score for each proposal, in file order."""
    return [ScreenedProposal(p, screen(p, rules), desk_score(p, rubric)) for p in proposals]


def to_json(items: Sequence[ScreenedProposal]) -> str:
    """Machine-readable screening results (money US$, desk score 0-5)."""
    out: list[dict[str, Any]] = []
    for it in items:
        out.append(
            {
                "proposal_id": it.proposal.proposal_id,
                "title": it.proposal.title,
                "amount_requested": it.proposal.amount_requested,
                "partner_match": it.proposal.partner_match,
                "eligible": it.screening.eligible,
                "reasons": list(it.screening.reasons),
                "fixes": list(it.screening.fixes),
                "gates": [
                    {
                        "gate": g.gate,
                        "label": g.label,
                        "passed": g.passed,
                        "reason": g.reason,
                        "fix": g.fix,
                        "source": g.source,
                    }
                    for g in it.screening.gates
                ],
                "desk_score": round(it.desk.score, 4),
                "desk_score_label": _(DESK_LABEL),
                "desk_parts": {p.criterion: round(p.score, 4) for p in it.desk.parts},
            }
        )
    return json.dumps(out, indent=2, ensure_ascii=False)


def to_text(items: Sequence[ScreenedProposal], t: Translator | None = None) -> str:
    """A plain-text report, one block per proposal, in ``t``'s language (default English)."""
    t = t or translator("en")
    _ = t.gettext  # the report's own language (t), not only the active one
    loc = t.number_locale

    def money(amount: float) -> str:  # whole US$ in the reader's locale
        return usd(amount) if t.language == "en" else numbers.money(amount, locale=loc)

    def score(value: float, places: int) -> str:
        return format_decimal(round(value, places), format=f"0.{'0' * places}", locale=loc)

    def named(criterion: str) -> str:  # a criterion id in the report's language
        known = criterion in CRITERION_NAMES
        return _(CRITERION_NAMES.english(criterion)) if known else criterion

    lines = [_(DESK_LABEL) + ": 0-5", ""]
    for it in items:
        p, s = it.proposal, it.screening
        lines.append(f"{p.proposal_id}  {p.title}")
        lines.append(
            "  "
            + _("eligible: {answer}; request {request}, match {match}; desk score {score}").format(
                answer=_("yes") if s.eligible else _("no"),
                request=money(p.amount_requested),
                match=money(p.partner_match),
                score=score(it.desk.score, 2),
            )
        )
        for reason in s.reasons:
            lines.append("  - " + _("why not: {reason}").format(reason=reason))
        for fix in s.fixes:
            lines.append("  - " + _("to fix: {fix}").format(fix=fix))
        parts = ", ".join(f"{named(d.criterion)} {score(d.score, 1)}" for d in it.desk.parts)
        lines.append("  " + _("desk parts: {parts}").format(parts=parts))
        lines.append("")
    n_ok = sum(1 for it in items if it.screening.eligible)
    lines.append(
        t.ngettext(
            "%(n)d of %(total)d proposal eligible",
            "%(n)d of %(total)d proposals eligible",
            len(items),
        )
        % {"n": n_ok, "total": len(items)}
    )
    return "\n".join(lines) + "\n"


def register(subparsers: Any) -> None:
    """Add the ``screen`` subcommand to the ``fomento`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "screen",
        help="check proposals against the matching-grant eligibility gates",
        description=(
            "Read a proposals CSV or Excel file, apply the eligibility gates of MIF 004 "
            "section V (entities, environment, match, amount) and print each proposal's "
            "verdict, reasons, what would make it eligible and its desk score."
        ),
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--lang",
        choices=LANG_CHOICES,
        default=None,
        help="language of the report, its reasons and fixes: en, es or pt, or a number locale "
        "such as es_MX (default: $FOMENTO_LANG or en)",
    )
    parser.add_argument(
        "--number-format",
        choices=tuple(NUMBER_FORMATS),
        default="auto",
        help=f"how the file writes numbers ({formats_help()}); default auto",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise ValueError(_("{path}: no such file").format(path=path))
    items = screen_proposals(parse_proposals(path.read_bytes(), path.name, args.number_format))
    text = to_json(items) if args.format == "json" else to_text(items, active())
    print(text, end="")
    if args.format == "json":
        print()
    return 0
