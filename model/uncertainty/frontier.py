"""The inclusion frontier: how much outcome each step of territorial equity costs.

An epsilon-constraint sweep over the policy-mix rule's ``lagging_min_share`` (the
least share 0-1 of public funding that goes to regions marked lagging): each
point solves the scenario with that floor and records the optimum, the share
actually reached and the enterprises reached in lagging regions. A point whose
floor no plan can meet is kept with status ``infeasible``. ``frontier_scenario``
is the scenario of one point, ready to open on the Plan page.

Units: shares 0-1; money US$ over the horizon; objective in its own units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.allocator.api import allocate
from model.allocator.reoptimise import candidate_arrays, curve
from model.allocator.scenario import Scenario
from model.formatting import numbers
from model.formatting.i18n import _
from model.uncertainty.drawsolve import check_objective

DEFAULT_POINTS = 11
SHARE_DECIMALS = 4  # floors are set to 0.01 % so the sweep's labels stay readable


@dataclass(frozen=True)
class FrontierPoint:
    """One floor of the sweep and the plan it gives (None where no plan exists)."""

    floor: float
    status: str
    objective: float | None
    lagging_share: float | None
    public_money: float
    lagging_enterprises: float | None
    enterprises: float | None


def lagging_regions(scenario: Scenario) -> set[str]:
    """Regions marked lagging (``ValueError`` if none are)."""
    out = {r.name for r in scenario.regions if r.lagging}
    if not out:
        raise ValueError(_("regions: no region is marked lagging, so there is no frontier to draw"))
    return out


def frontier_scenario(scenario: Scenario, floor: float) -> Scenario:
    """The scenario with the lagging-regions floor set to ``floor`` (0-1).

    When the policy-mix rule is off, it is switched on with the floor as its only
    part, so no other share rule starts to apply.
    """
    if not 0 <= floor <= 1:
        raise ValueError(_("floor: {floor} is outside 0-1").format(floor=floor))
    pm = scenario.rules.policy_mix
    if pm.enabled:
        new = pm.model_copy(update={"lagging_min_share": floor})
    else:
        new = type(pm)(enabled=True, lagging_min_share=floor)
    rules = scenario.rules.model_copy(update={"policy_mix": new})
    name = _("{name} (lagging floor {floor})").format(
        name=scenario.name, floor=numbers.share(floor)
    )[:200]
    return scenario.model_copy(update={"rules": rules, "name": name})


def floors(scenario: Scenario, points: int = DEFAULT_POINTS) -> list[float]:
    """``points`` floors from 0 to 1, plus the scenario's own floor."""
    if not 2 <= points <= 101:
        raise ValueError(_("points: {points} is outside 2-101").format(points=points))
    grid = {round(float(v), SHARE_DECIMALS) for v in np.linspace(0.0, 1.0, points)}
    pm = scenario.rules.policy_mix
    if pm.enabled:
        grid.add(round(pm.lagging_min_share, SHARE_DECIMALS))
    return sorted(grid)


def inclusion_frontier(
    scenario: Scenario, points: int = DEFAULT_POINTS
) -> tuple[FrontierPoint, ...]:
    """Solve the scenario at each floor of ``floors(scenario, points)``."""
    check_objective(scenario)
    lagging = lagging_regions(scenario)
    arr = candidate_arrays(scenario)
    in_lagging = np.array([r in lagging for r in arr.region], np.bool_)
    out = []
    for floor in floors(scenario, points):
        sc = frontier_scenario(scenario, floor)
        r = allocate(sc, explain=False, baseline=False)
        if r.objective is None:
            out.append(FrontierPoint(floor, r.status, None, None, 0.0, None, None))
            continue
        spend = r.total_public
        lag_spend = sum(v for k, v in r.totals_by_region.items() if k in lagging)
        f = np.array([r.scale.get(c, 0.0) for c in arr.ids])
        reach = arr.outcome["enterprises"] * curve(sc, f)
        out.append(
            FrontierPoint(
                floor=floor,
                status=r.status,
                objective=r.objective,
                lagging_share=lag_spend / spend if spend > 0 else None,
                public_money=spend,
                lagging_enterprises=float(reach[in_lagging].sum()),
                enterprises=float(reach.sum()),
            )
        )
    return tuple(out)


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name #2``, ``#3``... when a saved scenario already has it."""
    if name not in taken:
        return name
    k = 2
    while f"{name} #{k}" in taken:
        k += 1
    return f"{name} #{k}"
