"""Methodology: how the numbers are made, in plain language, with the sources they rest on.

Static text; every statement follows the code in ``model/costbenefit/`` and
``model/allocator/`` (names of constraints as results show them).
"""

import pandas as pd
import streamlit as st

from model.allocator.build.lp import FAMILIES
from model.costbenefit.documents import DOCUMENT_TITLES
from model.formatting.i18n import N_
from model.formatting.numbers import MISSING
from pages._i18n import _
from pages._shared import md

# (family key, what it says, constraint names in results, the evidence behind it)
RULE_FAMILIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "budget",
        N_(
            "Public money spent over the horizon stays within the total budget, and each year's "
            "spending within that year's budget; with carry-over, unspent money moves to the "
            "next year."
        ),
        "budget_total, budget_year[t]",
        N_(
            "The domain brief's question (US$5 M over 4 years); phased donor budgets: Honduras "
            "~US$680,000 over 5 years, Nicaragua phase 2 US$1.3 M over 3 years (002)."
        ),
    ),
    (
        "candidate_limits",
        N_(
            "Per candidate: least and most funding, amounts locked in advance (commitments or "
            "current spending), a mandatory least scale, and go/no-go items funded at their "
            "minimum viable size or not at all (binary variables: a MILP)."
        ),
        "candidate_min[c], candidate_max[c], locked[c,t], mandatory[c], go_no_go_min[c], "
        "go_no_go_on[c]",
        N_("MIF project sizes from US$150,000 to over US$1.5 M (004 section 2.1)."),
    ),
    (
        "subsidy_band",
        N_(
            "Each candidate's public funding in each year lies between its public-share floor "
            "and ceiling times its cost at the funded scale; partners pay at most their "
            "committed match; optionally a ceiling on the portfolio's average public share."
        ),
        "subsidy_floor[c,t], subsidy_ceiling[c,t], partner_limit[c], average_public_share",
        N_(
            "Ludhiana cost shares UNIDO 20 %, private 74 %, others 6 % (003 Ludhiana box); "
            "Mexico PII one third each (002 Mexico); full self-financing drifts to larger "
            "clients (000 para 65)."
        ),
    ),
    (
        "cost_recovery",
        N_(
            "A broker programme's subsidy in a year is at most (1 - fee share) times its cost, "
            "following its fee schedule; optionally a least fee revenue for the portfolio."
        ),
        "cost_recovery[c,t], fee_revenue_min",
        N_(
            "EMASIM paid no fees for 3 years, then 20 %, then over 40 % (002 Box 1 and "
            "Honduras); CERTEC covered over 50 % of annual cost with US$60,000 (002 Honduras)."
        ),
    ),
    (
        "matching_grants",
        N_(
            "A grant is at most its match ratio times the partner match and at most its cap; "
            "proposals that failed eligibility screening get nothing."
        ),
        "grant_limit[c], eligible[c]",
        N_(
            "MIF: joint private-public initiatives by at least three entities including "
            "enterprises and knowledge institutions (004 section V, components 2 and 3)."
        ),
    ),
    (
        "broker_capacity",
        N_(
            "Networks that need a broker stay within the networks existing brokers serve plus "
            "those served by the broker programmes funded."
        ),
        "broker_capacity",
        N_(
            "CERTEC trained 71 brokers who organised 59 networks/clusters with 1,200 "
            "enterprises (002 Honduras)."
        ),
    ),
    (
        "policy_mix",
        N_(
            "Shares of total public funding allocated (not of the budget) by instrument, by "
            "region, for lagging regions together, and by funding source (each source pays only "
            "for the kinds it allows)."
        ),
        "kind_floor[k], kind_ceiling[k], region_floor[r], region_ceiling[r], lagging_floor, "
        "source_split[c,t], source_amount[s], source_floor[s], source_ceiling[s]",
        N_(
            "The MIF cluster's territorial focus (004 section V); instrument choice as a "
            "cost-benefit judgement among alternatives (000 para 39; 001 para 37)."
        ),
    ),
)

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "000_adb6a09b45243a80.txt",
        N_(
            "Why choose among instruments by cost and benefit (para 39); subsidy falls as "
            "services mature (para 53); full self-financing is not wanted (para 65); evaluation "
            "criteria (para 17)."
        ),
    ),
    (
        "001_f1154fb892477c6d.txt",
        N_("Cost-benefit judgement among alternative instruments (para 37)."),
    ),
    (
        "002_190a6727378b83c7.txt",
        N_(
            "Honduras, EMASIM, CERTEC, Nicaragua, Jamaica, Mexico PII and Chile PROFO figures: "
            "costs, networks, enterprises, growth, fee paths, cost shares, broker reach; the "
            "Network Evaluation Tool (Box 2)."
        ),
    ),
    (
        "003_0fb384067797923c.txt",
        N_(
            "Ludhiana cost shares and training; Tirupur exports; Boaco/Chontales; NET stages "
            "(section 3)."
        ),
    ),
    (
        "004_4fc2925a8217210d.txt",
        N_(
            "MIF portfolio (19 projects, US$44.1 M, project sizes); Córdoba US$7 and US$14 per "
            "dollar; Uva Isabella and Chontales growth; matching-grant eligibility (section V); "
            "monitoring indicators (Annex II)."
        ),
    ),
)


def tx(words: str) -> str:
    """Words inside a formula, in the reader's language (the LaTeX around them stays)."""
    return "\\text{" + _(words) + "}"


st.title(_("Methodology"))
st.caption(
    _(
        "How Fomento's numbers are made, what they can and cannot say, and the source documents "
        "every assumption rests on."
    )
)

# Words inside the formulas (marked here so the catalog has them).
T = {
    w: tx(w)
    for w in (
        N_("cost per unit"),
        N_("cost"),
        N_("units"),
        N_("return per dollar"),
        N_("benefit"),
        N_("leverage"),
        N_("total cost"),
        N_("public cost"),
        N_("end"),
        N_("start"),
        N_("subject to the enabled rules a-g"),
    )
}
# Table headings, in the reader's language (column_config refers to them by the same names).
FAMILY, RULE, NAMES, RESTS_ON = _("family"), _("rule"), _("constraint names"), _("rests on")
FILE, DOCUMENT, RESTING = _("file"), _("document"), _("assumptions resting on it")

st.header(_("1. Cost-benefit figures (Evidence page)"))
st.markdown(
    _(
        "Every figure is computed from cited evidence rows; a range stays a range (low and high "
        "are carried through each formula, never replaced by a midpoint). Money is US\\$; shares "
        "and rates are fractions shown in %."
    )
)
st.markdown(_("**Cost per unit** (network, enterprise, job) and **return per dollar**:"))
st.latex(f"{T['cost per unit']} = \\frac{{{T['cost']}}}{{{T['units']}}} \\qquad")
st.latex(f"{T['return per dollar']} = \\frac{{{T['benefit']}}}{{{T['cost']}}}")
st.markdown(
    _(
        "**Leverage**: total dollars moved per public (or donor) dollar; it equals return per "
        "public dollar over return per dollar, since both share the same benefit."
    )
)
st.latex(f"{T['leverage']} = \\frac{{{T['total cost']}}}{{{T['public cost']}}}")
st.markdown(_("**Net present value, benefit-cost ratio and internal rate of return** at rate r:"))
st.latex(r"\mathrm{NPV} = \sum_{t=0}^{T} \frac{CF_t}{(1+r)^t}")
st.latex(r"\mathrm{BCR} = \frac{\sum_t B_t/(1+r)^t}{\sum_t C_t/(1+r)^t}")
st.markdown(
    _(
        "The IRR is the rate that makes the NPV zero; it is reported only when the cash flows "
        "change sign exactly once (otherwise it is not unique), found by bisection."
    )
)
st.markdown(_("**Compound annual growth** from a start to an end value over n years:"))
st.latex(f"\\mathrm{{CAGR}} = \\left(\\frac{{{T['end']}}}{{{T['start']}}}\\right)^{{1/n}} - 1")
st.markdown(
    _(
        "**Cost recovery**: each year's own revenue or fees over its cost; the public share is "
        "1 minus recovery, clamped to 0-1."
    )
)
st.markdown(
    _(
        "**Deflation**: an amount of year y in constant US\\$ of year Y is multiplied by "
        "CPI(Y) / CPI(y), with the US Bureau of Labor Statistics CPI-U annual average, all "
        "items (series CUUR0000SA0, 1982-84 = 100; `data/deflators.csv`)."
    )
)
st.markdown(
    _(
        "**Comparability rules**: figures are never averaged across programmes. Rows are "
        "flagged when growth relative to the sector sits next to absolute growth (Uva "
        "Isabella), when growth covers different periods, when a figure has no cost, or when "
        "the same metric is stated in different price years, bases or periods elsewhere."
    )
)

st.header(_("2. The allocator (Plan page)"))
st.markdown(
    _(
        "The allocator chooses, for each candidate c, its **scale** f(c) (0-1 of full scale) "
        "and its **public funding** x(c,t) in each plan year t (US\\$). Outcomes (benefit, "
        "enterprises, jobs) grow in proportion to scale, or along a concave curve when "
        "diminishing returns are on; a candidate's outcomes are prorated to the share of its "
        "cost that falls inside the horizon."
    )
)
st.latex(f"\\max \\sum_c v_c\\, f_c \\quad {T['subject to the enabled rules a-g']}")
st.markdown(
    _(
        "Here v(c) is the candidate's full-scale value of the chosen objective: benefit (US\\$), "
        "enterprises, jobs, or a weighted sum of them. **Least cost** instead minimises public "
        "money subject to targets (least totals of benefit, enterprises or jobs). A tiny "
        "tie-break against spending that buys nothing keeps unneeded money unallocated; it is "
        "left out of the reported objective."
    )
)
st.subheader(_("Rule families"))
st.caption(_("Each family can be switched off; the names are those of the constraints in results."))
st.dataframe(
    pd.DataFrame(
        [
            {
                FAMILY: _(FAMILIES[key]),
                RULE: _(words),
                NAMES: names,
                RESTS_ON: _(evidence),
            }
            for key, words, names, evidence in RULE_FAMILIES
        ]
    ),
    hide_index=True,
    width="stretch",
    key="methodology_rules",
    column_config={
        RULE: st.column_config.TextColumn(width="large"),
        RESTS_ON: st.column_config.TextColumn(width="large"),
    },
    placeholder=MISSING,
)
for key, words, names, evidence in RULE_FAMILIES:
    with st.expander(_(FAMILIES[key])):
        st.markdown(
            md(
                _(words)
                + "\n\n"
                + _("- Constraint names: `{names}`").format(names=names)
                + "\n"
                + _("- Evidence: {evidence}").format(evidence=_(evidence))
            )
        )

st.subheader(_("Shadow prices"))
st.markdown(
    _(
        "A binding rule's **shadow price** is how much the reported objective would change if "
        "its limit moved up by one unit: US\\$1 of budget, one network of broker capacity, one "
        "unit of a target. For share rules the page speaks of one percentage point. A positive "
        "price means loosening the rule helps. Both solvers get the same minimisation and "
        "Fomento normalises the duals each returns to this meaning, so HiGHS and CBC report "
        "the same sign. A single price is **local**: at a kink (several rules binding at "
        "once, common with carry-over or a target) one more and one less unit are worth "
        "different amounts, and a solver reports either side. So the money rules (total and "
        "year budgets, funding purses, fee revenue, portfolio shares) are measured by "
        "re-solving: the sentence gives what one more US\\$ adds and what one US\\$ less "
        "takes away, each with the range over which it holds (Excel's allowable increase and "
        "decrease), or says that a step leaves no feasible plan; HiGHS and CBC runs give the "
        "same numbers. Per-candidate rules keep one price, labelled local. Why a candidate is "
        "not funded is measured the same way: its scale is forced in by a re-solve, which gives "
        "exactly how much its return would have to rise (the nearest candidates; the others get "
        "a lower bound, said as 'at least'); a tie is claimed only when forcing it in at 0.1 % "
        "of full scale changes the objective by at most 0.00001 %. Plans above 2,000 "
        "candidates skip these re-solves and state local prices and lower bounds."
    )
)
st.subheader(_("Greedy baseline, infeasibility and MILP"))
st.markdown(
    _(
        "- **Greedy baseline**: what a careful official would do by hand: fund locked and "
        "mandatory items first, then rank the rest by value per public dollar and fund each "
        "as far as budgets, its own limits and broker capacity allow. Portfolio shares are not "
        "steered, so the baseline may break them; the result says which rules it breaks and "
        "how much the optimum gains.\n"
        "- **Elastic relaxation**: when no plan keeps every rule, each rule row gets a "
        "variable that lets it give way, measured relative to the row's natural size, so budget "
        "and share rules compare fairly (the same scaled model on HiGHS and CBC). First the "
        "least give of what only partners or the candidate data can change (more match, broker "
        "networks, a candidate's band, fees, grant cap) is found, then, with that held, the "
        "least give of the planner's own levers (budgets, commitments, mix, targets). Every "
        "step stays in its quantity's domain; the planner's steps apply with one click on the "
        "Plan page, partners' steps are shown as requests. The diagnosis is checked by "
        "re-solving with every change applied, and says what still binds if anything does.\n"
        "- **MILP and gaps**: go/no-go items make the model a mixed-integer programme. The "
        "solver stops within a relative gap (default 0.01 %) of the best possible value; "
        "shadow prices then come from the LP with the go/no-go decisions fixed at their "
        "optimal values."
    )
)
st.subheader(_("Budget sweep"))
st.markdown(
    _(
        "The sweep re-solves the plan with every budget scaled from 25 % to 200 %. The "
        "marginal return of each step is the change in the objective over the change in "
        "budget; the curve is said to flatten where it falls below 10 % of the first step's "
        "return or, for benefit, below US\\$1 of benefit per dollar."
    )
)

st.subheader(_("Uncertainty and the value of information (Uncertainty page)"))
st.markdown(
    _(
        "**What the draws assume.** Each candidate states benefit (US\\$), enterprises "
        "reached and jobs as low, central and high values at full scale. A draw takes one "
        "quantile per candidate and reads all three measures at it (a candidate that does well "
        "does well on every measure); candidates are drawn independently of each other. The "
        "distribution is triangular with the central value as its most likely value (mode), or "
        "uniform over the range. Costs are as stated unless a cost multiplier range is set; "
        "that range affects only the wait-and-see view. Draws are seeded, so a run can be "
        "repeated exactly (`fomento uncertainty` gives the same numbers).\n\n"
        "**Where the central values sit.** With a triangular range the mean is "
        "(low + central + high) / 3. When the central value sits near the low end (a long "
        "upside), the mean is above it, so a plan's average over the draws is above its value "
        "at the central returns. The page lists each candidate's position in its range.\n\n"
        "**The plan's own risk (here-and-now).** The plan is fixed (the Plan page's plan, a "
        "saved scenario's optimum, or a plan file) and judged in every draw with no "
        "re-optimisation: its P10, P50 and P90 of benefit, enterprises and jobs and the share "
        "of draws that meet each target. This is the risk of signing that plan.\n\n"
        "**Wait-and-see.** The allocator re-optimises each draw as if its returns were known "
        "before deciding. No plan signed today reaches that spread; its mean minus the mean of "
        "the best plan chosen on expected values is the EVPI.\n\n"
        "**EVPI** (expected value of perfect information) = E[max over plans of the outcome] "
        "- E[outcome of the plan chosen on expected values]. Because a plan's outcome is "
        "linear in the returns, the plan chosen on expected values is the optimum at the mean "
        "returns. EVPI is the most that better evidence could add, on average, to this "
        "decision; it is shown with its Monte Carlo standard error (the standard deviation of "
        "the per-draw differences over the square root of the number of draws).\n\n"
        "**EVPPI** (partial EVPI) of a group of inputs (one candidate's returns; all returns of "
        "one instrument, such as every cluster initiative; optionally one instrument in one "
        "region) = E over the group's values of [max over plans of the expected outcome given "
        "them] - E[outcome of the plan chosen on expected values]: what learning those returns "
        "exactly, e.g. through an impact evaluation, is worth before deciding. Estimator: "
        "since the outcome is linear in independently drawn returns, the inner expectation is "
        "exact (the other returns at their means), so one Monte Carlo loop over the group's "
        "draws suffices (Brennan, Kharroubi, O'Hagan and Chilcott 2007, the linear case). For "
        "one candidate the optimum is a convex, piecewise-linear function of its return, found "
        "exactly by a few parametric re-solves over its range. Each estimate comes with its "
        "standard error; EVPPI is never above EVPI beyond that error, and the EVPPI of all "
        "inputs together is the EVPI. Outcome targets, if any, are held at their expected "
        "values in these two estimates.\n\n"
        "**Robust plan (CVaR).** The plan that maximises the conditional value at risk, the "
        "mean outcome of the worst alpha share of the draws, over one linear programme with a "
        "row per draw (Rockafellar and Uryasev 2000), every rule kept. When it is as good as "
        "the expected-value plan in both the bad cases and on average, the page says it is a "
        "tie.\n\n"
        "References: Raiffa and Schlaifer (1961), *Applied Statistical Decision Theory* (EVPI); "
        'Madansky (1960), "Inequalities for stochastic linear programming problems", '
        "*Management Science* 6(2) (here-and-now and wait-and-see); Brennan, Kharroubi, "
        "O'Hagan and Chilcott (2007), \"Calculating partial expected value of perfect "
        'information via Monte Carlo sampling algorithms", *Medical Decision Making* 27(4): '
        "448-470 (EVPPI); Strong, Oakley and Brennan (2014), *Medical Decision Making* 34(3): "
        '311-326 (the regression alternative); Rockafellar and Uryasev (2000), "Optimization '
        'of conditional value-at-risk", *Journal of Risk* 2(3): 21-41 (CVaR).'
    )
)

st.header(_("3. Limits of the evidence"))
st.markdown(
    _(
        "- **Small samples**: most figures come from a handful of programmes and, within "
        "them, from a few evaluated networks (six of 33 networks in Honduras).\n"
        "- **Relative versus absolute growth**: some growth is measured against the sector "
        "(Uva Isabella) and some in absolute terms; they cannot be pooled.\n"
        "- **Different periods and price years**: figures come from the 1990s and 2000s, in "
        "nominal US\\$ of their own year unless a price year is chosen; growth over different "
        "periods is not comparable.\n"
        "- **Attribution**: most outcomes are before-after changes of supported firms, rarely "
        "measured against a comparison group (Uva Isabella's figures relative to the sector "
        "are an exception), so benefits are what was observed, not proven effects.\n"
        "- **The demo planning data are illustrative**: a fictional country whose candidates "
        "are derived from the evidence ranges, not real projects. Use your own candidates "
        "(Data page) for real decisions."
    )
)

st.header(_("4. Source documents"))
st.dataframe(
    pd.DataFrame(
        [{FILE: f, DOCUMENT: DOCUMENT_TITLES[f], RESTING: _(what)} for f, what in SOURCES]
    ),
    hide_index=True,
    width="stretch",
    key="methodology_sources",
    column_config={RESTING: st.column_config.TextColumn(width="large")},
    placeholder=MISSING,
)
