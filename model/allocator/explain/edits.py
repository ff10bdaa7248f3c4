"""Apply structured relaxation edits (``RuleEdit``) to a scenario.

An edit names a field, the key it belongs to exactly as the scenario writes it (a
region name is free text: "St. Ann" or "a.b[c],d" are keys, never paths to split) and
the plan year where one applies. ``apply_edits`` returns a new, validated scenario;
``ValueError`` names the edit that does not fit (an unknown key, a value outside its
field's domain).

Units: money US$, shares 0-1, scale 0-1, networks, targets in their measure's unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from model.allocator.result import RuleEdit
from model.allocator.scenario import Scenario, parse_scenario
from model.formatting.i18n import _

_SHARES = {"kind_min": ("kind_shares", "min"), "kind_max": ("kind_shares", "max")}
_SHARES |= {"region_min": ("region_shares", "min"), "region_max": ("region_shares", "max")}
_LIMITS = ("mandatory", "go_no_go", "min_funding", "max_funding")
_CANDIDATE = ("partner_match", "public_share_floor", "public_share_ceiling", "grant_cap")


def apply_edits(scenario: Scenario, edits: Iterable[RuleEdit]) -> Scenario:
    """``scenario`` with every edit applied in order (``ValueError`` names a bad edit)."""
    data = scenario.model_dump(mode="json")
    for e in edits:
        _apply(data, e)
    return parse_scenario(data)


def _apply(data: dict[str, Any], e: RuleEdit) -> None:
    rules = data["rules"]
    pm = rules["policy_mix"]
    v = float(e.value)
    where = _("relaxation {rule}").format(rule=e.path)
    if e.field == "budget_total":
        data["budget"]["total"] = v
    elif e.field == "budget_year":
        years = data["budget"]["per_year"]
        if years is None or not 1 <= e.year <= len(years):
            raise ValueError(
                _("{where}: the scenario has no budget for plan year {year}").format(
                    where=where, year=e.year
                )
            )
        # Only this year: when the total binds too, the diagnosis gives it its own step
        # (a silent raise of the total here changed a rule no sentence named).
        years[e.year - 1] = v
    elif e.field in _SHARES:
        group, side = _SHARES[e.field]
        bounds = pm[group].setdefault(e.key, {"min": 0.0, "max": 1.0})
        bounds[side] = v
    elif e.field == "lagging_min_share":
        pm["lagging_min_share"] = v
    elif e.field in ("source_min", "source_max", "source_amount"):
        src = next((s for s in pm["sources"] if s["name"] == e.key), None)
        if src is None:
            raise ValueError(
                _("{where}: no funding source {source}").format(where=where, source=repr(e.key))
            )
        if e.field == "source_amount":
            src["amount"] = v
        else:
            src["share"]["min" if e.field == "source_min" else "max"] = v
    elif e.field == "max_average_public_share":
        rules["subsidy_band"]["max_average_public_share"] = v
    elif e.field in _LIMITS:
        rules["candidate_limits"][e.field][e.key] = v
    elif e.field == "locked":
        hit = [
            d
            for d in rules["candidate_limits"]["locked"]
            if d["candidate"] == e.key and d["year"] == e.year
        ]
        if not hit:
            raise ValueError(
                _("{where}: no amount is locked for {c} in year {year}").format(
                    where=where, c=e.key, year=e.year
                )
            )
        hit[0]["amount"] = v
    elif e.field == "min_fee_revenue":
        rules["cost_recovery"]["min_fee_revenue"] = v
    elif e.field == "existing_networks":
        rules["broker_capacity"]["existing_networks"] = v
    elif e.field == "target":
        data["objective"]["targets"][e.key] = v
    elif e.field in _CANDIDATE or e.field == "fee_share":
        cand = next((c for c in data["candidates"] if c["id"] == e.key), None)
        if cand is None:
            raise ValueError(_("{where}: no candidate {c}").format(where=where, c=repr(e.key)))
        if e.field == "fee_share":
            _set_fee(cand, e, v, where)
        else:
            cand[e.field] = v
    else:  # pragma: no cover - EditField is a closed Literal
        raise ValueError(_("{where}: cannot apply this relaxation").format(where=where))


def _set_fee(cand: dict[str, Any], e: RuleEdit, v: float, where: str) -> None:
    """Set the fee share of one plan year; the schedule is written out to that year so
    the change does not leak into later years (the last share holds after a schedule)."""
    k = e.year - int(cand["start_year"]) + 1  # year of operation
    sched = list(cand["fee_schedule"])
    if k < 1 or k > len(cand["cost_by_year"]) or not sched:
        raise ValueError(
            _("{where}: {c} charges no fee in plan year {year}").format(
                where=where, c=e.key, year=e.year
            )
        )
    while len(sched) < len(cand["cost_by_year"]):
        sched.append(sched[-1])
    sched[k - 1] = v
    cand["fee_schedule"] = sched
