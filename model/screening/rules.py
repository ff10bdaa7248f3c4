"""Eligibility gates for matching-grant proposals, each with its source and its fix.

The gates come from MIF 004 section V, component 2 ("Business development
initiatives"): funding goes to initiatives "collectively designed and submitted
by at least three entities, including business enterprises and knowledge
institutions" (criterion i) that are "environmentally sustainable and comply
with domestic standards and regulations" (criterion iii). Component 3 makes the
facility a *matching* grant, so partner money must match the grant; the seeds
state no ratio, so the default 1:1 is a policy setting, labelled as such.

A gate rejects only on a rule a source states, or on a setting of the call that the
screener sets (and the page shows). The request size is such a setting: 004 section
2.1 describes MIF project sizes "from US$150,000 to over US$1,500,000", a range of past
projects, not a limit, so by default there is no minimum or maximum. A request below
the smallest size described gets a warning (the proposal stays eligible); nothing
warns above US$1,500,000, since the passage says projects went "over" it.

Every failed gate says in plain words what is wrong and what would make the
proposal eligible ("add a knowledge institution as a partner", "raise committed
match from US$80,000 to US$100,000").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.formatting import numbers
from model.screening.proposals import ENTITY_TYPE_LABELS, EntityType, Proposal

SOURCE_ENTITIES = "004 section V, component 2, criterion (i)"
SOURCE_ENVIRONMENT = "004 section V, component 2, criterion (iii)"
SOURCE_MATCH = (
    "004 section V, component 3 (matching grant facilities); the ratio itself is a policy "
    "setting: the seeds state none"
)
SOURCE_AMOUNT = "004 section 2.1 (MIF project sizes from US$150,000 to over US$1,500,000)"
SOURCE_CALL = "a setting of this call, chosen by the screener (no source states a limit)"
# The smallest MIF project size 004 section 2.1 describes (US$): a warning, not a gate.
SMALLEST_PAST_SIZE = 150_000.0
MONEY_TOLERANCE = 0.005  # US$: half a cent, so rounding in a file never fails a gate


class ScreeningRules(BaseModel):
    """Gate parameters (US$, ratios as plain numbers). Defaults cite their source above."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_entities: int = Field(default=3, ge=1, description=SOURCE_ENTITIES)
    required_types: tuple[EntityType, ...] = Field(
        default=("business_enterprise", "knowledge_institution"),
        description=SOURCE_ENTITIES,
    )
    require_environmental: bool = Field(default=True, description=SOURCE_ENVIRONMENT)
    require_regulatory: bool = Field(default=True, description=SOURCE_ENVIRONMENT)
    min_match_ratio: float = Field(
        default=1.0,
        ge=0,
        description="Partner match (cash plus in kind) per US$1 of grant requested; "
        + SOURCE_MATCH,
    )
    min_amount: float | None = Field(
        default=None, ge=0, description="Least request (US$); " + SOURCE_CALL
    )
    max_amount: float | None = Field(
        default=None, ge=0, description="Largest request (US$); " + SOURCE_CALL
    )

    @model_validator(mode="after")
    def _limits_ordered(self) -> ScreeningRules:
        lo, hi = self.min_amount, self.max_amount
        if hi is not None and lo is not None and hi < lo:
            raise ValueError(
                f"max_amount {self.max_amount:,.0f} is below min_amount {self.min_amount:,.0f}"
            )
        return self


DEFAULT_RULES = ScreeningRules()


@dataclass(frozen=True)
class GateResult:
    """One gate applied to one proposal; ``fix`` is empty when it passed."""

    gate: str
    label: str
    passed: bool
    reason: str
    fix: str
    source: str
    warning: str = ""  # a flag that does not fail the gate (no source makes it a rule)


@dataclass(frozen=True)
class Screening:
    """All gates for one proposal."""

    proposal_id: str
    title: str
    gates: tuple[GateResult, ...]

    @property
    def eligible(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def failures(self) -> tuple[GateResult, ...]:
        return tuple(g for g in self.gates if not g.passed)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(g.reason for g in self.failures)

    @property
    def fixes(self) -> tuple[str, ...]:
        return tuple(g.fix for g in self.failures if g.fix)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(g.warning for g in self.gates if g.warning)


def usd(amount: float) -> str:
    """US$ with thousands separators and no cents unless there are some
    (``model.formatting.numbers.money``)."""
    whole = math.isclose(amount, round(amount), abs_tol=MONEY_TOLERANCE)
    return numbers.money(amount, cents=not whole)


def gate_min_entities(p: Proposal, rules: ScreeningRules) -> GateResult:
    """At least ``min_entities`` submitting entities (004 V, component 2 (i))."""
    n = len(p.entities)
    need = rules.min_entities
    passed = n >= need
    missing = need - n
    return GateResult(
        gate="min_entities",
        label=f"At least {need} submitting entities",
        passed=passed,
        reason=f"submitted by {n} entit{'y' if n == 1 else 'ies'}"
        + ("" if passed else f"; at least {need} are required"),
        fix=""
        if passed
        else f"add at least {missing} more submitting entit{'y' if missing == 1 else 'ies'} "
        f"({n} listed, {need} required)",
        source=SOURCE_ENTITIES,
    )


def gate_required_types(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Each required entity type present at least once (004 V, component 2 (i))."""
    absent = [t for t in rules.required_types if p.count_type(t) == 0]
    wanted = " and ".join(f"a {ENTITY_TYPE_LABELS[t]}" for t in rules.required_types)
    if not absent:
        return GateResult(
            "required_types",
            f"Includes {wanted}",
            True,
            f"includes {wanted}",
            "",
            SOURCE_ENTITIES,
        )
    labels = [ENTITY_TYPE_LABELS[t] for t in absent]
    return GateResult(
        gate="required_types",
        label=f"Includes {wanted}",
        passed=False,
        reason="no " + " and no ".join(labels) + " among the submitting entities",
        fix="; ".join(f"add a {lbl} as a partner" for lbl in labels),
        source=SOURCE_ENTITIES,
    )


def gate_environment(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Environmentally sustainable and compliant (004 V, component 2 (iii))."""
    missing = []
    if rules.require_environmental and not p.environmental_compliance:
        missing.append("environmental sustainability")
    if rules.require_regulatory and not p.regulatory_compliance:
        missing.append("compliance with domestic standards and regulations")
    passed = not missing
    return GateResult(
        gate="environment",
        label="Environmentally sustainable and compliant with domestic regulations",
        passed=passed,
        reason="declares environmental sustainability and regulatory compliance"
        if passed
        else "does not declare " + " or ".join(missing),
        fix=""
        if passed
        else "document " + " and ".join(missing) + " (e.g. an environmental assessment, "
        "permits) and declare it",
        source=SOURCE_ENVIRONMENT,
    )


def gate_match_ratio(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Partner match >= ``min_match_ratio`` x amount requested (004 V, component 3)."""
    needed = rules.min_match_ratio * p.amount_requested
    have = p.partner_match
    passed = have + MONEY_TOLERANCE >= needed
    ratio = have / p.amount_requested
    label = f"Partner match at least {rules.min_match_ratio:g} x the grant requested"
    reason = (
        f"partner match {usd(have)} (cash {usd(p.match_cash)}, in kind "
        f"{usd(p.match_in_kind)}) is {ratio:.2f} x the {usd(p.amount_requested)} requested"
    )
    if passed:
        return GateResult("match_ratio", label, True, reason, "", SOURCE_MATCH)
    most_grant = have / rules.min_match_ratio if rules.min_match_ratio > 0 else math.inf
    fix = f"raise committed match from {usd(have)} to {usd(needed)}"
    if rules.min_amount is None or most_grant >= rules.min_amount:
        fix += f", or reduce the request to at most {usd(most_grant)}"
    return GateResult(
        "match_ratio",
        label,
        False,
        reason + f"; at least {rules.min_match_ratio:.2f} x is required",
        fix,
        SOURCE_MATCH,
    )


def gate_amount(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Request within the call's limits, when the screener sets them (no source states
    one); a request below the smallest MIF project size described (004 section 2.1)
    passes with a warning."""
    a = p.amount_requested
    lo, hi = rules.min_amount, rules.max_amount
    if lo is not None and hi is not None:
        label = f"Request between {usd(lo)} and {usd(hi)} (call setting)"
    elif lo is not None:
        label = f"Request at least {usd(lo)} (call setting)"
    elif hi is not None:
        label = f"Request at most {usd(hi)} (call setting)"
    else:
        label = "Request size (this call sets no limit)"
    if lo is not None and a + MONEY_TOLERANCE < lo:
        return GateResult(
            "amount",
            label,
            False,
            f"requests {usd(a)}, below this call's minimum of {usd(lo)}",
            f"raise the request to at least {usd(lo)} (with the match to go with it) or "
            "combine it with another initiative",
            SOURCE_CALL,
        )
    if hi is not None and a - MONEY_TOLERANCE > hi:
        return GateResult(
            "amount",
            label,
            False,
            f"requests {usd(a)}, above this call's maximum of {usd(hi)}",
            f"reduce the request to at most {usd(hi)}",
            SOURCE_CALL,
        )
    warning = (
        f"requests {usd(a)}, smaller than the smallest MIF project size the source describes "
        f"({usd(SMALLEST_PAST_SIZE)}); eligible, but check it can reach its indicators"
        if a + MONEY_TOLERANCE < SMALLEST_PAST_SIZE
        else ""
    )
    source = SOURCE_AMOUNT if warning or (lo is None and hi is None) else SOURCE_CALL
    return GateResult("amount", label, True, f"requests {usd(a)}", "", source, warning)


GATES = (gate_min_entities, gate_required_types, gate_environment, gate_match_ratio, gate_amount)
GATE_IDS: tuple[str, ...] = (
    "min_entities",
    "required_types",
    "environment",
    "match_ratio",
    "amount",
)


def screen(p: Proposal, rules: ScreeningRules = DEFAULT_RULES) -> Screening:
    """Apply every gate to one proposal, in the order of ``GATE_IDS``."""
    return Screening(p.proposal_id, p.title, tuple(g(p, rules) for g in GATES))


def screen_all(
    proposals: list[Proposal] | tuple[Proposal, ...], rules: ScreeningRules = DEFAULT_RULES
) -> list[Screening]:
    return [screen(p, rules) for p in proposals]
