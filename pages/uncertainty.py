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
from model.allocator.scenario import Scenario, load_scenario, parse_scenario
from model.planning.inputs import DEMO_SCENARIO
from model.store.scenarios import get_scenario, list_scenarios, save_scenario
from model.uncertainty.frontier import frontier_scenario, inclusion_frontier, unique_name
from model.uncertainty.montecarlo import MonteCarloResult, run_monte_carlo
from model.uncertainty.parallel import Progress
from model.uncertainty.report import report_json
from model.uncertainty.robust import RobustResult, funding_changes, robust_allocation
from model.uncertainty.sampling import DISTRIBUTIONS, CostRange, DrawSpec, draw_samples
from model.uncertainty.tornado import tornado
from pages import _charts
from pages import _uncertainty_charts as charts
from pages._handover import open_in_plan, plan_scenario
from pages._shared import current_user, engine

ss = st.session_state
FROM_PLAN, DEMO, SAVED = "Plan page's current scenario", "Demo scenario", "A saved scenario"
UNITS = {
    "benefit": "Benefit (US$)",
    "enterprises": "Enterprises reached",
    "jobs": "Jobs",
    "weighted": "Weighted objective",
}
DEFAULT_DRAWS = 200
MAX_PAGE_DRAWS = 5000


def _progress(bar: DeltaGenerator) -> Progress:
    def tick(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Solved {done} of {total} draws")

    return tick


st.title("Uncertainty")
st.caption(
    "How sure is the plan? Draw every candidate's returns from its evidence range, re-solve "
    "for each draw, and see the spread of the optimum, how often each candidate is funded, "
    "a plan that guards against the bad cases, what equity costs, and which inputs matter."
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
    scenario, dataset = parse_scenario(row.inputs), row.dataset
st.caption(
    f"**{scenario.name}**: {len(scenario.candidates)} candidates over "
    f"{scenario.horizon_years} years, objective {scenario.objective.kind}."
)
unit = UNITS.get(scenario.objective.kind, "Objective")

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
    "Vary costs too",
    key="uncertainty_costs_on",
    help="Candidates state no cost range, so costs are fixed unless you set one here.",
)
k1, k2, k3 = st.columns(3)
cost_low = k1.number_input("Cost multiplier low", 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_low")
cost_mode = k2.number_input("most likely", 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_mode")
cost_high = k3.number_input("high", 0.1, 5.0, 1.3, 0.05, key="uncertainty_cost_high")
st.caption(
    "Costs are fixed unless **Vary costs too** is on: each candidate's full cost is then "
    "multiplied by a draw from this range (1.0 = as stated; 1.3 = a 30 % overrun)."
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
    bar = st.progress(0.0, text="Drawing returns and solving…")
    try:
        mc = run_monte_carlo(scenario, spec, progress=_progress(bar))
        rb = None
        if robust_on:
            bar.progress(1.0, text="Solving the robust (CVaR) programme over all draws…")
            rb = robust_allocation(scenario, draw_samples(scenario, spec), float(alpha))
    except ValueError as exc:
        st.error(f"Cannot run: {exc}")
    else:
        ss["uncertainty_result"], ss["uncertainty_robust"] = mc, rb
        ss["uncertainty_scenario"], ss["uncertainty_dataset"] = scenario, dataset
        ss.pop("uncertainty_frontier", None)
        ss.pop("uncertainty_tornado", None)
    bar.empty()

mc_res: MonteCarloResult | None = ss.get("uncertainty_result")
done: Scenario | None = ss.get("uncertainty_scenario")
if mc_res is None or done is None:
    st.info("Choose the settings, then press **Run**.")
    st.stop()
if done.model_dump() != scenario.model_dump() or mc_res.spec != spec:
    st.caption(":orange[The scenario or settings changed since this run; press Run to update.]")
robust: RobustResult | None = ss.get("uncertainty_robust")

# --- Monte Carlo -------------------------------------------------------------------------
st.subheader("Spread of the optimum")
o = mc_res.objective
m1, m2, m3, m4 = st.columns(4)
m1.metric("P10", f"{o.p10:,.0f}")
m2.metric("P50", f"{o.p50:,.0f}")
m3.metric("P90", f"{o.p90:,.0f}")
m4.metric("Mean", f"{o.mean:,.0f}")
st.caption(
    f"{unit} of the best plan in each of {mc_res.feasible} draws with a feasible plan "
    f"(of {mc_res.spec.draws}; {mc_res.executor}, {mc_res.seconds:.1f} s). Each draw "
    "re-optimises as if its returns were known."
)
stem = "fomento-uncertainty"
_charts.show(charts.histogram(mc_res, unit), f"{stem}-histogram", "uncertainty_hist")
_charts.show(charts.funded(mc_res), f"{stem}-funded", "uncertainty_funded_chart")
st.dataframe(
    pd.DataFrame(
        [
            {"candidate": c, "funded in": p, "mean scale": mc_res.mean_scale[c]}
            for c, p in mc_res.funded_probability.items()
        ]
    ),
    hide_index=True,
    key="uncertainty_funded",
    column_config={
        "funded in": st.column_config.ProgressColumn(format="percent", min_value=0.0),
        "mean scale": st.column_config.NumberColumn(format="percent"),
    },
)

# --- robust plan -----------------------------------------------------------------------
if robust is not None:
    st.subheader("Robust plan")
    r1, r2, r3 = st.columns(3)
    r1.metric(f"Mean of the worst {robust.alpha:.0%} (robust)", f"{robust.robust.cvar:,.0f}")
    r2.metric("Gain in the bad cases", f"{robust.cvar_gain:,.0f}")
    r3.metric("Cost in expected outcome", f"{robust.expected_cost:,.0f}")
    changes = funding_changes(robust)
    if changes:
        _charts.show(charts.plans(robust, changes), f"{stem}-robust", "uncertainty_plans")
        st.dataframe(
            pd.DataFrame(changes),
            hide_index=True,
            key="uncertainty_robust_table",
            column_config={
                c: st.column_config.NumberColumn(format="localized")
                for c in ("expected_value_plan", "robust_plan", "change")
            },
        )
    else:
        st.info("The robust plan funds the same as the expected-value plan.")
    st.caption(
        "The expected-value plan maximises the mean over the same draws; costs stay as stated "
        "in both plans."
    )

st.download_button(
    "Results (JSON, as `fomento uncertainty --format json`)",
    json.dumps(report_json(mc_res, robust), indent=2),
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
                name=name,
                inputs=sc.model_copy(update={"name": name}).model_dump(mode="json"),
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
