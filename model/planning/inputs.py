"""The Plan page's logic without Streamlit: inputs to scenario, results to words and rows.

``PlanInputs`` holds what the page's controls set; ``build_scenario`` turns it and a
candidate set into a ``Scenario`` (rules the page has no control for, such as region
shares or funding sources, are kept from a ``base`` scenario, e.g. one reopened from
the store). ``apply_relaxation`` edits a scenario as an infeasibility diagnosis
proposes; ``lock_current_spending`` fixes a plan's funding so only new money is placed.
Reading results back (summary, rows, sweep curve) is ``model.planning.readout``.

Units: money US$ (the scenario's price year); shares 0-1; scale 0-1 of full scale;
plan years 1..horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import ValidationError

from model import DATA_DIR
from model.allocator.explain.edits import apply_edits
from model.allocator.result import Lever, RelaxationStep
from model.allocator.scenario import (
    BrokerCapacity,
    Budget,
    BudgetRule,
    CandidateLimits,
    CostRecovery,
    DiminishingReturns,
    LockedAmount,
    MatchingGrants,
    Measure,
    Objective,
    ObjectiveKind,
    PolicyMix,
    Rules,
    Scenario,
    ShareBounds,
    SolverName,
    SolverOptions,
    SubsidyBand,
    load_scenario,
    scenario_from_candidates,
)
from model.domain.candidates import KINDS, Candidate, Kind, Region
from model.formatting.i18n import _
from model.screening.net import NetAssessment, with_network_fees

DEMO_SCENARIO = DATA_DIR / "scenarios" / "demo.json"
LOCK_MIN_US = 1.0  # funding below US$1 in a year is solver noise, not spending to lock
PerYearMode = Literal["equal", "custom", "none"]


@dataclass(frozen=True)
class PlanInputs:
    """What the Plan page's controls set (money US$, shares 0-1, scale 0-1).

    ``total_budget`` and ``per_year`` are new money when ``budget_on_top`` is set: the
    ``locked`` amounts (current spending) are then added to them, so the optimiser
    places only the new money. ``committed`` candidates are mandatory at full scale.
    ``kind_shares`` holds (kind, min, max) shares of total public funding.
    """

    total_budget: float | None
    horizon: int
    per_year_mode: PerYearMode = "equal"
    per_year: tuple[float, ...] = ()
    carry_over: bool = True
    budget_on: bool = True
    limits_on: bool = True
    committed: tuple[str, ...] = ()
    go_no_go: tuple[str, ...] = ()
    min_viable_scale: float = 0.5
    locked: tuple[LockedAmount, ...] = ()
    budget_on_top: bool = False
    band_on: bool = True
    max_average_public_share: float | None = None
    recovery_on: bool = True
    min_fee_revenue: float = 0.0
    grants_on: bool = True
    capacity_on: bool = True
    existing_networks: float = 0.0
    mix_on: bool = True
    lagging_min_share: float = 0.0
    kind_shares: tuple[tuple[Kind, float, float], ...] = ()
    objective: ObjectiveKind = "benefit"
    weights: tuple[tuple[Measure, float], ...] = ()
    targets: tuple[tuple[Measure, float], ...] = ()
    diminishing_returns: bool = False
    solver: SolverName = "highs"
    name: str = "Planner scenario"
    price_year: int = 2024


def budget_of(inputs: PlanInputs) -> Budget:
    """The scenario budget: the controls' amounts plus locked spending when on top."""
    h = inputs.horizon
    if inputs.total_budget is not None and inputs.total_budget < 0:
        raise ValueError(_("total_budget: {amount} is negative").format(amount=inputs.total_budget))
    if inputs.per_year_mode == "custom":
        if len(inputs.per_year) != h:
            raise ValueError(
                _("per_year: {n} values for a {years}-year horizon").format(
                    n=len(inputs.per_year), years=h
                )
            )
        per_year: list[float] | None = list(inputs.per_year)
    elif inputs.per_year_mode == "equal" and inputs.total_budget is not None:
        per_year = [inputs.total_budget / h] * h
    else:
        per_year = None
    total = inputs.total_budget
    if inputs.budget_on_top and inputs.locked:
        locked_by_year = [0.0] * h
        for lk in inputs.locked:
            if lk.year > h:
                raise ValueError(
                    _("locked: {candidate} year {year} is beyond the horizon").format(
                        candidate=lk.candidate, year=lk.year
                    )
                )
            locked_by_year[lk.year - 1] += lk.amount
        total = None if total is None else total + sum(locked_by_year)
        if per_year is not None:
            per_year = [b + v for b, v in zip(per_year, locked_by_year, strict=True)]
    return Budget(
        total=total,
        per_year=None if per_year is None else tuple(per_year),
        carry_over=inputs.carry_over,
    )


_RULE_PATHS = {
    "BudgetRule": "rules.budget",
    "CandidateLimits": "rules.candidate_limits",
    "SubsidyBand": "rules.subsidy_band",
    "CostRecovery": "rules.cost_recovery",
    "MatchingGrants": "rules.matching_grants",
    "BrokerCapacity": "rules.broker_capacity",
    "PolicyMix": "rules.policy_mix",
    "ShareBounds": "rules.policy_mix.kind_shares",
    "Objective": "objective",
    "DiminishingReturns": "objective.diminishing_returns",
    "SolverOptions": "solver",
}


def build_scenario(
    candidates: Sequence[Candidate],
    regions: Sequence[Region],
    inputs: PlanInputs,
    base: Scenario | None = None,
) -> Scenario:
    """A scenario from a candidate set and the controls; ``ValueError`` names the bad field."""
    ids = {c.id for c in candidates}
    for field_name in ("committed", "go_no_go"):
        for cid in getattr(inputs, field_name):
            if cid not in ids:
                raise ValueError(
                    _("{field}: {candidate} is not in this candidate set").format(
                        field=field_name, candidate=repr(cid)
                    )
                )
    b = base.rules if base is not None else None
    lim = b.candidate_limits if b is not None else None
    # The base's per-candidate limits apply only to the candidate set they were made for.
    keep = None
    if lim is not None:
        named = (*lim.mandatory, *lim.go_no_go, *lim.min_funding, *lim.max_funding)
        keep = lim if all(c in ids for c in named) else None
    # Partial mandatory scales have no control; they stay as the base scenario set them.
    mandatory = {c: v for c, v in (keep.mandatory.items() if keep else ()) if v < 1.0}
    mandatory.update({c: 1.0 for c in inputs.committed})
    region_names = {r.name for r in regions}
    try:
        # Typed rule models, each validated once as it is made; the scenario below checks
        # only what spans them (candidate ids, horizon), and nothing is parsed from a dict.
        mix = PolicyMix(
            enabled=inputs.mix_on,
            lagging_min_share=inputs.lagging_min_share,
            kind_shares={k: ShareBounds(min=lo, max=hi) for k, lo, hi in inputs.kind_shares},
            region_shares=(
                b.policy_mix.region_shares
                if b is not None and set(b.policy_mix.region_shares) <= region_names
                else {}
            ),
            sources=b.policy_mix.sources if b is not None else (),
        )
        rules = Rules(
            budget=BudgetRule(enabled=inputs.budget_on),
            candidate_limits=CandidateLimits(
                enabled=inputs.limits_on,
                min_funding=dict(keep.min_funding) if keep else {},
                max_funding=dict(keep.max_funding) if keep else {},
                locked=inputs.locked,
                mandatory=mandatory,
                go_no_go={c: inputs.min_viable_scale for c in inputs.go_no_go},
            ),
            subsidy_band=SubsidyBand(
                enabled=inputs.band_on, max_average_public_share=inputs.max_average_public_share
            ),
            cost_recovery=CostRecovery(
                enabled=inputs.recovery_on, min_fee_revenue=inputs.min_fee_revenue
            ),
            matching_grants=MatchingGrants(enabled=inputs.grants_on),
            broker_capacity=BrokerCapacity(
                enabled=inputs.capacity_on, existing_networks=inputs.existing_networks
            ),
            policy_mix=mix,
        )
        dr = base.objective.diminishing_returns if base is not None else DiminishingReturns()
        objective = Objective(
            kind=inputs.objective,
            weights=dict(inputs.weights) if inputs.objective == "weighted" else {},
            targets={m: v for m, v in inputs.targets if v > 0},
            diminishing_returns=dr.model_copy(update={"enabled": inputs.diminishing_returns}),
        )
        solver = (
            base.solver.model_copy(update={"solver": inputs.solver})
            if base is not None
            else SolverOptions(solver=inputs.solver)
        )
    except ValidationError as exc:
        # Named by the scenario JSON path, as parse_scenario names a file's bad field.
        head = _RULE_PATHS.get(exc.title, exc.title)
        lines = [".".join([head, *map(str, e["loc"])]) + f": {e['msg']}" for e in exc.errors()]
        raise ValueError(_("invalid scenario:") + "\n  " + "\n  ".join(lines)) from None
    return scenario_from_candidates(
        candidates,
        regions,
        budget_of(inputs),
        inputs.horizon,
        name=inputs.name,
        price_year=inputs.price_year,
        rules=rules,
        objective=objective,
        solver=solver,
        description=base.description if base is not None else "",
    )


def inputs_from_scenario(sc: Scenario) -> PlanInputs:
    """The controls that reproduce a scenario (the inverse of ``build_scenario``)."""
    r, b = sc.rules, sc.budget
    per_year = tuple(b.per_year or ())
    equal = b.total is not None and all(abs(v - b.total / sc.horizon_years) < 0.5 for v in per_year)
    mode: PerYearMode = "none" if not per_year else ("equal" if equal else "custom")
    lim = r.candidate_limits
    return PlanInputs(
        total_budget=b.total,
        horizon=sc.horizon_years,
        per_year_mode=mode,
        per_year=per_year,
        carry_over=b.carry_over,
        budget_on=r.budget.enabled,
        limits_on=lim.enabled,
        committed=tuple(c for c, v in lim.mandatory.items() if v >= 1.0),
        go_no_go=tuple(lim.go_no_go),
        min_viable_scale=min(lim.go_no_go.values(), default=0.5),
        locked=lim.locked,
        band_on=r.subsidy_band.enabled,
        max_average_public_share=r.subsidy_band.max_average_public_share,
        recovery_on=r.cost_recovery.enabled,
        min_fee_revenue=r.cost_recovery.min_fee_revenue,
        grants_on=r.matching_grants.enabled,
        capacity_on=r.broker_capacity.enabled,
        existing_networks=r.broker_capacity.existing_networks,
        mix_on=r.policy_mix.enabled,
        lagging_min_share=r.policy_mix.lagging_min_share,
        kind_shares=tuple(
            (k, v.min, v.max) for k in KINDS if (v := r.policy_mix.kind_shares.get(k)) is not None
        ),
        objective=sc.objective.kind,
        weights=tuple(sc.objective.weights.items()),
        targets=tuple(sc.objective.targets.items()),
        diminishing_returns=sc.objective.diminishing_returns.enabled,
        solver=sc.solver.solver,
        name=sc.name,
        price_year=sc.price_year,
    )


def default_inputs() -> PlanInputs:
    """The demo question's settings (data/scenarios/demo.json): US$5 M over 4 years."""
    return inputs_from_scenario(load_scenario(DEMO_SCENARIO))


def locked_from_funding(
    funding: Mapping[str, Sequence[float | None]], only: Iterable[str] | None = None
) -> tuple[LockedAmount, ...]:
    """Funding per candidate and plan year (a result's, or a saved result's JSON) as
    locked amounts; ``only`` keeps those candidates. Amounts under US$1 are dropped."""
    keep = None if only is None else set(only)
    out = []
    for cid, years in funding.items():
        if keep is not None and cid not in keep:
            continue
        for t, v in enumerate(years, start=1):
            if v is not None and v >= LOCK_MIN_US:
                out.append(LockedAmount(candidate=cid, year=t, amount=round(float(v), 2)))
    return tuple(out)


def with_net_fees(
    candidates: Sequence[Candidate],
    assessments: Iterable[NetAssessment],
    network_id: str,
    broker_ids: Iterable[str],
) -> tuple[Candidate, ...]:
    """The candidate set with the named broker programmes' fee schedules (fee share 0-1
    per year of operation) taken from network ``network_id``'s latest NET stage, for the
    cost-recovery rule; the other candidates unchanged. ``ValueError`` names a candidate
    that is not in the set or not a broker programme, or a network without assessment."""
    wanted = set(broker_ids)
    missing = wanted - {c.id for c in candidates}
    if missing:
        raise ValueError(
            _("NET fees: {candidates} not in this candidate set").format(candidates=sorted(missing))
        )
    pool = tuple(assessments)
    return tuple(
        with_network_fees(c, pool, network_id) if c.id in wanted else c for c in candidates
    )


def lock_current_spending(
    inputs: PlanInputs, funding: Mapping[str, Sequence[float | None]]
) -> PlanInputs:
    """Fix every amount of ``funding`` and read the budget controls as new money on top."""
    return replace(inputs, locked=locked_from_funding(funding), budget_on_top=True)


def apply_relaxation(scenario: Scenario, step: RelaxationStep) -> Scenario:
    """The scenario with the step's structured edits applied (``ValueError`` when the step
    has none, saying why: e.g. an eligibility decision, which no number can change)."""
    if not step.edits:
        raise ValueError(
            _("{rule}: cannot be applied here: {why}").format(
                rule=step.rule, why=step.why_not or _("no edit")
            )
        )
    return apply_edits(scenario, step.edits)


def apply_all(
    scenario: Scenario,
    steps: Iterable[RelaxationStep],
    levers: Iterable[Lever] = ("planner",),
) -> Scenario:
    """Every step whose lever is in ``levers`` (default: the planner's own rules, what the
    Plan page applies in one click), in order; steps without edits are skipped."""
    allowed = set(levers)
    edits = [e for s in steps if s.lever in allowed for e in s.edits]
    return apply_edits(scenario, edits) if edits else scenario
