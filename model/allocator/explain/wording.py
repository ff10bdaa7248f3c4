"""Plain words for rows: what a constraint means, its shadow price, and a relaxation.

Row names come from the builder (``budget_year[2]``, ``region_floor[Altiplano]``);
this module turns a name plus numbers into a sentence a ministry official can
read. Shadow prices arrive normalised: change of the *reported* objective per
unit increase of the row's right-hand side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from model.allocator.build.lp import PORTFOLIO_RULES
from model.allocator.scenario import ObjectiveKind
from model.domain.candidates import KIND_LABELS
from model.formatting import numbers

if TYPE_CHECKING:
    from model.allocator.result import ConstraintReport

# The words after an objective amount: one definition (model.formatting.numbers.OBJECTIVES).
OBJECTIVE_UNITS: dict[str, str] = {k: w.after_amount for k, w in numbers.OBJECTIVES.items()}


def money(v: float) -> str:
    """US$ with thousands separators; cents only below US$100 (``model.formatting.numbers``)."""
    return numbers.money(v, cents=None)


def pct(v: float) -> str:
    return f"{100 * v:.1f} %".replace(".0 %", " %")


def amount(kind: ObjectiveKind, v: float) -> str:
    """An objective amount in its unit (money for benefit/min_cost, counts otherwise)."""
    if kind in ("benefit", "min_cost"):
        return f"{money(v)} {OBJECTIVE_UNITS[kind]}"
    # Per-unit prices of counts are often fractions of one enterprise or job.
    text = numbers.count(v) if abs(v) >= 100 else numbers.value_in(v, "unit")
    return f"{text} {OBJECTIVE_UNITS[kind]}"


def split(name: str) -> tuple[str, list[str]]:
    """``region_floor[Altiplano]`` -> (``region_floor``, [``Altiplano``]);
    ``subsidy_floor[C-01,2]`` -> (``subsidy_floor``, [``C-01``, ``2``]).

    Portfolio rules carry one free-text label (a region, source, instrument or
    measure, which may hold commas or brackets: "Río, Sur"): kept whole. Per-candidate
    rows join a candidate id and a plan year, which hold neither.
    """
    if "[" not in name or not name.endswith("]"):
        return name, []
    prefix, _, inner = name[:-1].partition("[")
    if prefix in PORTFOLIO_RULES:
        return prefix, [inner]
    return prefix, inner.split(",")


def describe(name: str) -> tuple[str, str]:
    """(what the row is, the unit of one more of its right-hand side)."""
    prefix, args = split(name)
    c = args[0] if args else ""
    t = args[-1] if args else ""
    table: dict[str, tuple[str, str]] = {
        "budget_total": ("the total budget", "US$1"),
        "budget_year": (f"the year-{t} budget", "US$1"),
        "candidate_min": (f"{c}'s minimum funding", "US$1"),
        "candidate_max": (f"{c}'s maximum funding", "US$1"),
        "locked": (f"the amount locked for {c} in year {t}", "US$1"),
        "mandatory": (f"{c}'s mandatory scale", "unit of scale (full scale)"),
        "go_no_go_min": (f"{c}'s minimum viable size", "unit of scale"),
        "go_no_go_on": (f"{c}'s go/no-go switch", "unit of scale"),
        "subsidy_floor": (f"{c}'s public-share floor in year {t}", "US$1"),
        "subsidy_ceiling": (f"{c}'s public-share ceiling in year {t}", "US$1"),
        "partner_limit": (f"{c}'s partner-match limit", "US$1"),
        "average_public_share": ("the ceiling on the average public share", "US$1"),
        "cost_recovery": (f"{c}'s cost-recovery limit in year {t}", "US$1"),
        "fee_revenue_min": ("the minimum fee revenue", "US$1"),
        "grant_limit": (f"{c}'s grant limit (match ratio and cap)", "US$1"),
        "eligible": (f"{c}'s eligibility", "unit of scale"),
        "broker_capacity": ("broker capacity", "network"),
        # Instruments in words ("the matching grant ceiling", not "matching_grant").
        "kind_floor": (f"the {KIND_LABELS.get(c, c).lower()} floor", "US$1"),
        "kind_ceiling": (f"the {KIND_LABELS.get(c, c).lower()} ceiling", "US$1"),
        "region_floor": (f"the {c} floor", "US$1"),
        "region_ceiling": (f"the {c} ceiling", "US$1"),
        "lagging_floor": ("the lagging-regions floor", "US$1"),
        "source_split": (f"the funding-source split of {c} in year {t}", "US$1"),
        "source_amount": (f"the {c} purse", "US$1"),
        "source_floor": (f"the {c} share floor", "US$1"),
        "source_ceiling": (f"the {c} share ceiling", "US$1"),
        "target": (f"the {c} target", "unit"),
        "segments": (f"{c}'s returns curve", "unit of scale"),
        "public_within_cost": (f"{c}'s cost in year {t}", "US$1"),
    }
    return table.get(prefix, (name, "unit"))


# Rows whose limit is a share: (what the share is, sign of rhs change per point raised).
SHARE_ROWS: dict[str, tuple[str, float]] = {
    "subsidy_floor": ("public-share floor", 1.0),
    "subsidy_ceiling": ("public-share ceiling", 1.0),
    "cost_recovery": ("fee share", -1.0),
    "average_public_share": ("average public-share ceiling", 1.0),
    "kind_floor": ("share floor", 1.0),
    "kind_ceiling": ("share ceiling", 1.0),
    "region_floor": ("share floor", 1.0),
    "region_ceiling": ("share ceiling", 1.0),
    "lagging_floor": ("share floor", 1.0),
    "source_floor": ("share floor", 1.0),
    "source_ceiling": ("share ceiling", 1.0),
}


def shadow_sentence(
    name: str,
    kind: ObjectiveKind,
    shadow: float,
    slack: float,
    binding: bool,
    per_point: float = 0.0,
) -> str:
    """One sentence: what one more unit of the row's limit is worth, or how much room is left.

    ``per_point``: for share rows, the US$ one percentage point of the share
    stands for at the current plan; the sentence then speaks of points.
    """
    what, unit = describe(name)
    prefix, args = split(name)
    if binding and abs(shadow) > 0 and prefix in SHARE_ROWS and per_point > 0:
        _, direction = SHARE_ROWS[prefix]
        effect = shadow * per_point * direction
        verb = "adds" if effect > 0 else ("saves" if kind == "min_cost" else "takes away")
        if kind == "min_cost":
            verb = "adds" if effect > 0 else "saves"
        subject = what.replace("cost-recovery limit", "fee share")
        return (
            f"raising {subject} ({name}) by one percentage point ({money(per_point)} at the "
            f"current plan) {verb} {amount(kind, abs(effect))}{_local(prefix)}."
        )
    if (
        binding
        and prefix in SHARE_ROWS
        and per_point == 0
        and prefix.startswith(("subsidy", "cost_recovery"))
    ):
        if shadow == 0:
            return (
                f"{what} ({name}) binds only because {args[0]} is not funded; it has no price here."
            )
        # The row sits at 0 = 0 with a price: say the price, never "no price".
        verb = "adds" if shadow > 0 else ("saves" if kind == "min_cost" else "takes away")
        if kind == "min_cost":
            verb = "adds" if shadow > 0 else "saves"
        return (
            f"{what} ({name}) binds only because {args[0]} is not funded; one more {unit} "
            f"of room in it {verb} {amount(kind, abs(shadow))} (a local price at this plan)."
        )
    if binding and abs(shadow) > 0:
        verb = "adds" if shadow > 0 else "takes away"
        if kind == "min_cost":
            verb = "adds" if shadow > 0 else "saves"
        return (
            f"one more {unit} in {what} ({name}) {verb} {amount(kind, abs(shadow))}"
            f"{_local(prefix)}."
        )
    if binding:
        # A zero dual is one side of a kink for a >= row: say it is local, like any price.
        return (
            f"{what} ({name}) is met exactly; one more {unit} would not change the "
            f"objective{_local(prefix)}."
        )
    room = money(slack) if unit == "US$1" else f"{slack:,.4g}"
    return f"{what} ({name}) is not binding: {room} of room is left."


def idle_row_sentence(name: str, shadow: float) -> str:
    """A priced row of one candidate that the plan leaves unfunded (scale 0). The row sits
    at its limit only because the candidate is out (0 = 0); its dual is the slope of one
    side of that corner, not what one more US$1 of room buys (room in a row of a candidate
    at scale 0 funds nothing by itself)."""
    what, _ = describe(name)
    _prefix, args = split(name)
    c = args[0] if args else "this candidate"
    return (
        f"{what} ({name}) sits at its limit only because {c} is not funded (0 = 0); its "
        f"dual ({shadow:,.6g}) is a local number with no money meaning, not what one more "
        "US$1 of room would buy."
    )


# Rows whose limit is money a user reads (US$): budgets, purses, fee revenue, and the
# portfolio share rules (their limit is the US$ by which the group's spend may fall short
# of, or exceed, its share). These get two-sided rates measured by re-solving
# (explain.ranging); every other row keeps one local price, labelled as such.
MONEY_RULES = frozenset(
    {
        "budget_total",
        "budget_year",
        "source_amount",
        "fee_revenue_min",
        "average_public_share",
        "kind_floor",
        "kind_ceiling",
        "region_floor",
        "region_ceiling",
        "lagging_floor",
        "source_floor",
        "source_ceiling",
    }
)
LOCAL_PRICE = " (a local price at this plan)"


def _local(prefix: str) -> str:
    """The label of a single dual: true for a small change in one direction only (money
    rows measured on both sides are worded by ``money_row_sentence`` instead; ``prefix``
    is kept for rules that may one day be exact from one dual)."""
    return LOCAL_PRICE


def effect(kind: ObjectiveKind, delta: float) -> str:
    """'adds X' / 'takes away X' (or 'saves X' of cost) for a change ``delta`` of the
    reported objective; 'does not change the objective' for 0."""
    if delta == 0:
        return "does not change the objective"
    if kind == "min_cost":
        return f"{'adds' if delta > 0 else 'saves'} {amount(kind, abs(delta))}"
    return f"{'adds' if delta > 0 else 'takes away'} {amount(kind, abs(delta))}"


def _holds(span: float | None, open_: bool, more: bool) -> str:
    """How far a rate holds: '(for the next US$X more)' and its variants."""
    way = "more" if more else "less"
    if span is None:
        return f" (for any amount {way})"
    if open_:
        return f" (for at least the next {money(span)} {way})"
    return f" (for the next {money(span)} {way})"


def money_row_sentence(
    name: str,
    kind: ObjectiveKind,
    per_point: float,
    up: tuple[float | None, float | None, bool, bool],
    down: tuple[float | None, float | None, bool, bool],
) -> str:
    """Both sides of a binding money row's limit, as measured by re-solving.

    ``up``/``down``: (rate, range US$, range only checked that far, infeasible beyond),
    the rate signed as d objective / d limit (so one US$ less changes the objective by
    minus ``down[0]``). Example: "one more US$1 in the year-1 budget (budget_year[1])
    adds US$260 of benefit (for the next US$669 more); one US$ less leaves no feasible
    plan."
    """
    what, _ = describe(name)
    prefix, _args = split(name)
    share = prefix in SHARE_ROWS
    head_up = f"raising {what} ({name}) by US$1" if share else f"one more US$1 in {what} ({name})"
    head_down = "lowering it by US$1" if share else "one US$ less"
    parts = []
    for head, (rate, span, open_, infeasible), more in (
        (head_up, up, True),
        (head_down, down, False),
    ):
        if rate is None:
            parts.append(f"{head} leaves no feasible plan")
            continue
        delta = rate if more else -rate
        text = f"{head} {effect(kind, delta)}{_holds(span, open_, more)}"
        if infeasible and span is not None:
            text += ", and beyond that no plan keeps the rules"
        parts.append(text)
    text = "; ".join(parts)
    if share and per_point > 0:
        text += f"; one percentage point of the share is {money(per_point)} at the current plan"
    return text + "."


def report_sentence(c: ConstraintReport, kind: str) -> str:
    """The sentence of a constraint report: the one written at solve time, or the same
    text made now (reports of large models are written only for the rows pages show);
    ``kind``: the result's ``objective_kind``."""
    if c.sentence:
        return c.sentence
    return constraint_sentence(c, cast(ObjectiveKind, kind))


def constraint_sentence(c: ConstraintReport, kind: ObjectiveKind) -> str:
    """The sentence for a report from its own numbers (see ``report_sentence``)."""
    g = c.ranging
    if g is not None and c.binding:
        return money_row_sentence(
            c.name,
            kind,
            c.per_point,
            (g.rate_up, g.range_up, g.up_open, g.up_infeasible),
            (g.rate_down, g.range_down, g.down_open, g.down_infeasible),
        )
    return shadow_sentence(c.name, kind, c.shadow_price, c.slack, c.binding, c.per_point)
