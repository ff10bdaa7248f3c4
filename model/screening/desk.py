"""Desk score: the rubric applied to what the proposal file alone shows.

A desk score is NOT a reviewer score. It covers only the criteria a file can
evidence without judgement, each scored 0-5 by a fixed rule:

- ``cofinancing``: 5 x (partner share of full cost / 0.5), capped at 5, so a
  1:1 match (half the full cost, the default matching rule) earns full marks;
- ``inclusion``: 2.5 points per targeted group (women, indigenous peoples,
  afro-descendants, informal firms; 004 section 4.3), capped at 5;
- ``indicators``: 1 point per IDB horizon covered (short, medium, long; 004
  Annex II), 1 if every indicator has a baseline (004 section V, component 4
  (i)), 1 if every target differs from its baseline (a change one can measure);
- ``linkages``: 1 point per distinct type of submitting entity, capped at 5
  (000 para 17, linkages; 004 section V, component 2 (i), the entity mix).

The desk score is the weighted average of these parts with the rubric's own
weights for them, renormalised to sum to 1; innovation, governance,
sustainability and replicability need a reviewer and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from model.formatting import numbers
from model.formatting.i18n import N_, _, ngettext
from model.screening.proposals import HORIZONS, Proposal, code_words
from model.screening.rubric import DEFAULT_RUBRIC, MAX_SCORE, Rubric

# English (the JSON key's value); shown translated: ``_(DESK_LABEL)``.
DESK_LABEL = N_("Desk score (from the file only; not a reviewer score)")
FULL_MARKS_COFINANCING_SHARE = 0.5  # 1:1 match: partners pay half the full cost
POINTS_PER_INCLUSION_GROUP = 2.5
POINTS_PER_ENTITY_TYPE = 1.0


@dataclass(frozen=True)
class DeskPart:
    """One criterion's desk score (0-5) and how it was reached."""

    criterion: str
    score: float
    explanation: str


@dataclass(frozen=True)
class DeskScore:
    """Weighted desk score (0-5) of one proposal and its parts."""

    proposal_id: str
    score: float
    parts: tuple[DeskPart, ...]
    label: str = DESK_LABEL

    def profile(self) -> dict[str, float]:
        return {p.criterion: p.score for p in self.parts}


def _cofinancing(p: Proposal) -> DeskPart:
    share = p.cofinancing_share
    score = min(MAX_SCORE, MAX_SCORE * share / FULL_MARKS_COFINANCING_SHARE)
    return DeskPart(
        "cofinancing",
        score,
        _("partners commit {share} of the full cost (full marks at {full})").format(
            share=numbers.share(share), full=numbers.share(FULL_MARKS_COFINANCING_SHARE)
        ),
    )


def _inclusion(p: Proposal) -> DeskPart:
    n = len(p.inclusion)
    score = min(MAX_SCORE, POINTS_PER_INCLUSION_GROUP * n)
    groups = code_words(p.inclusion) if n else _("none")
    return DeskPart(
        "inclusion",
        score,
        ngettext("targets {n} group: {groups}", "targets {n} groups: {groups}", n).format(
            n=numbers.count(n), groups=groups
        ),
    )


def _indicators(p: Proposal) -> DeskPart:
    inds = p.indicators
    if not inds:
        return DeskPart("indicators", 0.0, _("no expected indicators"))
    covered = [h for h in HORIZONS if any(i.horizon == h for i in inds)]
    baselines = all(i.baseline is not None for i in inds)
    changes = all(i.baseline is None or i.target != i.baseline for i in inds)
    score = len(covered) + float(baselines) + float(changes and baselines)
    notes = [_("horizons covered: {horizons}").format(horizons=code_words(covered))]
    notes.append(_("every indicator has a baseline") if baselines else _("some baselines missing"))
    if baselines:
        notes.append(
            _("every target differs from its baseline")
            if changes
            else _("a target equals its baseline")
        )
    return DeskPart("indicators", score, "; ".join(notes))


def _linkages(p: Proposal) -> DeskPart:
    types = sorted({e.type for e in p.entities})
    score = min(MAX_SCORE, POINTS_PER_ENTITY_TYPE * len(types))
    return DeskPart(
        "linkages",
        score,
        ngettext("{n} type of entity: {types}", "{n} types of entity: {types}", len(types)).format(
            n=numbers.count(len(types)), types=code_words(types) or _("none")
        ),
    )


DESK_RULES: dict[str, Callable[[Proposal], DeskPart]] = {
    "cofinancing": _cofinancing,
    "inclusion": _inclusion,
    "indicators": _indicators,
    "linkages": _linkages,
}


def desk_score(p: Proposal, rubric: Rubric = DEFAULT_RUBRIC) -> DeskScore:
    """The desk score (0-5) of one proposal under ``rubric``'s weights for the desk criteria."""
    used = [c for c in rubric.criteria if c.id in DESK_RULES]
    total = sum(c.weight for c in used)
    if total <= 0:
        raise ValueError(
            _(
                "the rubric gives no weight to any desk criterion ({ids}); a desk score "
                "needs at least one"
            ).format(ids=", ".join(DESK_RULES))
        )
    parts = tuple(DESK_RULES[c.id](p) for c in used)
    score = sum(c.weight * part.score for c, part in zip(used, parts, strict=True)) / total
    return DeskScore(p.proposal_id, score, parts)
