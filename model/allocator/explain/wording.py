"""Plain words for rows: what a constraint means, its shadow price, and a relaxation.

Row names come from the builder (``budget_year[2]``, ``region_floor[Altiplano]``);
this module turns a name plus numbers into a sentence a ministry official can
read. Shadow prices arrive normalised: change of the *reported* objective per
unit increase of the row's right-hand side.

Language: every sentence is a whole message of the catalog (``_()`` with named
placeholders), read in the active language (``model.formatting.i18n``); the row name
(``budget_year[1]``) and candidate ids stay as they are. What a row is (``describe``)
is a noun phrase with its article ("the year-1 budget", "el presupuesto del año 1"),
placed only where Spanish needs no agreement with it. Figures follow the active number
locale; English keeps its plain-Python fast path (``local_digits``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Final, cast

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from model.allocator.build.lp import PORTFOLIO_RULES
from model.allocator.scenario import ObjectiveKind
from model.domain.candidates import KIND_LABELS
from model.formatting import numbers
from model.formatting.i18n import N_, Labels, _, active_number_locale, using

if TYPE_CHECKING:
    from model.allocator.result import ConstraintReport

# The words after an objective amount: one definition (model.formatting.numbers.OBJECTIVES),
# kept as its English source and read in the active language on access.
with using("en"):
    OBJECTIVE_UNITS: Labels = Labels({k: w.after_amount for k, w in numbers.OBJECTIVES.items()})

# A target's measure in words ("the enterprises target", "la meta de empresas").
MEASURE_WORDS: Labels = Labels(
    {"benefit": N_("benefit"), "enterprises": N_("enterprises"), "jobs": N_("jobs")}
)

# The instruments in words (``model.domain.candidates.KIND_LABELS``, which the domain layer
# keeps in English: it imports no formatting), read in the active language.
KIND_WORDS: Labels = Labels(
    {
        "cluster_initiative": N_("Cluster initiative"),
        "broker_programme": N_("Broker programme"),
        "matching_grant": N_("Matching grant"),
    }
)
assert {k: KIND_WORDS.english(k) for k in KIND_WORDS} == KIND_LABELS, "repeats KIND_LABELS"

_ENGLISH_DIGITS: Final = frozenset({"en", "en_US", "en_GB"})


def local_digits(text: str) -> str:
    """A number formatted by Python (``f"{v:,.4g}"``) in the active locale's separators."""
    return numbers.local_digits(text)


@cache
def _swaps(locale: str) -> bool:
    """Whether ``locale`` writes numbers as English does up to its two separators ("." and
    "," swapped or not, "-" for minus): es_CO, es_MX, pt_BR and every locale offered."""
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return {group, decimal} == {",", "."} and get_minus_sign_symbol(locale) == "-"


def money(v: float) -> str:
    """US$ with thousands separators; cents only below US$100 (``model.formatting.numbers``).

    Babel formats a non-English figure in about 60 microseconds, a dozen times the English
    fast path, and the allocator writes thousands (an unfunded sentence each): where the
    locale only swaps the separators, the English text is made and its separators swapped
    (the same text as Babel's: tests/test_i18n_allocator.py compares them)."""
    locale = active_number_locale()
    if locale not in _ENGLISH_DIGITS and _swaps(locale):
        return numbers.local_digits(numbers.money(v, cents=None, locale="en"), locale)
    return numbers.money(v, cents=None, locale=locale)  # the active locale, read once


def count(v: float) -> str:
    """A whole count (``numbers.count``), with ``money``'s fast path."""
    locale = active_number_locale()
    if locale not in _ENGLISH_DIGITS and _swaps(locale):
        return numbers.local_digits(numbers.count(v, locale="en"), locale)
    return numbers.count(v)


def pct(v: float) -> str:
    return local_digits(f"{100 * v:.1f} %".replace(".0 %", " %"))


def amount(kind: ObjectiveKind, v: float) -> str:
    """An objective amount in its unit (money for benefit/min_cost, counts otherwise)."""
    return amount_in(kind)(v)


def amount_in(kind: ObjectiveKind) -> Callable[[float], str]:
    """``amount`` for one objective kind, its unit words read once (loops over thousands
    of candidates call the result, not ``amount``)."""
    unit = OBJECTIVE_UNITS[kind]
    if kind in ("benefit", "min_cost"):
        return lambda v: f"{money(v)} {unit}"

    def counted(v: float) -> str:
        # Per-unit prices of counts are often fractions of one enterprise or job.
        text = count(v) if abs(v) >= 100 else numbers.value_in(v, "unit")
        return f"{text} {unit}"

    return counted


def and_list(items: list[str]) -> str:
    """ "a, b and c" in the active language (one item: itself)."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def split(name: str) -> tuple[str, list[str]]:
    """``region_floor[Altiplano]`` -> (``region_floor``, [``Altiplano``]);
    ``subsidy_floor[C-01,2]`` -> (``subsidy_floor``, [``C-01``, ``2``]).

    Portfolio rules carry one free-text label (a region, source, instrument or
    measure, which may hold commas or brackets: "Río, Sur"): kept whole. Per-candidate
    rows join a candidate id and a plan year, which hold neither.
    """
    if "[" not in name or not name.endswith("]"):
        return name, []
    prefix, _sep, inner = name[:-1].partition("[")
    if prefix in PORTFOLIO_RULES:
        return prefix, [inner]
    return prefix, inner.split(",")


# Units of one more of a row's limit (English source; ``US_DOLLAR`` rows speak money).
US_DOLLAR: Final = "US$1"
UNIT_WORDS: Labels = Labels(
    {
        US_DOLLAR: "US$1",
        "unit of scale (full scale)": N_("unit of scale (full scale)"),
        "unit of scale": N_("unit of scale"),
        "network": N_("network"),
        "unit": N_("unit"),
    }
)

# What each row is (a noun phrase with its article) and the unit of its limit, in English
# source text; placeholders: {c} candidate, label or source; {year} plan year; {kind} an
# instrument in words; {region}; {measure} a target's measure in words.
_DESCRIBE: Final[dict[str, tuple[str, str]]] = {
    "budget_total": (N_("the total budget"), US_DOLLAR),
    "budget_year": (N_("the year-{year} budget"), US_DOLLAR),
    "candidate_min": (N_("{c}'s minimum funding"), US_DOLLAR),
    "candidate_max": (N_("{c}'s maximum funding"), US_DOLLAR),
    "locked": (N_("the amount locked for {c} in year {year}"), US_DOLLAR),
    "mandatory": (N_("{c}'s mandatory scale"), "unit of scale (full scale)"),
    "go_no_go_min": (N_("{c}'s minimum viable size"), "unit of scale"),
    "go_no_go_on": (N_("{c}'s go/no-go switch"), "unit of scale"),
    "subsidy_floor": (N_("{c}'s public-share floor in year {year}"), US_DOLLAR),
    "subsidy_ceiling": (N_("{c}'s public-share ceiling in year {year}"), US_DOLLAR),
    "partner_limit": (N_("{c}'s partner-match limit"), US_DOLLAR),
    "average_public_share": (N_("the ceiling on the average public share"), US_DOLLAR),
    "cost_recovery": (N_("{c}'s cost-recovery limit in year {year}"), US_DOLLAR),
    "fee_revenue_min": (N_("the minimum fee revenue"), US_DOLLAR),
    "grant_limit": (N_("{c}'s grant limit (match ratio and cap)"), US_DOLLAR),
    "eligible": (N_("{c}'s eligibility"), "unit of scale"),
    "broker_capacity": (N_("broker capacity"), "network"),
    # Instruments in words ("the matching grant ceiling", not "matching_grant").
    "kind_floor": (N_("the {kind} floor"), US_DOLLAR),
    "kind_ceiling": (N_("the {kind} ceiling"), US_DOLLAR),
    "region_floor": (N_("the {region} floor"), US_DOLLAR),
    "region_ceiling": (N_("the {region} ceiling"), US_DOLLAR),
    "lagging_floor": (N_("the lagging-regions floor"), US_DOLLAR),
    "source_split": (N_("the funding-source split of {c} in year {year}"), US_DOLLAR),
    "source_amount": (N_("the {c} purse"), US_DOLLAR),
    "source_floor": (N_("the {c} share floor"), US_DOLLAR),
    "source_ceiling": (N_("the {c} share ceiling"), US_DOLLAR),
    "target": (N_("the {measure} target"), "unit"),
    "segments": (N_("{c}'s returns curve"), "unit of scale"),
    "public_within_cost": (N_("{c}'s cost in year {year}"), US_DOLLAR),
}
# The fee share of a broker's cost-recovery row, as a share sentence names it.
_FEE_SHARE: Final = N_("{c}'s fee share in year {year}")


def _what(template: str, prefix: str, args: list[str]) -> str:
    c = args[0] if args else ""
    t = args[-1] if args else ""
    if prefix in ("kind_floor", "kind_ceiling"):
        return _(template).format(kind=KIND_WORDS.get(c, c).lower())
    if prefix in ("region_floor", "region_ceiling"):
        return _(template).format(region=c)
    if prefix == "target":
        return _(template).format(measure=MEASURE_WORDS.get(c, c))
    return _(template).format(c=c, year=t)


def _describe(name: str) -> tuple[str, str, str, list[str]]:
    """(what the row is, its unit's English source, prefix, args)."""
    prefix, args = split(name)
    entry = _DESCRIBE.get(prefix)
    if entry is None:
        return name, "unit", prefix, args
    return _what(entry[0], prefix, args), entry[1], prefix, args


def describe(name: str) -> tuple[str, str]:
    """(what the row is, the unit of one more of its right-hand side), in the active
    language."""
    what, unit, _prefix, _args = _describe(name)
    return what, UNIT_WORDS[unit]


def row_words(name: str) -> str:
    """A row in words with its name in parentheses, as the sentences name it: "the
    enterprises target (target[enterprises])" ("la meta de empresas (target[enterprises])")."""
    return _("{what} ({name})").format(what=describe(name)[0], name=name)


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


def _signed(kind: ObjectiveKind, value: float) -> str:
    """'adds X' for value > 0, else 'saves X' (min_cost) or 'takes away X', X = |value|."""
    a = amount(kind, abs(value))
    if value > 0:
        return _("adds {amount}").format(amount=a)
    if kind == "min_cost":
        return _("saves {amount}").format(amount=a)
    return _("takes away {amount}").format(amount=a)


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
    what, unit_source, prefix, args = _describe(name)
    unit = UNIT_WORDS[unit_source]
    if binding and abs(shadow) > 0 and prefix in SHARE_ROWS and per_point > 0:
        _share, direction = SHARE_ROWS[prefix]
        subject = _what(_FEE_SHARE, prefix, args) if prefix == "cost_recovery" else what
        return _(
            "raising {subject} ({name}) by one percentage point ({money} at the current "
            "plan) {effect} (a local price at this plan)."
        ).format(
            subject=subject,
            name=name,
            money=money(per_point),
            effect=_signed(kind, shadow * per_point * direction),
        )
    if (
        binding
        and prefix in SHARE_ROWS
        and per_point == 0
        and prefix.startswith(("subsidy", "cost_recovery"))
    ):
        if shadow == 0:
            return _(
                "{what} ({name}) binds only because {c} is not funded; it has no price here."
            ).format(what=what, name=name, c=args[0])
        # The row sits at 0 = 0 with a price: say the price, never "no price".
        return _(
            "{what} ({name}) binds only because {c} is not funded; one more {unit} of room "
            "in it {effect} (a local price at this plan)."
        ).format(what=what, name=name, c=args[0], unit=unit, effect=_signed(kind, shadow))
    if binding and abs(shadow) > 0:
        return _(
            "one more {unit} in {what} ({name}) {effect} (a local price at this plan)."
        ).format(unit=unit, what=what, name=name, effect=_signed(kind, shadow))
    if binding:
        # A zero dual is one side of a kink for a >= row: say it is local, like any price.
        return _(
            "{what} ({name}) is met exactly; one more {unit} would not change the objective "
            "(a local price at this plan)."
        ).format(what=what, name=name, unit=unit)
    room = money(slack) if unit_source == US_DOLLAR else local_digits(f"{slack:,.4g}")
    return _("{what} ({name}) is not binding: {room} of room is left.").format(
        what=what, name=name, room=room
    )


def idle_row_sentence(name: str, shadow: float) -> str:
    """A priced row of one candidate that the plan leaves unfunded (scale 0). The row sits
    at its limit only because the candidate is out (0 = 0); its dual is the slope of one
    side of that corner, not what one more US$1 of room buys (room in a row of a candidate
    at scale 0 funds nothing by itself)."""
    what, _unit, _prefix, args = _describe(name)  # one parse of the name
    c = args[0] if args else _("this candidate")
    return _(
        "{what} ({name}) sits at its limit only because {c} is not funded (0 = 0); its dual "
        "({dual}) is a local number with no money meaning, not what one more US$1 of room "
        "would buy."
    ).format(what=what, name=name, c=c, dual=local_digits(f"{shadow:,.6g}"))


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
# How the English sentences end a single dual's price (tests find it there); the
# sentences carry it inside their own message.
LOCAL_PRICE = " (a local price at this plan)"


def effect(kind: ObjectiveKind, delta: float) -> str:
    """'adds X' / 'takes away X' (or 'saves X' of cost) for a change ``delta`` of the
    reported objective; 'does not change the objective' for 0."""
    if delta == 0:
        return _("does not change the objective")
    return _signed(kind, delta)


def _holds(span: float | None, open_: bool, more: bool) -> str:
    """How far a rate holds: '(for the next US$X more)' and its variants."""
    if span is None:
        text = _("(for any amount more)") if more else _("(for any amount less)")
    elif open_:
        text = (
            _("(for at least the next {money} more)")
            if more
            else _("(for at least the next {money} less)")
        ).format(money=money(span))
    else:
        text = (
            _("(for the next {money} more)") if more else _("(for the next {money} less)")
        ).format(money=money(span))
    return " " + text


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
    what, _unit = describe(name)
    prefix, _args = split(name)
    share = prefix in SHARE_ROWS
    parts = []
    for (rate, span, open_, infeasible), more in ((up, True), (down, False)):
        if rate is None:
            if share:
                head = (
                    _("raising {what} ({name}) by US$1 leaves no feasible plan")
                    if more
                    else _("lowering it by US$1 leaves no feasible plan")
                )
            else:
                head = (
                    _("one more US$1 in {what} ({name}) leaves no feasible plan")
                    if more
                    else _("one US$ less leaves no feasible plan")
                )
            parts.append(head.format(what=what, name=name))
            continue
        if share:
            head = (
                _("raising {what} ({name}) by US$1 {effect}")
                if more
                else _("lowering it by US$1 {effect}")
            )
        else:
            head = (
                _("one more US$1 in {what} ({name}) {effect}")
                if more
                else _("one US$ less {effect}")
            )
        delta = rate if more else -rate
        text = head.format(what=what, name=name, effect=effect(kind, delta))
        text += _holds(span, open_, more)
        if infeasible and span is not None:
            text += ", " + _("and beyond that no plan keeps the rules")
        parts.append(text)
    text = "; ".join(parts)
    if share and per_point > 0:
        text += "; " + _("one percentage point of the share is {money} at the current plan").format(
            money=money(per_point)
        )
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
