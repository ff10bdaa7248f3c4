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
from model.formatting.i18n import N_
from model.formatting.numbers import MISSING
from model.planning.charts import uncertainty as charts
from model.planning.demo import scenario_title
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
    DISTRIBUTION_WORDS,
    KIND_NAMES,
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
from pages._i18n import _, keep_choice, number_locale
from pages._shared import current_user, engine, localized_dataframe

ss = st.session_state
# The source options are kept in English (session state, tests) and shown translated.
FROM_PLAN = N_("Plan page's current plan")
DEMO = N_("Demo scenario")
SAVED = N_("A saved scenario")
DEFAULT_DRAWS = 200
MAX_PAGE_DRAWS = 5000


def _progress(bar: DeltaGenerator) -> Progress:
    def tick(done: int, total: int) -> None:
        bar.progress(
            done / total,
            text=_("Solved {done} of {total} draws").format(
                done=numbers.count(done), total=numbers.count(total)
            ),
        )

    return tick


def _stage_progress(bar: DeltaGenerator) -> StageProgress:
    def tick(stage: str, done: int, total: int) -> None:
        bar.progress(
            done / max(total, 1),
            text=_("Value of information: {stage} ({done} of {total})").format(
                stage=stage, done=numbers.count(done), total=numbers.count(total)
            ),
        )

    return tick


st.title(_("Uncertainty"))  # activates the reader's language for the model's text too
st.caption(
    _(
        "How sure is the plan? Draw every candidate's returns from its evidence range and "
        "judge the plan as it is in every draw; then see which evaluation is worth paying "
        "for, what the best plan would be if returns were known, a plan that guards against "
        "the bad cases, what equity costs, and which inputs matter."
    )
)
eng = engine()

# --- scenario -------------------------------------------------------------------------
from_plan = plan_scenario()
sources = ([FROM_PLAN] if from_plan is not None else []) + [DEMO, SAVED]
# Labels looked up in dicts made in this run: a format_func must not depend on the thread
# it is called from (AppTest calls it outside the script run).
source_words = {k: _(k) for k in sources}
keep_choice("uncertainty_source", source_words)
source = st.radio(
    _("Scenario"),
    sources,
    format_func=source_words.__getitem__,
    horizontal=True,
    key="uncertainty_source",
)
scenario: Scenario
dataset = "demo"
if source == FROM_PLAN and from_plan is not None:
    scenario, dataset = from_plan
elif source == DEMO:
    scenario = load_scenario(DEMO_SCENARIO)
else:
    saved = list_scenarios(eng)
    if not saved:
        st.info(_("No saved scenarios yet: save one on the Plan page."))
        st.stop()
    pick = st.selectbox(
        _("Saved scenario"),
        [s.id for s in saved],
        format_func=lambda i: next(s.name for s in saved if s.id == i),
        key="uncertainty_saved",
    )
    row = get_scenario(eng, int(pick))
    try:
        scenario, dataset = row.scenario, row.dataset
    except ValueError as exc:
        st.error(_("Cannot open saved scenario '{name}': {error}").format(name=row.name, error=exc))
        st.stop()
title = scenario_title(scenario.name)  # the demo's name in the reader's language
scenario_label = title
if source == SAVED and row.name != scenario.name:
    # Name it as the user picked it: the saved row's name, not only the scenario's own.
    scenario_label = _("the saved scenario '{saved}' ({name})").format(saved=row.name, name=title)
if source == FROM_PLAN:
    # The Plan page keeps the name of the scenario its inputs started from; say when they
    # were edited there, so an edited plan is not taken for the demo (issue 14).
    demo = load_scenario(DEMO_SCENARIO)
    if scenario.name != demo.name:
        scenario_label = _("the Plan page's current plan (from {name})").format(name=title)
    elif not same_scenario(scenario, demo):  # the Plan page lists the candidates by id
        scenario_label = _("the Plan page's current plan (edited from {name})").format(name=title)
    else:
        scenario_label = _("the Plan page's current plan ({name}, unchanged)").format(name=title)
st.caption(
    _("**{scenario}**: {n} candidates over {years} years, objective {objective}.").format(
        scenario=scenario_label[0].upper() + scenario_label[1:],
        n=numbers.count(len(scenario.candidates)),
        years=scenario.horizon_years,
        objective=KIND_NAMES.get(scenario.objective.kind, scenario.objective.kind),
    )
)
kind_now = scenario.objective.kind
unit = numbers.OBJECTIVES[kind_now].axis if kind_now in numbers.OBJECTIVES else _("Objective")

# --- the plan to judge -------------------------------------------------------------------
plan_file = st.file_uploader(
    _("Judge a plan from a JSON file instead (a result of `fomento allocate --format json`)"),
    type=["json"],
    key="uncertainty_plan_file",
    help=_("Without a file the plan judged is the scenario's optimum, as the Plan page shows it."),
)
plan_scale_in: dict[str, float] | None = None
plan_made_for: object = None
plan_label = scenario_label
if plan_file is not None:
    try:
        plan_scale_in = plan_from_json(json.loads(plan_file.getvalue().decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(_("Cannot read {file}: {error}").format(file=plan_file.name, error=exc))
        st.stop()
    except ValueError as exc:
        st.error(_("Cannot use {file}: {error}").format(file=plan_file.name, error=exc))
        st.stop()
    # As `fomento uncertainty --plan` names it.
    plan_label = _("the plan in {file}").format(file=plan_file.name)
    plan_made_for = json.loads(plan_file.getvalue().decode("utf-8")).get("scenario")

# --- settings --------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
distribution_words = {d: DISTRIBUTION_WORDS[d] for d in DISTRIBUTIONS}
keep_choice("uncertainty_distribution", distribution_words)
distribution = c1.radio(
    _("Distribution of returns"),
    DISTRIBUTIONS,
    format_func=distribution_words.__getitem__,
    horizontal=True,
    key="uncertainty_distribution",
    help=_("Triangular: the central value is the most likely; uniform: any value in the range."),
)
draws = c2.number_input(
    _("Draws"), 10, MAX_PAGE_DRAWS, DEFAULT_DRAWS, step=50, key="uncertainty_draws"
)
seed = c3.number_input(_("Seed"), 0, 2**31 - 1, 1, key="uncertainty_seed")
vary = st.checkbox(
    _("Vary costs too (wait-and-see view only)"),
    key="uncertainty_costs_on",
    help=_(
        "Candidates state no cost range, so costs are fixed unless you set one here. A cost "
        "draw does not change what a fixed plan reaches, so the plan's risk and the value of "
        "information use the return draws only."
    ),
)
k1, k2, k3 = st.columns(3)
cost_low = k1.number_input(
    _("Cost multiplier low"), 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_low"
)
cost_mode = k2.number_input(_("most likely"), 0.1, 5.0, 1.0, 0.05, key="uncertainty_cost_mode")
cost_high = k3.number_input(_("high"), 0.1, 5.0, 1.3, 0.05, key="uncertainty_cost_high")
st.caption(
    _(
        "Costs are fixed unless **Vary costs too** is on: each candidate's full cost is then "
        "multiplied by a draw from this range (1.0 = as stated; 1.3 = a 30 % overrun)."
    )
)
v1, v2 = st.columns(2)
voi_on = v1.checkbox(_("Value of information (EVPI, EVPPI)"), value=True, key="uncertainty_voi_on")
regions_on = v2.checkbox(
    _("also each instrument within each region"),
    key="uncertainty_voi_regions",
    disabled=not voi_on,
    help=_(
        "One more re-solve per draw for every instrument-region pair with two or more candidates."
    ),
)
robust_on = st.checkbox(
    _("Also find the robust plan (CVaR)"), value=True, key="uncertainty_cvar_on"
)
alpha = st.slider(
    _("Worst share of draws to protect (alpha)"),
    0.05,
    1.0,
    0.2,
    0.05,
    key="uncertainty_alpha",
    disabled=not robust_on,
    help=_("The robust plan maximises the mean outcome of the worst alpha share of draws."),
)
try:
    costs = CostRange(cost_low, cost_mode, cost_high) if vary else CostRange()
    spec = DrawSpec(int(draws), seed=int(seed), distribution=distribution, costs=costs)
except ValueError as exc:
    st.error(_("Fix the settings: {error}").format(error=exc))
    st.stop()

if st.button(_("Run"), type="primary", key="uncertainty_run", icon=":material/casino:"):
    bar = st.progress(0.0, text=_("The plan's own risk…"))
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
            bar.progress(1.0, text=_("Robust plan: solving the CVaR programme over all draws…"))
            rb = robust_allocation(scenario, draw_samples(scenario, spec), float(alpha))
    except ValueError as exc:
        st.error(_("Cannot run: {error}").format(error=exc))
    else:
        ss["uncertainty_result"], ss["uncertainty_robust"] = mc, rb
        ss["uncertainty_risk"], ss["uncertainty_voi"] = risk, voi
        ss["uncertainty_plan_warnings"] = warn
        ss["uncertainty_positions"] = central_positions(scenario, spec)
        ss["uncertainty_scenario"], ss["uncertainty_dataset"] = scenario, dataset
        ss["uncertainty_locale"] = number_locale()  # labels in the results are in it
        ss.pop("uncertainty_frontier", None)
        ss.pop("uncertainty_tornado", None)
    bar.empty()

mc_res: MonteCarloResult | None = ss.get("uncertainty_result")
done: Scenario | None = ss.get("uncertainty_scenario")
risk_res: PlanRisk | None = ss.get("uncertainty_risk")
if mc_res is None or done is None or risk_res is None:
    st.info(_("Choose the settings, then press **Run**."))
    st.stop()
if done != scenario or mc_res.spec != spec or ss.get("uncertainty_locale") != number_locale():
    st.caption(
        ":orange["
        + _("The scenario or settings changed since this run; press Run to update.")
        + "]"
    )
robust: RobustResult | None = ss.get("uncertainty_robust")
voi_res: ValueOfInformation | None = ss.get("uncertainty_voi")
kind = done.objective.kind
stem = "fomento-uncertainty"
# Column headings, shown in the reader's language (column_config names the same ones).
CANDIDATE = _("Candidate")
MEAN_OF_DRAWS = _("Mean of the draws")
AT_CENTRAL = _("At the central returns")

# --- 1. the plan's own risk ----------------------------------------------------------------
st.subheader(_("The plan's own risk"))
st.caption(
    _(
        "**{plan}**, funded exactly as it is, judged in each of {draws} "
        "draws of the candidates' returns, with no re-optimisation: what a ministry that signs "
        "this plan could get."
    ).format(plan=risk_res.label, draws=risk_res.spec.draws)
)
for words in ss.get("uncertainty_plan_warnings") or ():
    st.warning(words[0].upper() + words[1:], icon=":material/warning:")
ob = risk_res.objective_summary
m1, m2, m3, m4 = st.columns(4)
m1.metric(f"P10, {unit}", numbers.count(ob.p10), help=_("One draw in ten does worse than this."))
m2.metric(f"P50, {unit}", numbers.count(ob.p50))
m3.metric(f"P90, {unit}", numbers.count(ob.p90))
m4.metric(AT_CENTRAL, numbers.count(risk_res.objective_central))
localized_dataframe(
    pd.DataFrame(
        [
            {
                _("Outcome"): MEASURE_WORDS[m],
                "P10": round(d.p10),
                "P50": round(d.p50),
                "P90": round(d.p90),
                MEAN_OF_DRAWS: round(d.mean),
                AT_CENTRAL: round(risk_res.central[m]),
            }
            for m, d in risk_res.summary.items()
        ]
    ),
    hide_index=True,
    key="uncertainty_risk_table",
    figures=dict.fromkeys(("P10", "P50", "P90", MEAN_OF_DRAWS, AT_CENTRAL), "whole"),
    column_config={
        c: st.column_config.NumberColumn(format="localized")
        for c in ("P10", "P50", "P90", MEAN_OF_DRAWS, AT_CENTRAL)
    },
    placeholder=MISSING,
)
if risk_res.targets:
    for t in risk_res.targets:
        st.markdown(
            "- "
            + _(
                "Chance of reaching the **{measure}** target of {target}: **{probability}** "
                "(± {se})"
            ).format(
                measure=KIND_NAMES.get(t.measure, t.measure),
                target=numbers.count(t.target),
                probability=numbers.share(t.probability),
                se=numbers.share(t.se),
            )
        )
else:
    st.caption(
        _("The scenario sets no outcome targets, so there is no chance of meeting one to show.")
    )
_charts.show(charts.plan_histogram(risk_res, unit), f"{stem}-plan", "uncertainty_plan_hist")

# --- where the central values sit ---------------------------------------------------------
with st.expander(_("Why the draws' mean differs from the plan's central value"), expanded=False):
    st.markdown(central_sentence(risk_res))
    positions = ss.get("uncertainty_positions") or ()
    low, central, high = _("Low"), _("Central (most likely)"), _("High")
    sits, shift = _("Central sits at"), _("Mean minus central")
    localized_dataframe(
        pd.DataFrame(
            [
                {
                    CANDIDATE: f"{p.name} ({p.candidate})",
                    low: round(p.low),
                    central: round(p.central),
                    MEAN_OF_DRAWS: round(p.mean),
                    high: round(p.high),
                    sits: p.position,
                    shift: round(p.shift),
                }
                for p in sorted(positions, key=lambda p: (-abs(p.shift), p.candidate))
            ]
        ),
        hide_index=True,
        key="uncertainty_positions_table",
        figures=dict.fromkeys((low, central, MEAN_OF_DRAWS, high, shift), "whole"),
        column_config={
            sits: st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0,
                help=_("0% = at the low end of the range, 100% = at the high end."),
            ),
            **{
                c: st.column_config.NumberColumn(format="localized")
                for c in (low, central, MEAN_OF_DRAWS, high, shift)
            },
        }, placeholder=MISSING
    )  # fmt: skip
    st.caption(
        _(
            "Each candidate's value at full scale, in {unit}. With the triangular "
            "distribution the central value is the mode; the mean is (low + central + high) / 3."
        ).format(unit=numbers.unit_words(kind_now))
    )

# --- 2. value of information ----------------------------------------------------------------
if voi_res is not None:
    st.subheader(_("What better evidence is worth"))
    e1, e2 = st.columns(2)
    e1.metric(
        _("Expected value of perfect information (EVPI)"),
        amount(kind, voi_res.evpi),
        help=_("E[best plan with returns known] - E[value of the plan chosen on expected values]."),
    )
    e2.metric(_("Monte Carlo standard error"), amount(kind, voi_res.evpi_se))
    st.markdown(evpi_sentence(voi_res))
    gap_words = ev_gap_sentence(risk_res, voi_res)
    if gap_words:
        st.caption(gap_words)
    top = [g for g in voi_res.groups if g.evppi > 0][:3]
    for g in top:
        st.markdown(f"- {group_sentence(g, kind)}")
    _charts.show(charts.evppi(voi_res, unit), f"{stem}-evppi", "uncertainty_evppi_chart")
    worth, se_col = _("Worth up to, {unit}").format(unit=unit), _("± standard error")
    localized_dataframe(
        pd.DataFrame(
            [
                {
                    _("Rank"): i + 1,
                    _("An evaluation of"): g.label,
                    _("Covers"): COVERS[g.kind],
                    worth: round(g.evppi),
                    se_col: round(g.se),
                }
                for i, g in enumerate(voi_res.groups)
            ]
        ),
        hide_index=True,
        key="uncertainty_voi_table",
        figures=dict.fromkeys((worth, se_col), "whole"),
        column_config={
            c: st.column_config.NumberColumn(format="localized") for c in (worth, se_col)
        },
        placeholder=MISSING,
    )
    st.caption(
        _(
            "Partial value of information (EVPPI) over {draws} draws: the expected gain "
            "from learning that group's returns exactly before deciding, against the plan "
            "chosen on expected values. Estimator: {estimator}. See Methodology."
        ).format(draws=voi_res.draws, estimator=_(voi_res.estimator))
    )

# --- 3. wait-and-see ------------------------------------------------------------------------
st.subheader(_("If returns were known before deciding (wait-and-see)"))
o = mc_res.objective
w1, w2, w3, w4 = st.columns(4)
w1.metric(_("P10 of the re-optimised plan"), numbers.count(o.p10))
w2.metric(_("P50 of the re-optimised plan"), numbers.count(o.p50))
w3.metric(_("P90 of the re-optimised plan"), numbers.count(o.p90))
w4.metric(_("Mean of the re-optimised plan"), numbers.count(o.mean))
st.caption(
    _(
        "A second view, not the plan's risk: in each of {feasible} draws with a feasible "
        "plan (of {draws}; {executor}, {seconds} s) the allocator "
        "re-optimises as if that draw's returns were known before deciding. No plan signed "
        "today can reach this spread; the gap to the plan's own risk is what perfect "
        "evidence would add."
    ).format(
        feasible=mc_res.feasible,
        draws=mc_res.spec.draws,
        executor=mc_res.executor,
        seconds=numbers.number(mc_res.seconds, 1),
    )
)
_charts.show(
    charts.histogram(mc_res, unit, risk_res.objective_central),
    f"{stem}-histogram",
    "uncertainty_hist",
)
_charts.show(charts.funded(mc_res), f"{stem}-funded", "uncertainty_funded_chart")
funded_in, mean_scale = _("Funded in (share of draws)"), _("Mean scale")
localized_dataframe(
    pd.DataFrame(
        [
            {CANDIDATE: c, funded_in: p, mean_scale: mc_res.mean_scale[c]}
            for c, p in mc_res.funded_probability.items()
        ]
    ),
    hide_index=True,
    key="uncertainty_funded",
    figures={mean_scale: "share"},
    column_config={
        funded_in: st.column_config.ProgressColumn(format="percent", min_value=0.0),
        mean_scale: st.column_config.NumberColumn(format="percent"),
    },
    placeholder=MISSING,
)

# --- robust plan -----------------------------------------------------------------------
if robust is not None:
    st.subheader(_("Robust plan"))
    tie = robust_tie(robust)
    r1, r2, r3 = st.columns(3)
    r1.metric(
        _("Mean of the worst {alpha} (robust)").format(alpha=numbers.share(robust.alpha)),
        amount(kind, robust.robust.cvar),
    )
    r2.metric(_("Gain in the bad cases"), _("tie") if tie else amount(kind, robust.cvar_gain))
    r3.metric(
        _("Cost in expected outcome"), _("tie") if tie else amount(kind, robust.expected_cost)
    )
    st.markdown(robust_sentence(robust, kind))
    changes = funding_changes(robust)
    if changes:
        _charts.show(charts.plans(robust, changes), f"{stem}-robust", "uncertainty_plans")
        ev_us, rb_us, change_us = (
            _("Expected-value plan (US$)"),
            _("Robust plan (US$)"),
            _("Change (US$)"),
        )
        ev_scale, rb_scale = _("Expected-value plan scale"), _("Robust plan scale")
        localized_dataframe(
            pd.DataFrame(
                [
                    {
                        CANDIDATE: row["candidate"],
                        ev_us: round(float(row["expected_value_plan"])),
                        rb_us: round(float(row["robust_plan"])),
                        change_us: round(float(row["change"])),
                        ev_scale: row["expected_value_scale"],
                        rb_scale: row["robust_scale"],
                    }
                    for row in changes
                ]
            ),
            hide_index=True,
            key="uncertainty_robust_table",
            figures={
                **dict.fromkeys((ev_us, rb_us, change_us), "whole"),
                **dict.fromkeys((ev_scale, rb_scale), "share"),
            },
            column_config={
                **{
                    c: st.column_config.NumberColumn(format="localized")
                    for c in (ev_us, rb_us, change_us)
                },
                **{
                    c: st.column_config.NumberColumn(format="percent") for c in (ev_scale, rb_scale)
                },
            },
            placeholder=MISSING,
        )
    st.caption(
        _(
            "The expected-value plan maximises the mean over the same draws; costs stay as "
            "stated in both plans."
        )
    )

st.download_button(
    _("Results (JSON, as `fomento uncertainty --format json`)"),
    json.dumps(report_json(mc_res, robust, risk=risk_res, voi=voi_res), indent=2, allow_nan=False),
    file_name=f"{stem}.json",
    mime="application/json",
    key="uncertainty_json",
    on_click="ignore",
)

# --- inclusion frontier ------------------------------------------------------------------
st.subheader(_("Inclusion frontier"))
st.caption(
    _(
        "Raises the least share of public funding that goes to lagging regions from 0 to "
        "100 % and re-solves at each step (central returns): what equity costs in the "
        "objective."
    )
)
if st.button(_("Draw the frontier"), key="uncertainty_frontier_run", icon=":material/show_chart:"):
    try:
        ss["uncertainty_frontier"] = inclusion_frontier(done)
    except ValueError as exc:
        st.error(_("Cannot draw the frontier: {error}").format(error=exc))
points = ss.get("uncertainty_frontier")
if points:
    pm = done.rules.policy_mix
    current = pm.lagging_min_share if pm.enabled else None
    _charts.show(charts.frontier(points, unit, current), f"{stem}-frontier", "uncertainty_front")
    feasible = [p.floor for p in points if p.objective is not None]
    if len(feasible) < len(points):
        st.caption(
            _("No plan meets a floor above {floor}.").format(
                floor=numbers.share(max(feasible, default=0))
            )
        )
    floor_words = {f: _("floor {floor}").format(floor=numbers.share(f)) for f in feasible}
    keep_choice("uncertainty_pick", floor_words)
    floor = st.selectbox(
        _("Point to open"), feasible, format_func=floor_words.__getitem__, key="uncertainty_pick"
    )
    if st.button(_("Open as scenario on the Plan page"), key="uncertainty_open"):
        sc = frontier_scenario(done, float(floor))
        name = unique_name(sc.name, {s.name for s in list_scenarios(eng)})
        try:
            saved_row = save_scenario(
                eng,
                current_user(),
                sc.model_copy(update={"name": name}),
                name=name,
                notes=_("From the Uncertainty page's inclusion frontier."),
                dataset=str(ss.get("uncertainty_dataset", dataset)),
            )
        except PermissionDenied as exc:
            st.error(
                _("Not opened: {error}. Sign in as an analyst or admin to save it.").format(
                    error=exc
                )
            )
        except ValueError as exc:
            st.error(_("Not opened: {error}").format(error=exc))
        else:
            open_in_plan(saved_row.id)

# --- tornado ---------------------------------------------------------------------------
st.subheader(_("What matters most"))
st.caption(
    _(
        "One input at a time at its low and high value, the others central: each candidate's "
        "returns, the budget (±20 %) and, when costs vary, every cost."
    )
)
if st.button(_("Draw the tornado"), key="uncertainty_tornado_run", icon=":material/tornado:"):
    with st.spinner(_("Re-solving for each input…")):
        try:
            ss["uncertainty_tornado"] = tornado(done, mc_res.spec.costs)
        except ValueError as exc:
            st.error(_("Cannot draw the tornado: {error}").format(error=exc))
sens = ss.get("uncertainty_tornado")
if sens is not None:
    _charts.show(charts.tornado(sens, unit), f"{stem}-tornado", "uncertainty_tornado_chart")
    no_plan = [
        _("{input} at {end}").format(input=b.input, end=label)
        for b in sens.bars
        for label, value in ((b.low_label, b.objective_low), (b.high_label, b.objective_high))
        if value is None
    ]
    if no_plan:
        st.caption(
            _(
                "No plan meets every rule (for example an outcome target) with {ends}: those "
                "ends have no bar and are ranked first, as the largest swings."
            ).format(ends="; ".join(no_plan))
        )
