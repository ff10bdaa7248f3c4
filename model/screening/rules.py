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
from model.formatting.i18n import N_, _, ngettext
from model.screening.proposals import (
    ENTITY_TYPE_LABELS,
    ENTITY_TYPE_WITH_ARTICLE,
    EntityType,
    Proposal,
)

# The sources, in English where defined (field descriptions); a gate's ``source`` is
# written in the active language (``_(SOURCE_...)``).
SOURCE_ENTITIES = N_("004 section V, component 2, criterion (i)")
SOURCE_ENVIRONMENT = N_("004 section V, component 2, criterion (iii)")
SOURCE_MATCH = N_(
    "004 section V, component 3 (matching grant facilities); the ratio itself is a policy "
    "setting: the seeds state none"
)
# The figures are filled in the reader's number format (``amount_source``).
SOURCE_AMOUNT = N_("004 section 2.1 (MIF project sizes from {smallest} to over {largest})")
SOURCE_CALL = N_("a setting of this call, chosen by the screener (no source states a limit)")
# The smallest and largest MIF project sizes 004 section 2.1 describes (US$, the largest
# exceeded): a warning below the smallest, not a gate.
SMALLEST_PAST_SIZE = 150_000.0
LARGEST_PAST_SIZE = 1_500_000.0
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
                _("max_amount {high} is below min_amount {low}").format(
                    high=numbers.number(hi), low=numbers.number(lo)
                )
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


def amount_source() -> str:
    """The source of the request-size warning, its figures in the active locale."""
    return _(SOURCE_AMOUNT).format(smallest=usd(SMALLEST_PAST_SIZE), largest=usd(LARGEST_PAST_SIZE))


def ratio_text(value: float, places: int | None = None) -> str:
    """A ratio in the active locale: ``places`` decimals, or as few as ``:g`` shows."""
    if places is None:
        shown = f"{value:g}"
        places = len(shown.partition(".")[2]) if "e" not in shown else 6
    return numbers.number(value, places)


def _and(items: list[str]) -> str:
    # Joins a variable number of phrases ("a business enterprise and a knowledge
    # institution"); the sentences around them are whole messages.
    return _(" and ").join(items)


def gate_min_entities(p: Proposal, rules: ScreeningRules) -> GateResult:
    """At least ``min_entities`` submitting entities (004 V, component 2 (i))."""
    n = len(p.entities)
    need = rules.min_entities
    passed = n >= need
    missing = need - n
    if passed:
        reason = ngettext("submitted by {n} entity", "submitted by {n} entities", n)
        fix = ""
    else:
        reason = ngettext(
            "submitted by {n} entity; at least {need} are required",
            "submitted by {n} entities; at least {need} are required",
            n,
        )
        fix = ngettext(
            "add at least {missing} more submitting entity ({n} listed, {need} required)",
            "add at least {missing} more submitting entities ({n} listed, {need} required)",
            missing,
        )
    counts = {"n": numbers.count(n), "need": numbers.count(need), "missing": numbers.count(missing)}
    return GateResult(
        gate="min_entities",
        label=_("At least {need} submitting entities").format(**counts),
        passed=passed,
        reason=reason.format(**counts),
        fix=fix.format(**counts),
        source=_(SOURCE_ENTITIES),
    )


def gate_required_types(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Each required entity type present at least once (004 V, component 2 (i))."""
    absent = [t for t in rules.required_types if p.count_type(t) == 0]
    wanted = _and([ENTITY_TYPE_WITH_ARTICLE[t] for t in rules.required_types])
    label = _("Includes {types}").format(types=wanted)
    if not absent:
        return GateResult(
            "required_types",
            label,
            True,
            _("includes {types}").format(types=wanted),
            "",
            _(SOURCE_ENTITIES),
        )
    labels = [ENTITY_TYPE_LABELS[t] for t in absent]
    return GateResult(
        gate="required_types",
        label=label,
        passed=False,
        # " and no " joins the missing types: "no business enterprise and no NGO".
        reason=_("no {types} among the submitting entities").format(
            types=_(" and no ").join(labels)
        ),
        fix="; ".join(
            _("add {entity} as a partner").format(entity=ENTITY_TYPE_WITH_ARTICLE[t])
            for t in absent
        ),
        source=_(SOURCE_ENTITIES),
    )


def gate_environment(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Environmentally sustainable and compliant (004 V, component 2 (iii))."""
    env = rules.require_environmental and not p.environmental_compliance
    reg = rules.require_regulatory and not p.regulatory_compliance
    passed = not (env or reg)
    if passed:
        reason = _("declares environmental sustainability and regulatory compliance")
        fix = ""
    elif env and reg:
        reason = _(
            "does not declare environmental sustainability or compliance with domestic "
            "standards and regulations"
        )
        fix = _(
            "document environmental sustainability and compliance with domestic standards "
            "and regulations (e.g. an environmental assessment, permits) and declare it"
        )
    elif env:
        reason = _("does not declare environmental sustainability")
        fix = _(
            "document environmental sustainability (e.g. an environmental assessment, "
            "permits) and declare it"
        )
    else:
        reason = _("does not declare compliance with domestic standards and regulations")
        fix = _(
            "document compliance with domestic standards and regulations (e.g. an "
            "environmental assessment, permits) and declare it"
        )
    return GateResult(
        gate="environment",
        label=_("Environmentally sustainable and compliant with domestic regulations"),
        passed=passed,
        reason=reason,
        fix=fix,
        source=_(SOURCE_ENVIRONMENT),
    )


def gate_match_ratio(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Partner match >= ``min_match_ratio`` x amount requested (004 V, component 3)."""
    needed = rules.min_match_ratio * p.amount_requested
    have = p.partner_match
    passed = have + MONEY_TOLERANCE >= needed
    ratio = have / p.amount_requested
    label = _("Partner match at least {ratio} x the grant requested").format(
        ratio=ratio_text(rules.min_match_ratio)
    )
    figures = {
        "match": usd(have),
        "cash": usd(p.match_cash),
        "in_kind": usd(p.match_in_kind),
        "ratio": ratio_text(ratio, 2),
        "requested": usd(p.amount_requested),
        "least": ratio_text(rules.min_match_ratio, 2),
    }
    if passed:
        reason = _(
            "partner match {match} (cash {cash}, in kind {in_kind}) is {ratio} x the "
            "{requested} requested"
        ).format(**figures)
        return GateResult("match_ratio", label, True, reason, "", _(SOURCE_MATCH))
    reason = _(
        "partner match {match} (cash {cash}, in kind {in_kind}) is {ratio} x the "
        "{requested} requested; at least {least} x is required"
    ).format(**figures)
    most_grant = have / rules.min_match_ratio if rules.min_match_ratio > 0 else math.inf
    if rules.min_amount is None or most_grant >= rules.min_amount:
        fix = _(
            "raise committed match from {match} to {needed}, or reduce the request to at "
            "most {most}"
        ).format(match=usd(have), needed=usd(needed), most=usd(most_grant))
    else:
        fix = _("raise committed match from {match} to {needed}").format(
            match=usd(have), needed=usd(needed)
        )
    return GateResult("match_ratio", label, False, reason, fix, _(SOURCE_MATCH))


def gate_amount(p: Proposal, rules: ScreeningRules) -> GateResult:
    """Request within the call's limits, when the screener sets them (no source states
    one); a request below the smallest MIF project size described (004 section 2.1)
    passes with a warning."""
    a = p.amount_requested
    lo, hi = rules.min_amount, rules.max_amount
    if lo is not None and hi is not None:
        label = _("Request between {low} and {high} (call setting)").format(
            low=usd(lo), high=usd(hi)
        )
    elif lo is not None:
        label = _("Request at least {low} (call setting)").format(low=usd(lo))
    elif hi is not None:
        label = _("Request at most {high} (call setting)").format(high=usd(hi))
    else:
        label = _("Request size (this call sets no limit)")
    if lo is not None and a + MONEY_TOLERANCE < lo:
        return GateResult(
            "amount",
            label,
            False,
            _("requests {amount}, below this call's minimum of {low}").format(
                amount=usd(a), low=usd(lo)
            ),
            _(
                "raise the request to at least {low} (with the match to go with it) or "
                "combine it with another initiative"
            ).format(low=usd(lo)),
            _(SOURCE_CALL),
        )
    if hi is not None and a - MONEY_TOLERANCE > hi:
        return GateResult(
            "amount",
            label,
            False,
            _("requests {amount}, above this call's maximum of {high}").format(
                amount=usd(a), high=usd(hi)
            ),
            _("reduce the request to at most {high}").format(high=usd(hi)),
            _(SOURCE_CALL),
        )
    warning = (
        _(
            "requests {amount}, smaller than the smallest MIF project size the source "
            "describes ({smallest}); eligible, but check it can reach its indicators"
        ).format(amount=usd(a), smallest=usd(SMALLEST_PAST_SIZE))
        if a + MONEY_TOLERANCE < SMALLEST_PAST_SIZE
        else ""
    )
    source = amount_source() if warning or (lo is None and hi is None) else _(SOURCE_CALL)
    reason = _("requests {amount}").format(amount=usd(a))
    return GateResult("amount", label, True, reason, "", source, warning)


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
