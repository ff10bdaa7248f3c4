"""Uncertainty: Monte Carlo over the evidence ranges, robust plan, inclusion frontier, tornado.

The scenario is the Plan page's last solved one (``pages._handover.plan_scenario``) when
there is one, else the demo scenario or a saved one. "Open as scenario" saves a frontier
point with the current user's rights and hands it to the Plan page through its contract
(``pages._handover.open_in_plan``). All session-state keys start with ``uncertainty_``; the
logic lives in ``model.uncertainty`` and gives the same seeded numbers as
``fomento uncertainty ... --format json``.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from model.accounts.auth import PermissionDenied
from model.allocator.scenario import Scenario, load_scenario, same_scenario
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.planning.charts import uncertainty as charts
from model.planning.inputs import DEMO_SCENARIO
from model.store.scenarios import get_scenario, list_scenarios, save_scenario
from model.uncertainty.frontier import frontier_scenario, inclusion_frontier, unique_name
from model.uncertainty.montecarlo import MonteCarloResult, run_monte_carlo
from model.uncertainty.parallel import Progress
from model.uncertainty.planrisk import (
    PlanRisk,
    central_positions,
    plan_from_json,
    plan_risk,
    plan_warnings,
)
from model.uncertainty.report import (
    COVERS,
    MEASURE_WORDS,
    amount,
    central_sentence,
    ev_gap_sentence,
    evpi_sentence,
    group_sentence,
    report_json,
    robust_sentence,
    robust_tie,
)
from model.uncertainty.robust import RobustResult, funding_changes, robust_allocation
from model.uncertainty.sampling import DISTRIBUTIONS, CostRange, DrawSpec, draw_samples
from model.uncertainty.tornado import tornado
from model.uncertainty.voi import StageProgress, ValueOfInformation, value_of_information
from pages import _charts
from pages._handover import open_in_plan, plan_scenario
from pages._shared import current_user, engine

ss = st.session_state
FROM_PLAN, DEMO, SAVED = "Plan page's current plan", "Demo scenario", "A saved scenario"
UNITS = {k: w.axis for k, w in numbers.OBJECTIVES.items()}  # one wording of the objectives
DEFAULT_DRAWS = 200
MAX_PAGE_DRAWS = 5000


def _progress(bar: DeltaGenerator) -> Progress:
    def tick(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Solved {done} of {total} draws")

    return tick


def _stage_progress(bar: DeltaGenerator) -> StageProgress:
    def tick(stage: str, done: int, total: int) -> None:
        bar.progress(
            done / max(total, 1), text=f"Value of information: {stage} ({done} of {total})"
        )

    return tick


st.title("Uncertainty")
st.caption(
    "How sure is the plan? Draw every candidate's returns from its evidence range and judge "
    "the plan as it is in every draw; then see which evaluation is worth paying for, what "
    "the best plan would be if returns were known, a plan that guards against the bad "
    "cases, what equity costs, and which inputs matter."
)
eng = engine()

# --- scenario -------------------------------------------------------------------------
from_plan = plan_scenario()
sources = ([FROM_PLAN] if from_plan is not None else []) + [DEMO, SAVED]
source = st.radio("Scenario", sources, horizontal=True, key="uncertainty_source")
scenario: Scenario
dataset = "demo"
if source == FROM_PLAN and from_plan is not None:
    scenario, dataset = from_plan
elif source == DEMO:
    scenario = load_scenario(DEMO_SCENARIO)
else:
    saved = list_scenarios(eng)
    if not saved:
        st.info("No saved scenarios yet: save one on the Plan page.")
        st.stop()
    pick = st.selectbox(
        "Saved scenario",
        [s.id for s in saved],
        format_func=lambda i: next(s.name for s in saved if s.id == i),
        key="uncertainty_saved",
    )
    row = get_scenario(eng, int(pick))
    try:
        scenario, dataset = row.scenario, row.dataset
    except ValueError as exc:
        st.error(f"Cannot open saved scenario '{row.name}': {exc}")
        st.stop()
scenario_label = scenario.name
if source == SAVED and row.name != scenario.name:
    # Name it as the user picked it: the saved row's name, not only the scenario's own.
    scenario_label = f"the saved scenario '{row.name}' ({scenario.name})"
if source == FROM_PLAN:
    # The Plan page keeps the name of the scenario its inputs started from; say when they
    # were edited there, so an edited plan is not taken for the demo (issue 14).
    demo = load_scenario(DEMO_SCENARIO)
    if scenario.name != demo.name:
        scenario_label = f"the Plan page's current plan (from {scenario.name})"
    elif not same_scenario(scenario, demo):  # the Plan page lists the candidates by id
        scenario_label = f"the Plan page's current plan (edited from {scenario.name})"
    else:
        scenario_label = f"the Plan page's current plan ({scenario.name}, unchanged)"
st.caption(
    f"**{scenario_label[0].upper() + scenario_label[1:]}**: {len(scenario.candidates)} "
    f"candidates over {scenario.horizon_years} years, objective {scenario.objective.kind}."
)
unit = UNITS.get(scenario.objective.kind, "Objective")

# --- the plan to judge -------------------------------------------------------------------
plan_file = st.file_uploader(
    "Judge a plan from a JSON file instead (a result of `fomento allocate --format json`)",
    type=["json"],
    key="uncertainty_plan_file",
    help="Without a file the plan judged is the scenario's optimum, as the Plan page shows it.",
)
plan_scale_in: dict[str, float] | None = None
plan_made_for: object = None
plan_label = scenario_label
if plan_file is not None:
    try:
        plan_scale_in = plan_from_json(json.loads(plan_file.getvalue().decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(f"Cannot read {plan_file.name}: {exc}")
        st.stop()
    except ValueError as exc:
        st.error(f"Cannot use {plan_file.name}: {exc}")
        st.stop()
    plan_label = f"the plan in {plan_file.name}"  # as `fomento uncertainty --plan` names it
    plan_made_for = json.loads(plan_file.getvalue().decode("utf-8")).get("scenario")

# --- settings --------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
distribution = c1.radio(
    "Distribution of returns",
    DISTRIBUTIONS,
    horizontal=True,
    key="uncertainty_distribution",
    help="Triangular: the central value is the most likely; uniform: any value in the range.",
)
draws = c2.number_input(
    "Draws", 10, MAX_PAGE_DRAWS, DEFAULT_DRAWS, step=50, key="uncertainty_draws"
)
seed = c3.number_input("Seed", 0, 2**31 - 1, 1, key="uncertainty_seed")
vary = st.checkbox(
    "Vary costs too (wait-and-see view only)",
    key="uncertainty_costs_on",
    help="Candidates state no cost range, so costs are fixed unless you set one here. A cost "
    "draw does not change what a fixed plan reaches, so the plan's risk and the value of "
    "information use the return draws only.",
)
k1, k2, k3 = st.columns(3)
cost_low = k1.number_input("Cost multiplier low", 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_low")
cost_mode = k2.number_input("most likely", 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_mode")
cost_high = k3.number_input("high", 0.1, 5.0, 1.3, 0.05, key="uncertainty_cost_high")
st.caption(
    "Costs are fixed unless **Vary costs too** is on: each candidate's full cost is then "
    "multiplied by a draw from this range (1.0 = as stated; 1.3 = a 30 % overrun)."
)
v1, v2 = st.columns(2)
voi_on = v1.checkbox("Value of information (EVPI, EVPPI)", value=True, key="uncertainty_voi_on")
regions_on = v2.checkbox(
    "also each instrument within each region",
    key="uncertainty_voi_regions",
    disabled=not voi_on,
    help="One more re-solve per draw for every instrument-region pair with two or more candidates.",
)
robust_on = st.checkbox("Also find the robust plan (CVaR)", value=True, key="uncertainty_cvar_on")
alpha = st.slider(
    "Worst share of draws to protect (alpha)",
    0.05,
    1.0,
    0.2,
    0.05,
    key="uncertainty_alpha",
    disabled=not robust_on,
    help="The robust plan maximises the mean outcome of the worst alpha share of draws.",
)
try:
    costs = CostRange(cost_low, cost_mode, cost_high) if vary else CostRange()
    spec = DrawSpec(int(draws), seed=int(seed), distribution=distribution, costs=costs)
except ValueError as exc:
    st.error(f"Fix the settings: {exc}")
    st.stop()

if st.button("Run", type="primary", key="uncertainty_run", icon=":material/casino:"):
    bar = st.progress(0.0, text="The plan's own risk…")
    try:
        risk = plan_risk(scenario, spec, plan_scale_in, plan_label)
        warn = (
            [] if plan_scale_in is None else plan_warnings(scenario, plan_scale_in, plan_made_for)
        )
        voi = None
        if voi_on:
            voi = value_of_information(
                scenario, spec, by_region=bool(regions_on), progress=_stage_progress(bar)
            )
        mc = run_monte_carlo(scenario, spec, progress=_progress(bar))
        rb = None
        if robust_on:
            bar.progress(1.0, text="Robust plan: solving the CVaR programme over all draws…")
            rb = robust_allocation(scenario, draw_samples(scenario, spec), float(alpha))
    except ValueError as exc:
        st.error(f"Cannot run: {exc}")
    else:
        ss["uncertainty_result"], ss["uncertainty_robust"] = mc, rb
        ss["uncertainty_risk"], ss["uncertainty_voi"] = risk, voi
        ss["uncertainty_plan_warnings"] = warn
        ss["uncertainty_positions"] = central_positions(scenario, spec)
        ss["uncertainty_scenario"], ss["uncertainty_dataset"] = scenario, dataset
        ss.pop("uncertainty_frontier", None)
        ss.pop("uncertainty_tornado", None)
    bar.empty()

mc_res: MonteCarloResult | None = ss.get("uncertainty_result")
done: Scenario | None = ss.get("uncertainty_scenario")
risk_res: PlanRisk | None = ss.get("uncertainty_risk")
if mc_res is None or done is None or risk_res is None:
    st.info("Choose the settings, then press **Run**.")
    st.stop()
if done != scenario or mc_res.spec != spec:
    st.caption(":orange[The scenario or settings changed since this run; press Run to update.]")
robust: RobustResult | None = ss.get("uncertainty_robust")
voi_res: ValueOfInformation | None = ss.get("uncertainty_voi")
kind = done.objective.kind
stem = "fomento-uncertainty"

# --- 1. the plan's own risk ----------------------------------------------------------------
st.subheader("The plan's own risk")
st.caption(
    f"**{risk_res.label}**, funded exactly as it is, judged in each of {risk_res.spec.draws} "
    "draws of the candidates' returns, with no re-optimisation: what a ministry that signs "
    "this plan could get."
)
for words in ss.get("uncertainty_plan_warnings") or ():
    st.warning(words[0].upper() + words[1:], icon=":material/warning:")
ob = risk_res.objective_summary
m1, m2, m3, m4 = st.columns(4)
m1.metric(f"P10, {unit}", numbers.count(ob.p10), help="One draw in ten does worse than this.")
m2.metric(f"P50, {unit}", numbers.count(ob.p50))
m3.metric(f"P90, {unit}", numbers.count(ob.p90))
m4.metric("At the central returns", numbers.count(risk_res.objective_central))
st.dataframe(
    pd.DataFrame(
        [
            {
                "Outcome": MEASURE_WORDS[m],
                "P10": round(d.p10),
                "P50": round(d.p50),
                "P90": round(d.p90),
                "Mean of the draws": round(d.mean),
                "At the central returns": round(risk_res.central[m]),
            }
            for m, d in risk_res.summary.items()
        ]
    ),
    hide_index=True,
    key="uncertainty_risk_table",
    column_config={
        c: st.column_config.NumberColumn(format="localized")
        for c in ("P10", "P50", "P90", "Mean of the draws", "At the central returns")
    },
    placeholder=MISSING,
)
if risk_res.targets:
    for t in risk_res.targets:
        st.markdown(
            f"- Chance of reaching the **{t.measure}** target of {numbers.count(t.target)}: "
            f"**{t.probability:.0%}** (± {t.se:.0%})"
        )
else:
    st.caption(
        "The scenario sets no outcome targets, so there is no chance of meeting one to show."
    )
_charts.show(charts.plan_histogram(risk_res, unit), f"{stem}-plan", "uncertainty_plan_hist")

# --- where the central values sit ---------------------------------------------------------
with st.expander("Why the draws' mean differs from the plan's central value", expanded=False):
    st.markdown(central_sentence(risk_res))
    positions = ss.get("uncertainty_positions") or ()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Candidate": f"{p.name} ({p.candidate})",
                    "Low": round(p.low),
                    "Central (most likely)": round(p.central),
                    "Mean of the draws": round(p.mean),
                    "High": round(p.high),
                    "Central sits at": p.position,
                    "Mean minus central": round(p.shift),
                }
                for p in sorted(positions, key=lambda p: (-abs(p.shift), p.candidate))
            ]
        ),
        hide_index=True,
        key="uncertainty_positions_table",
        column_config={
            "Central sits at": st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0,
                help="0% = at the low end of the range, 100% = at the high end.",
            ),
            **{
                c: st.column_config.NumberColumn(format="localized")
                for c in ("Low", "Central (most likely)", "Mean of the draws", "High",
                          "Mean minus central")
            },
        }, placeholder=MISSING
    )  # fmt: skip
    st.caption(
        f"Each candidate's value at full scale, in {unit.lower()}. With the triangular "
        "distribution the central value is the mode; the mean is (low + central + high) / 3."
    )

# --- 2. value of information ----------------------------------------------------------------
if voi_res is not None:
    st.subheader("What better evidence is worth")
    e1, e2 = st.columns(2)
    e1.metric(
        "Expected value of perfect information (EVPI)",
        amount(kind, voi_res.evpi),
        help="E[best plan with returns known] - E[value of the plan chosen on expected values].",
    )
    e2.metric("Monte Carlo standard error", amount(kind, voi_res.evpi_se))
    st.markdown(evpi_sentence(voi_res))
    gap_words = ev_gap_sentence(risk_res, voi_res)
    if gap_words:
        st.caption(gap_words)
    top = [g for g in voi_res.groups if g.evppi > 0][:3]
    for g in top:
        st.markdown(f"- {group_sentence(g, kind)}")
    _charts.show(charts.evppi(voi_res, unit), f"{stem}-evppi", "uncertainty_evppi_chart")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Rank": i + 1,
                    "An evaluation of": g.label,
                    "Covers": COVERS[g.kind],
                    f"Worth up to, {unit}": round(g.evppi),
                    "± standard error": round(g.se),
                }
                for i, g in enumerate(voi_res.groups)
            ]
        ),
        hide_index=True,
        key="uncertainty_voi_table",
        column_config={
            c: st.column_config.NumberColumn(format="localized")
            for c in (f"Worth up to, {unit}", "± standard error")
        },
        placeholder=MISSING,
    )
    st.caption(
        f"Partial value of information (EVPPI) over {voi_res.draws} draws: the expected gain "
        "from learning that group's returns exactly before deciding, against the plan chosen "
        "on expected values. Estimator: " + voi_res.estimator + ". See Methodology."
    )

# --- 3. wait-and-see ------------------------------------------------------------------------
st.subheader("If returns were known before deciding (wait-and-see)")
o = mc_res.objective
w1, w2, w3, w4 = st.columns(4)
w1.metric("P10 of the re-optimised plan", numbers.count(o.p10))
w2.metric("P50 of the re-optimised plan", numbers.count(o.p50))
w3.metric("P90 of the re-optimised plan", numbers.count(o.p90))
w4.metric("Mean of the re-optimised plan", numbers.count(o.mean))
st.caption(
    f"A second view, not the plan's risk: in each of {mc_res.feasible} draws with a feasible "
    f"plan (of {mc_res.spec.draws}; {mc_res.executor}, {mc_res.seconds:.1f} s) the allocator "
    "re-optimises as if that draw's returns were known before deciding. No plan signed today "
    "can reach this spread; the gap to the plan's own risk is what perfect evidence would add."
)
_charts.show(
    charts.histogram(mc_res, unit, risk_res.objective_central),
    f"{stem}-histogram",
    "uncertainty_hist",
)
_charts.show(charts.funded(mc_res), f"{stem}-funded", "uncertainty_funded_chart")
st.dataframe(
    pd.DataFrame(
        [
            {"Candidate": c, "Funded in (share of draws)": p, "Mean scale": mc_res.mean_scale[c]}
            for c, p in mc_res.funded_probability.items()
        ]
    ),
    hide_index=True,
    key="uncertainty_funded",
    column_config={
        "Funded in (share of draws)": st.column_config.ProgressColumn(
            format="percent", min_value=0.0
        ),
        "Mean scale": st.column_config.NumberColumn(format="percent"),
    },
    placeholder=MISSING,
)

# --- robust plan -----------------------------------------------------------------------
if robust is not None:
    st.subheader("Robust plan")
    tie = robust_tie(robust)
    r1, r2, r3 = st.columns(3)
    r1.metric(f"Mean of the worst {robust.alpha:.0%} (robust)", amount(kind, robust.robust.cvar))
    r2.metric("Gain in the bad cases", "tie" if tie else amount(kind, robust.cvar_gain))
    r3.metric("Cost in expected outcome", "tie" if tie else amount(kind, robust.expected_cost))
    st.markdown(robust_sentence(robust, kind))
    changes = funding_changes(robust)
    if changes:
        _charts.show(charts.plans(robust, changes), f"{stem}-robust", "uncertainty_plans")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Candidate": row["candidate"],
                        "Expected-value plan (US$)": round(float(row["expected_value_plan"])),
                        "Robust plan (US$)": round(float(row["robust_plan"])),
                        "Change (US$)": round(float(row["change"])),
                        "Expected-value plan scale": row["expected_value_scale"],
                        "Robust plan scale": row["robust_scale"],
                    }
                    for row in changes
                ]
            ),
            hide_index=True,
            key="uncertainty_robust_table",
            column_config={
                **{
                    c: st.column_config.NumberColumn(format="localized")
                    for c in ("Expected-value plan (US$)", "Robust plan (US$)", "Change (US$)")
                },
                **{
                    c: st.column_config.NumberColumn(format="percent")
                    for c in ("Expected-value plan scale", "Robust plan scale")
                },
            },
            placeholder=MISSING,
        )
    st.caption(
        "The expected-value plan maximises the mean over the same draws; costs stay as stated "
        "in both plans."
    )

st.download_button(
    "Results (JSON, as `fomento uncertainty --format json`)",
    json.dumps(report_json(mc_res, robust, risk=risk_res, voi=voi_res), indent=2, allow_nan=False),
    file_name=f"{stem}.json",
    mime="application/json",
    key="uncertainty_json",
    on_click="ignore",
)

# --- inclusion frontier ------------------------------------------------------------------
st.subheader("Inclusion frontier")
st.caption(
    "Raises the least share of public funding that goes to lagging regions from 0 to 100 % "
    "and re-solves at each step (central returns): what equity costs in the objective."
)
if st.button("Draw the frontier", key="uncertainty_frontier_run", icon=":material/show_chart:"):
    try:
        ss["uncertainty_frontier"] = inclusion_frontier(done)
    except ValueError as exc:
        st.error(f"Cannot draw the frontier: {exc}")
points = ss.get("uncertainty_frontier")
if points:
    pm = done.rules.policy_mix
    current = pm.lagging_min_share if pm.enabled else None
    _charts.show(charts.frontier(points, unit, current), f"{stem}-frontier", "uncertainty_front")
    feasible = [p.floor for p in points if p.objective is not None]
    if len(feasible) < len(points):
        st.caption(f"No plan meets a floor above {max(feasible, default=0):.0%}.")
    floor = st.selectbox(
        "Point to open", feasible, format_func=lambda f: f"floor {f:.0%}", key="uncertainty_pick"
    )
    if st.button("Open as scenario on the Plan page", key="uncertainty_open"):
        sc = frontier_scenario(done, float(floor))
        name = unique_name(sc.name, {s.name for s in list_scenarios(eng)})
        try:
            saved_row = save_scenario(
                eng,
                current_user(),
                sc.model_copy(update={"name": name}),
                name=name,
                notes="From the Uncertainty page's inclusion frontier.",
                dataset=str(ss.get("uncertainty_dataset", dataset)),
            )
        except PermissionDenied as exc:
            st.error(f"Not opened: {exc}. Sign in as an analyst or admin to save it.")
        except ValueError as exc:
            st.error(f"Not opened: {exc}")
        else:
            open_in_plan(saved_row.id)

# --- tornado ---------------------------------------------------------------------------
st.subheader("What matters most")
st.caption(
    "One input at a time at its low and high value, the others central: each candidate's "
    "returns, the budget (±20 %) and, when costs vary, every cost."
)
if st.button("Draw the tornado", key="uncertainty_tornado_run", icon=":material/tornado:"):
    with st.spinner("Re-solving for each input…"):
        try:
            ss["uncertainty_tornado"] = tornado(done, mc_res.spec.costs)
        except ValueError as exc:
            st.error(f"Cannot draw the tornado: {exc}")
sens = ss.get("uncertainty_tornado")
if sens is not None:
    _charts.show(charts.tornado(sens, unit), f"{stem}-tornado", "uncertainty_tornado_chart")
    no_plan = [
        f"{b.input} at {label}"
        for b in sens.bars
        for label, value in ((b.low_label, b.objective_low), (b.high_label, b.objective_high))
        if value is None
    ]
    if no_plan:
        st.caption(
            "No plan meets every rule (for example an outcome target) with "
            + "; ".join(no_plan)
            + ": those ends have no bar and are ranked first, as the largest swings."
        )
