"""Send eligible proposals to a plan: a planning dataset with them, solved by the allocator.

``send_to_plan`` does the hand-over in one transaction: it screens every stored
proposal (marking it ``handed_over`` or ``ineligible``), turns the eligible ones
into matching-grant candidates (``model.screening.handover``) and writes the
planning dataset ``<base>+proposals``: the base dataset's regions and candidates
plus the new grants, replacing any earlier copy, so the planner can open it.
Nothing is written if any step fails. ``solve_plan`` then builds the scenario
(budget in US$ over ``horizon`` years) and explains per proposal why it was or
was not funded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete

from model.accounts.auth import User, require
from model.allocator.api import allocate
from model.allocator.result import AllocationResult
from model.allocator.scenario import Budget, scenario_from_candidates
from model.domain.candidates import Candidate, Region
from model.formatting import numbers
from model.formatting.i18n import _
from model.screening.handover import (
    DEFAULT_RETURN,
    FundingLine,
    ReturnAssumption,
    explain_funding,
    scores_note,
)
from model.screening.proposals import Proposal
from model.screening.rules import DEFAULT_RULES, ScreeningRules, ratio_text
from model.store.db import transaction
from model.store.importer import CANDIDATES, REGIONS, to_orm_values
from model.store.orm import AuditEventRow, CandidateRow, RegionRow
from model.store.repository import fetch_candidates, fetch_regions
from model.store.screening import hand_over_in

SUFFIX = "+proposals"
MAX_DATASET_NAME = 64  # the ``dataset`` column's length


def plan_dataset_name(base: str) -> str:
    """The planning dataset that holds ``base`` plus the handed-over proposals."""
    if not base:
        raise ValueError(_("base dataset: choose a planning dataset"))
    if base.endswith(SUFFIX):
        raise ValueError(
            _(
                "base dataset: '{base}' already holds handed-over proposals; choose "
                "'{original}' instead"
            ).format(base=base, original=base.removesuffix(SUFFIX))
        )
    name = base + SUFFIX
    if len(name) > MAX_DATASET_NAME:
        raise ValueError(
            _(
                "base dataset: '{base}' is too long to add '{suffix}' (at most {most} characters)"
            ).format(base=base, suffix=SUFFIX, most=MAX_DATASET_NAME - len(SUFFIX))
        )
    return name


@dataclass(frozen=True)
class PlanDataset:
    """The written planning dataset: its name, regions, every candidate and the new grants."""

    dataset: str
    regions: tuple[Region, ...]
    candidates: tuple[Candidate, ...]
    grants: tuple[Candidate, ...]


def _check_fit(
    grants: Sequence[Candidate], base: Sequence[Candidate], regions: Sequence[Region]
) -> None:
    taken = {c.id for c in base}
    names = {r.name for r in regions}
    for g in grants:
        if g.id in taken:
            raise ValueError(
                _(
                    "proposal {id}: its id is already a candidate of the base dataset; "
                    "rename the proposal"
                ).format(id=g.id)
            )
        if names and g.region not in names:
            raise ValueError(
                _(
                    "proposal {id}: region '{region}' is not a region of the base dataset "
                    "({regions})"
                ).format(id=g.id, region=g.region, regions=", ".join(sorted(names)))
            )


def send_to_plan(
    engine: Engine,
    base: str,
    *,
    user: User,
    rules: ScreeningRules = DEFAULT_RULES,
    returns: ReturnAssumption = DEFAULT_RETURN,
    start_year: int = 1,
) -> PlanDataset:
    """Hand every stored proposal over and write ``<base>+proposals``, all or nothing.

    Raises ``PermissionDenied`` unless ``user`` may write proposals, and
    ``ValueError`` when the base dataset is empty, a proposal id clashes with a
    base candidate or a proposal's region is not one of the base regions.
    """
    require(user, "proposal.write")
    name = plan_dataset_name(base)
    base_candidates = fetch_candidates(engine, base)
    if not base_candidates:
        raise ValueError(_("base dataset: '{base}' has no candidates").format(base=base))
    regions = fetch_regions(engine, base)
    with transaction(engine) as s:
        grants = hand_over_in(s, rules, actor=user.username, start_year=start_year, returns=returns)
        _check_fit(grants, base_candidates, regions)
        s.execute(delete(CandidateRow).where(CandidateRow.dataset == name))
        s.execute(delete(RegionRow).where(RegionRow.dataset == name))
        # Flush the deletes first: re-adding the same keys in one flush would clash.
        s.flush()
        for r in regions:
            s.add(RegionRow(**to_orm_values(REGIONS, r, name)))
        for c in (*base_candidates, *grants):
            s.add(CandidateRow(**to_orm_values(CANDIDATES, c, name)))
        s.add(
            AuditEventRow(
                actor=user.username,
                action="plan_dataset",
                entity="candidates",
                entity_key=name,
                before=None,
                after={"base": base, "grants": [g.id for g in grants]},
            )
        )
    return PlanDataset(name, tuple(regions), (*base_candidates, *grants), tuple(grants))


@dataclass(frozen=True)
class PlanOutcome:
    """The solved plan and one funding line per proposal (money US$)."""

    result: AllocationResult
    lines: tuple[FundingLine, ...]
    scores_note: str = ""  # how the reviewers' scores entered the plan

    @property
    def funded_ids(self) -> tuple[str, ...]:
        """Proposals that got money, in full or in part."""
        return tuple(
            line.proposal_id for line in self.lines if line.status in ("funded", "partly funded")
        )


def solve_plan(
    plan: PlanDataset,
    proposals: Sequence[Proposal],
    budget_total: float,
    horizon: int,
    *,
    rules: ScreeningRules = DEFAULT_RULES,
    scores: Mapping[str, float] | None = None,
    min_score: float | None = None,
) -> PlanOutcome:
    """Allocate ``budget_total`` (US$ over ``horizon`` years) across the plan's candidates.

    ``scores`` (0-5) are quoted beside each proposal. They enter the allocation only
    through ``min_score`` (0-5): a handed-over proposal scoring below it is left out of
    the scenario (one without a score stays in), and the note says what that changed.
    Each proposal the plan passes over gets the allocator's priced reason.
    """
    if budget_total <= 0:
        raise ValueError(
            _("budget: must be above zero, got {amount}").format(
                amount=numbers.number(budget_total)
            )
        )
    if min_score is not None and not 0 <= min_score <= 5:
        raise ValueError(
            _("score threshold: must be within 0-5, got {score}").format(
                score=ratio_text(min_score)
            )
        )
    marks = scores or {}
    out = {
        g.id
        for g in plan.grants
        if min_score is not None and g.id in marks and marks[g.id] < min_score
    }
    result = _allocate(plan, [c for c in plan.candidates if c.id not in out], budget_total, horizon)
    funded = {cid: float(sum(v)) for cid, v in result.funding.items()}
    in_plan = {g.id for g in plan.grants} - out
    unfunded = {u.candidate: u.sentence for u in result.unfunded_written}
    lines = explain_funding(
        proposals,
        funded,
        rules,
        in_plan=in_plan,
        scores=scores,
        unfunded=unfunded,
        min_score=min_score,
    )
    note = scores_note(min_score, out)
    if out:
        # The threshold's effect: the same plan with every eligible proposal offered.
        every = _allocate(plan, list(plan.candidates), budget_total, horizon)
        grants = {g.id for g in plan.grants}
        had = sorted(c for c, v in every.funding.items() if c in grants and sum(v) > 0.5)
        now = sorted(c for c, v in result.funding.items() if c in grants and sum(v) > 0.5)
        note += " " + _(
            "Without the threshold the plan would fund {before}; with it, {after}."
        ).format(
            before=", ".join(had) or _("no proposal"), after=", ".join(now) or _("no proposal")
        )
    return PlanOutcome(result, tuple(lines), note)


def _allocate(
    plan: PlanDataset, candidates: Sequence[Candidate], budget_total: float, horizon: int
) -> AllocationResult:
    scenario = scenario_from_candidates(
        candidates,
        plan.regions,
        Budget(total=budget_total),
        horizon,
        name=f"{plan.dataset} (hand-over)",
    )
    return allocate(scenario)
