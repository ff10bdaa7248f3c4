"""Rules for who pays: stated returns per dollar, leverage and public shares of cost.

Leverage is total US$ per public or donor US$; public share is its inverse
(0-1). Both come from stated returns (Cordoba), total and public cost, or a
cost split by payer (Ludhiana, Mexico PII).
"""

from __future__ import annotations

from collections.abc import Iterable

from model.costbenefit.formulas import leverage
from model.costbenefit.ranges import Range
from model.costbenefit.ratios import Found
from model.costbenefit.results import ComputedMetric, fmt_range
from model.costbenefit.terms import Context, build, compatible, money, plain, share
from model.formatting.i18n import N_, _

# A payer whose name contains one of these is private money, every other payer
# is public or donor money (UNIDO, government, "other institutions").
PRIVATE_PAYER_WORDS: tuple[str, ...] = (
    "private",
    "business",
    "firm",
    "enterprise",
    "association",
    "member",
    "client",
)
# Cost shares stated in whole per cent may miss 1 by rounding; beyond this we warn.
SHARE_SUM_TOLERANCE = 0.011


def returns(ctx: Context) -> Found:
    """Stated returns as benefit-cost ratios, and the leverage they imply."""
    found: list[ComputedMetric] = []
    warnings: list[str] = []
    total = ctx.get("return_per_dollar")
    public = ctx.get("return_per_public_dollar")
    for r in total:
        t = plain(r)
        found.append(
            build(
                "bcr",
                N_("Benefit-cost ratio (return per total US$)"),
                "USD_per_USD",
                t.range,
                f"return_per_dollar = {t.text} "
                + _("(stated by the source, discounting not given)"),
                (t,),
                qualifier=r.qualifier,
            )
        )
    for r in public:
        t = plain(r)
        found.append(
            build(
                "bcr_public",
                N_("Return per public or donor US$"),
                "USD_per_USD",
                t.range,
                f"return_per_public_dollar = {t.text} " + _("(stated by the source)"),
                (t,),
                qualifier=r.qualifier,
            )
        )
    for a in total:
        for b in public:
            if not compatible(a, b):
                continue
            ta, tb = plain(a), plain(b)
            found.append(
                build(
                    "leverage",
                    N_("Leverage (total US$ per public or donor US$)"),
                    "USD_per_USD",
                    leverage(tb.range, ta.range),
                    "return_per_public_dollar / return_per_dollar = "
                    f"{tb.text} / {ta.text} " + _("(the same benefit over each investment)"),
                    (tb, ta),
                    qualifier=a.qualifier or b.qualifier,
                )
            )
            found.append(
                build(
                    "public_share",
                    N_("Public or donor share of cost"),
                    "share",
                    ta.range / tb.range,
                    f"return_per_dollar / return_per_public_dollar = {ta.text} / {tb.text}",
                    (ta, tb),
                    qualifier="of total investment",
                )
            )
    if total or public:
        warnings.append(
            _("NPV not computed: the return is stated as a ratio without the timing of benefits")
        )
    return found, warnings


def public_money(ctx: Context) -> Found:
    """Leverage and public share from stated total and public cost."""
    found: list[ComputedMetric] = []
    for a in ctx.get("total_cost"):
        for b in ctx.get("public_cost"):
            if not compatible(a, b):
                continue
            ta, tb = money(ctx, a), money(ctx, b)
            found.append(
                build(
                    "leverage",
                    N_("Leverage (total US$ per public or donor US$)"),
                    "USD_per_USD",
                    leverage(ta.range, tb.range),
                    f"total_cost / public_cost = {ta.text} / {tb.text}",
                    (ta, tb),
                    qualifier=a.qualifier or b.qualifier,
                )
            )
            found.append(
                build(
                    "public_share",
                    N_("Public or donor share of cost"),
                    "share",
                    tb.range / ta.range,
                    f"public_cost / total_cost = {tb.text} / {ta.text}",
                    (tb, ta),
                    qualifier=a.qualifier or b.qualifier,
                )
            )
    return found, []


def is_private_payer(payer: str) -> bool:
    low = payer.lower()
    return any(word in low for word in PRIVATE_PAYER_WORDS)


def cost_split(ctx: Context) -> Found:
    """Public or donor share and leverage from a cost split by payer (Ludhiana, Mexico PII)."""
    recs = ctx.get("cost_share")
    if not recs:
        return [], []
    warnings: list[str] = []
    terms = [share(r) for r in recs]
    total = _sum(t.range for t in terms)
    if (
        total.low is not None
        and total.high is not None
        and (total.low > 1 + SHARE_SUM_TOLERANCE or total.high < 1 - SHARE_SUM_TOLERANCE)
    ):
        warnings.append(_("cost shares add up to {total}, not 1").format(total=fmt_range(total)))
    public = [(r, t) for r, t in zip(recs, terms, strict=True) if not is_private_payer(r.qualifier)]
    if not public:
        return [], [*warnings, _("no public or donor payer in the cost split")]
    pub = _sum(t.range for _payer, t in public)
    named = " + ".join(f"{r.qualifier or _('unnamed payer')} {t.text}" for r, t in public)
    private = [r.qualifier for r in recs if is_private_payer(r.qualifier)]
    rule = _("payers counted as private: {payers}").format(payers=", ".join(private) or _("none"))
    pub_terms = [t for _payer, t in public]
    found = [
        build(
            "public_share",
            N_("Public or donor share of cost"),
            "share",
            pub,
            _("sum of public or donor cost shares = {payers} ({rule})").format(
                payers=named, rule=rule
            ),
            pub_terms,
            qualifier="cost split",
        )
    ]
    if pub.high is None or pub.high > 0:
        found.append(
            build(
                "leverage",
                N_("Leverage (total US$ per public or donor US$)"),
                "USD_per_USD",
                leverage(1.0, pub),
                _("1 / public or donor share = 1 / {share} ({rule})").format(
                    share=fmt_range(pub), rule=rule
                ),
                pub_terms,
                qualifier="cost split",
            )
        )
    return found, warnings


def _sum(ranges: Iterable[Range]) -> Range:
    items = list(ranges)
    total = items[0]
    for r in items[1:]:
        total = total + r
    return total
