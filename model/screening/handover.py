"""Hand-over: screened proposals become matching-grant candidates of a plan.

Mapping of one proposal to a ``model.domain.candidates.Candidate`` (kind
``matching_grant``), in US$:

- ``cost_by_year``: the full cost (grant requested + partner match) spread
  evenly over the months of the duration; year i gets its months' share (an
  18-month project puts 12/18 in year 1 and 6/18 in year 2);
- ``partner_match``: cash plus in kind; ``grant_cap``: the amount requested;
  ``match_ratio``: 1 / ``ScreeningRules.min_match_ratio`` (the grant may be at
  most that many times the match; None when the rule asks for no match);
- ``public_share_ceiling``: grant requested / full cost (public money pays at
  most the grant); ``eligible``: the screening verdict;
- ``enterprises``: the largest target among indicators whose unit is ``firms``
  or ``enterprises``; without one, the number of business enterprises among the
  submitting entities (those firms at least take part);
- ``jobs``: the sum over indicators with unit ``jobs`` of target minus baseline
  (baseline 0 when not measured), never below 0;
- ``benefit``: full cost x a return per US$ (``ReturnAssumption``). The only
  cited return of a MIF cluster project is Córdoba's US$7 of social return per
  US$1 invested (004 section 2.1; evidence CORDOBA-01), the best reported, so it
  is the high value; the low (1.0, break-even) and central (3.5, half the best
  case) values are assumptions, named as such in ``evidence_basis``.

Enterprises and jobs are the proposal's own targets, so low = central = high:
a claim, not a measured range.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.domain.candidates import Candidate
from model.formatting import numbers
from model.formatting.i18n import N_, _
from model.screening.proposals import Proposal
from model.screening.rules import DEFAULT_RULES, Screening, ScreeningRules, screen, usd

ENTERPRISE_UNITS = ("firms", "enterprises")
JOB_UNITS = ("jobs",)
FUNDED_TOLERANCE = 0.5  # US$: amounts closer than this to the request count as in full


class ReturnAssumption(BaseModel):
    """Benefit per US$ of full cost (US$/US$): low <= central <= high, with its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(default=1.0, ge=0)
    central: float = Field(default=3.5, ge=0)
    high: float = Field(default=7.0, ge=0)
    evidence_id: str = "CORDOBA-01"
    note: str = (
        "high = Córdoba, US$7 social return per US$1 (004 section 2.1, the best reported "
        "MIF project); low 1.0 (break-even) and central 3.5 (half the best case) are "
        "assumptions"
    )

    @model_validator(mode="after")
    def _ordered(self) -> ReturnAssumption:
        if not self.low <= self.central <= self.high:
            raise ValueError(_("return per US$: need low <= central <= high"))
        return self


DEFAULT_RETURN = ReturnAssumption()


def spread_cost(full_cost: float, duration_months: int) -> tuple[float, ...]:
    """Full cost (US$) per year of operation, in proportion to the months in each year."""
    if duration_months < 1:
        raise ValueError(
            _("duration_months must be at least 1, got {months}").format(months=duration_months)
        )
    years = math.ceil(duration_months / 12)
    months = [min(12, duration_months - 12 * i) for i in range(years)]
    return tuple(full_cost * m / duration_months for m in months)


def _enterprises(p: Proposal) -> tuple[float, str]:
    targets = [(i.target, i.name) for i in p.indicators if i.unit.lower() in ENTERPRISE_UNITS]
    if targets:
        value, name = max(targets)
        return max(0.0, value), f"enterprises from indicator '{name}' target {value:g}"
    n = p.count_type("business_enterprise")
    return float(n), f"enterprises = {n} submitting business enterprise(s) (no firms indicator)"


def _jobs(p: Proposal) -> tuple[float, str]:
    items = [i for i in p.indicators if i.unit.lower() in JOB_UNITS]
    if not items:
        return 0.0, "jobs 0 (no indicator with unit jobs)"
    total = sum(i.target - (i.baseline or 0.0) for i in items)
    names = ", ".join(f"'{i.name}'" for i in items)
    return max(0.0, total), f"jobs from {names}: {max(0.0, total):g}"


def proposal_to_candidate(
    p: Proposal,
    screening: Screening,
    rules: ScreeningRules = DEFAULT_RULES,
    *,
    start_year: int = 1,
    returns: ReturnAssumption = DEFAULT_RETURN,
) -> Candidate:
    """One proposal as a matching-grant candidate (mapping in the module docstring)."""
    if screening.proposal_id != p.proposal_id:
        raise ValueError(
            f"screening of '{screening.proposal_id}' given for proposal '{p.proposal_id}'"
        )
    full = p.full_cost
    enterprises, ent_note = _enterprises(p)
    jobs, jobs_note = _jobs(p)
    basis = (
        f"Proposal {p.proposal_id} (matching-grant screening, "
        f"{'eligible' if screening.eligible else 'ineligible'}): full cost {usd(full)} = "
        f"request {usd(p.amount_requested)} + match {usd(p.partner_match)} over "
        f"{p.duration_months} months; {ent_note}; {jobs_note}; benefit = full cost x "
        f"{returns.low:g}/{returns.central:g}/{returns.high:g} US$ per US$ "
        f"({returns.evidence_id}: {returns.note})"
    )
    ratio = 1 / rules.min_match_ratio if rules.min_match_ratio > 0 else None
    return Candidate(
        id=p.proposal_id,
        name=p.title,
        kind="matching_grant",
        region=p.region,
        sector=p.sector,
        start_year=start_year,
        cost_by_year=spread_cost(full, p.duration_months),
        public_share_floor=0.0,
        public_share_ceiling=min(1.0, p.amount_requested / full),
        partner_match=p.partner_match,
        match_ratio=ratio,
        grant_cap=p.amount_requested,
        eligible=screening.eligible,
        enterprises=enterprises,
        enterprises_low=enterprises,
        enterprises_high=enterprises,
        jobs=jobs,
        jobs_low=jobs,
        jobs_high=jobs,
        benefit=full * returns.central,
        benefit_low=full * returns.low,
        benefit_high=full * returns.high,
        evidence_basis=basis[:2000],
    )


def proposals_to_candidates(
    proposals: Iterable[Proposal],
    rules: ScreeningRules = DEFAULT_RULES,
    *,
    start_year: int = 1,
    returns: ReturnAssumption = DEFAULT_RETURN,
    include_ineligible: bool = False,
) -> list[Candidate]:
    """Screen proposals and turn the eligible ones (or all, flagged) into candidates."""
    out = []
    for p in proposals:
        s = screen(p, rules)
        if s.eligible or include_ineligible:
            out.append(proposal_to_candidate(p, s, rules, start_year=start_year, returns=returns))
    return out


FundingStatus = Literal["funded", "partly funded", "not funded", "ineligible", "not in plan"]


@dataclass(frozen=True)
class FundingLine:
    """Why one proposal was or was not funded by a plan (money in US$)."""

    proposal_id: str
    title: str
    status: FundingStatus
    requested: float
    funded: float
    reason: str


# How reviewers' scores enter a plan (shown beside the funding result); English here,
# ``scores_note`` gives it in the active language.
SCORES_IGNORED = N_(
    "Reviewers' scores do not enter the allocation: the allocator weighs each proposal's "
    "benefit (full cost x return per US$) per public dollar within the plan's budget and "
    "rules; a score is quoted beside a proposal, nothing more. Set a score threshold to "
    "keep proposals below it out of the plan."
)


def scores_note(min_score: float | None, kept_out: Collection[str]) -> str:
    """One sentence on how the scores entered the plan (threshold 0-5 or none)."""
    if min_score is None:
        return _(SCORES_IGNORED)
    who = ", ".join(sorted(kept_out)) or _("none")
    return _(
        "Reviewers' scores count through the screener's threshold of {threshold} of 5: "
        "proposals scoring below it were not offered to the allocator ({who}); proposals "
        "without a score were offered. Above the threshold the allocator weighs benefit per "
        "public dollar, not the score."
    ).format(threshold=numbers.number(min_score, 2), who=who)


def explain_funding(
    proposals: Iterable[Proposal],
    funded: Mapping[str, float],
    rules: ScreeningRules = DEFAULT_RULES,
    *,
    in_plan: Collection[str] | None = None,
    scores: Mapping[str, float] | None = None,
    unfunded: Mapping[str, str] | None = None,
    min_score: float | None = None,
) -> list[FundingLine]:
    """Funded / not funded, with the reason, for every proposal of a plan.

    ``funded`` maps a candidate id to the public money (US$) the plan gives it
    over the horizon; ``in_plan`` lists the ids handed over to the plan (default:
    every eligible proposal); ``scores`` (0-5, reviewer or desk) are quoted beside
    each proposal; ``unfunded`` maps a candidate id to the allocator's priced reason
    (``UnfundedReport.sentence``: what its return or cost would have to be, or the rule
    that keeps it out); ``min_score`` is the screener's threshold (0-5), named for a
    proposal it kept out.
    """
    lines = []
    for p in proposals:
        s = screen(p, rules)
        got = max(0.0, funded.get(p.proposal_id, 0.0))
        asked = p.amount_requested
        mark = scores.get(p.proposal_id) if scores else None
        score = (
            ""
            if mark is None
            else " " + _("(score {score} of 5)").format(score=numbers.number(mark, 2))
        )
        if not s.eligible:
            status: FundingStatus = "ineligible"
            reason = _("ineligible: {reasons}. To become eligible: {fixes}").format(
                reasons="; ".join(s.reasons), fixes="; ".join(s.fixes)
            )
        elif in_plan is not None and p.proposal_id not in in_plan:
            status = "not in plan"
            if min_score is not None and mark is not None and mark < min_score:
                reason = _(
                    "eligible, but its score {score} of 5 is below the screener's threshold "
                    "of {threshold}, so it was not offered to the allocator"
                ).format(score=numbers.number(mark, 2), threshold=numbers.number(min_score, 2))
            else:
                reason = _("eligible but not handed over to this plan")
        elif got >= asked - FUNDED_TOLERANCE:
            status = "funded"
            reason = _("funded in full: {funded}").format(funded=usd(got)) + score
        elif got > FUNDED_TOLERANCE:
            status = "partly funded"
            reason = (
                _(
                    "funded {funded} of the {requested} requested: the plan's budget or rules "
                    "limit it"
                ).format(funded=usd(got), requested=usd(asked))
                + score
            )
        else:
            status = "not funded"
            priced = (unfunded or {}).get(p.proposal_id)
            reason = (
                f"{priced.rstrip('.')}{score}."
                if priced
                else _(
                    "eligible, but the allocator chose other candidates within the plan's "
                    "budget and rules"
                )
                + score
            )
        lines.append(FundingLine(p.proposal_id, p.title, status, asked, got, reason))
    return lines
