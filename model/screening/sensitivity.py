"""How the ranking moves when one rubric weight moves by +/-20 % (then renormalised).

For each criterion and each factor (default 0.8 and 1.2), that criterion's
weight is multiplied by the factor, all weights are renormalised to sum to 1,
every proposal is re-scored from its per-criterion profile (0-5), and the new
ranking is compared with the base ranking. Because a proposal's score is linear
in the criterion scores, scoring the mean profile over reviewers gives the same
number as averaging the reviewers' weighted scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from model.formatting import numbers
from model.formatting.i18n import _
from model.screening.rubric import ProposalScore, Rubric, criterion_name, ranking

DEFAULT_FACTORS: tuple[float, ...] = (0.8, 1.2)


@dataclass(frozen=True)
class RankChange:
    """One proposal whose rank (1 = best) differs from the base ranking."""

    proposal_id: str
    base_rank: int
    new_rank: int


@dataclass(frozen=True)
class WeightCase:
    """The ranking with one criterion's weight multiplied by ``factor``."""

    criterion: str
    factor: float
    weights: tuple[tuple[str, float], ...]
    scores: tuple[tuple[str, float], ...]
    ranking: tuple[str, ...]
    changes: tuple[RankChange, ...]

    @property
    def label(self) -> str:
        change = (self.factor - 1) * 100
        shown = numbers.number(change, signed=True)
        if shown == "0":  # "+0" as before: the weight did not move
            shown = "+0"
        return _("{criterion} weight {change} %").format(
            criterion=criterion_name(self.criterion), change=shown
        )


@dataclass(frozen=True)
class Sensitivity:
    """Base ranking and every one-weight-moved case."""

    base_scores: tuple[tuple[str, float], ...]
    base_ranking: tuple[str, ...]
    cases: tuple[WeightCase, ...]

    @property
    def changed(self) -> tuple[WeightCase, ...]:
        """The cases where at least one proposal changes rank."""
        return tuple(c for c in self.cases if c.changes)

    @property
    def stable(self) -> bool:
        return not self.changed


def profiles_from_scores(scores: Iterable[ProposalScore]) -> dict[str, dict[str, float]]:
    """Per-proposal mean criterion scores (0-5) from reviewer scoring."""
    return {s.proposal_id: dict(s.criterion_means) for s in scores}


def _score_all(rubric: Rubric, profiles: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    out = {}
    for pid, prof in profiles.items():
        try:
            out[pid] = rubric.weighted(prof)
        except ValueError as exc:
            raise ValueError(_("proposal {pid}: {problem}").format(pid=pid, problem=exc)) from None
    return out


def weight_sensitivity(
    rubric: Rubric,
    profiles: Mapping[str, Mapping[str, float]],
    factors: tuple[float, ...] = DEFAULT_FACTORS,
) -> Sensitivity:
    """Ranking changes when each criterion's weight is scaled by each factor (> 0)."""
    for f in factors:
        if f <= 0:
            raise ValueError(_("weight factor {factor} must be above zero").format(factor=f))
    base = _score_all(rubric, profiles)
    base_rank = ranking(base)
    position = {pid: i for i, pid in enumerate(base_rank, start=1)}
    cases = []
    for c in rubric.criteria:
        for f in factors:
            moved = rubric.with_weight(c.id, c.weight * f)
            scores = _score_all(moved, profiles)
            new_rank = ranking(scores)
            changes = tuple(
                RankChange(pid, position[pid], i)
                for i, pid in enumerate(new_rank, start=1)
                if position[pid] != i
            )
            cases.append(
                WeightCase(
                    c.id,
                    f,
                    tuple(moved.weights().items()),
                    tuple(scores.items()),
                    new_rank,
                    changes,
                )
            )
    return Sensitivity(tuple(base.items()), base_rank, tuple(cases))
