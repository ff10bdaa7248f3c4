"""Plan: set the budget and the rules, solve, read the plan, sweep the budget, save it.

Hand-overs (``pages._handover``): the Scenarios page and the Uncertainty frontier call
``open_in_plan(id)``; this page then loads the saved scenario into its controls (the
candidates saved with it are used while its dataset stays selected), shows "Editing saved
scenario '<name>' (version N)" and the stored result if there is one, and offers "Save
changes" (``scenario_id`` + ``base_version``) next to "Save as new". The Proposals page calls
``open_dataset_in_plan(dataset)`` to select the dataset it built.

What the page keeps between reruns is one ``PlanState`` (``pages._plan_state``); the
widgets' keys start with ``plan_``. The logic lives in ``model.planning.inputs`` and
``model.planning.readout``; this script gathers input and shows results.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from model.accounts.auth import PermissionDenied
from model.allocator.api import SweepPoint, allocate, sweep_budget
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario, load_scenario
from model.domain.candidates import Candidate, Region
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.planning import charts as plan_charts
from model.planning.inputs import (
    DEMO_SCENARIO,
    PlanInputs,
    apply_all,
    build_scenario,
    default_inputs,
    inputs_from_scenario,
)
from model.planning.readout import (
    SWEEP_FACTORS,
    allocation_rows,
    binding_rules,
    budget_limit_note,
    candidate_points,
    dollar_sentences,
    funding_long,
    plan_title,
    summary_sentence,
    sweep_curve,
)
from model.planning.workbook import ScenarioDocument, file_stem, workbook
from model.screening.net import NetAssessment
from model.store import db, repository
from model.store.net_files import fetch_net_assessments
from model.store.scenarios import StaleScenario, get_scenario, save_scenario
from pages import _charts
from pages._handover import (
    DATASET_WIDGET_KEY,
    show_in_scenarios,
    take_dataset_to_open,
    take_scenario_to_open,
)
from pages._plan_controls import clear_commitments, controls, net_fees, put_inputs
from pages._plan_state import OpenedScenario, PlanState, plan_state
from pages._shared import (
    BY_CONTENT,
    ILLUSTRATIVE_NOTE,
    _engine_for,
    current_user,
    datasets,
    engine,
    md,
)

ss = st.session_state
state: PlanState = plan_state()
CHARTS = ("By kind and year", "By region", "Benefit vs cost", "Binding rules")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=BY_CONTENT)
@st.cache_data(show_spinner=False)
def _demo() -> Scenario:
    """The shipped demo scenario (data/scenarios/demo.json), read once per process."""
    return load_scenario(DEMO_SCENARIO)


def _brief_pdf(doc: ScenarioDocument) -> bytes:
    from model.planning.pdf import brief_pdf  # fpdf2 and the chart converter: on demand

    return brief_pdf(doc)


def _reset() -> None:
    """Button callback: the demo's default inputs, no plan, no opened scenario."""
    put_inputs(default_inputs())
    state.forget_result()
    state.base, state.base_dataset, state.opened = None, None, None
    st.toast("Inputs reset to the defaults.", icon=":material/restart_alt:")


@st.cache_data(ttl=60, show_spinner=False)
def _candidate_set(url: str, dataset: str) -> tuple[tuple[Candidate, ...], tuple[Region, ...]]:
    eng = _engine_for(url)
    return (
        tuple(repository.fetch_candidates(eng, dataset)),
        tuple(repository.fetch_regions(eng, dataset)),
    )


@st.cache_data(ttl=60, show_spinner=False)
def _assessments(url: str) -> tuple[NetAssessment, ...]:
    return tuple(fetch_net_assessments(_engine_for(url)))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONTENT)
def _solve(scenario: Scenario, solver: str) -> AllocationResult:
    return allocate(scenario, solver)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def _sweep(scenario: Scenario, factors: tuple[float, ...], solver: str) -> list[SweepPoint]:
    return sweep_budget(scenario, list(factors), solver)


def _open_saved(scenario_id: int) -> None:
    """Load a saved scenario (the Scenarios page's hand-over) into the controls."""
    try:
        saved = get_scenario(engine(), scenario_id)
        sc, stored = saved.scenario, saved.result
    except ValueError as exc:
        st.error(f"Cannot open saved scenario {scenario_id}: {exc}")
        return
    state.base, state.base_dataset = sc, saved.dataset
    ss[DATASET_WIDGET_KEY] = saved.dataset
    put_inputs(inputs_from_scenario(sc))
    state.opened = OpenedScenario(saved.id, saved.name, saved.version)
    ss["plan_save_name"], ss["plan_save_notes"] = saved.name, saved.notes
    if stored is not None:
        state.keep_result(stored, sc)
    else:
        state.forget_result()


def _apply_relaxation(indices: list[int]) -> None:
    """Button callback: edit the inputs as the diagnosis proposes, then re-solve."""
    result, solved = state.result, state.scenario
    if result is None or solved is None:  # a stale button from a page whose plan was dropped
        return
    new = apply_all(solved, [result.relaxation[i] for i in indices])
    state.base, state.base_dataset = new, ss[DATASET_WIDGET_KEY]
    put_inputs(inputs_from_scenario(new))
    state.solve_now = True


def _run_solve(sc: Scenario) -> None:
    with st.status("Solving…", expanded=False) as status:
        st.write(f"{len(sc.candidates)} candidates over {sc.horizon_years} years")
        bar = st.progress(10, text=f"Building and solving with {sc.solver.solver.upper()}")
        result = _solve(sc, sc.solver.solver)
        bar.progress(100, text="Explained: shadow prices, unfunded reasons, greedy baseline")
        secs = result.seconds.get("total", 0.0)
        # An infeasible or failed solve must not show a check mark.
        ok = result.objective is not None
        status.update(
            label=f"Solved: {result.status.replace('_', ' ')} ({secs:.2f} s)"
            if ok
            else f"No feasible plan: {result.status.replace('_', ' ')} ({secs:.2f} s)",
            state="complete" if ok else "error",
        )
    state.keep_result(result, sc)


# --- page -----------------------------------------------------------------------------
st.title("Plan")
st.caption(
    "Choose the candidates, the money and the rules; the allocator finds the plan with the "
    "most benefit (or reach, jobs, or least cost) that keeps every rule, and explains it."
)
eng = engine()
url = db.database_url()
opened = take_scenario_to_open()
if opened is not None:
    _open_saved(opened)
if "plan_total" not in ss:
    put_inputs(default_inputs())
if state.opened is not None:
    st.info(
        f"Editing saved scenario '{state.opened.name}' (version {state.opened.version})",
        icon=":material/edit:",
    )

names = datasets(url)
handed = take_dataset_to_open()
if handed is not None and handed in names and handed != ss.get(DATASET_WIDGET_KEY):
    ss[DATASET_WIDGET_KEY] = handed
    clear_commitments()
base: Scenario | None = state.base
if base is not None and state.base_dataset is not None and state.base_dataset not in names:
    names = [*names, state.base_dataset]
if not names:
    st.info("No planning candidates yet: run `fomento db seed` or import them on the Data page.")
    st.stop()
dataset = st.selectbox(
    "Candidate set",
    names,
    format_func=lambda n: f"{n} (illustrative)" if n == "demo" else n,
    key=DATASET_WIDGET_KEY,
    on_change=clear_commitments,
    help="Planning datasets in the database; import your own on the Data page.",
)
if base is not None and state.base_dataset == dataset:
    cands, regions = base.candidates, base.regions
    st.caption(f"Using the {len(cands)} candidates saved with the scenario.")
else:
    base = None
    cands, regions = _candidate_set(url, dataset)
if dataset == "demo":
    st.warning(ILLUSTRATIVE_NOTE, icon=":material/science:")
if not cands:
    st.info(f"The dataset '{dataset}' has no candidates.")
    st.stop()

inputs: PlanInputs = controls(cands)
try:
    cands = net_fees(cands, _assessments(url))
    scenario = build_scenario(cands, regions, inputs, base)
except ValueError as exc:
    st.error(f"Fix the inputs: {exc}")
    st.stop()

b_solve, b_reset, _ = st.columns([1, 1.6, 5])
solve_clicked = b_solve.button(
    "Solve", type="primary", key="plan_solve", icon=":material/play_arrow:"
)
b_reset.button(
    "Reset to defaults",
    key="plan_reset",
    icon=":material/restart_alt:",
    on_click=_reset,
    help="Every input back to the demo defaults; the current plan is dropped (saved ones stay).",
)
if solve_clicked or state.solve_now:
    state.solve_now = False
    _run_solve(scenario)

result: AllocationResult | None = state.result
solved: Scenario | None = state.scenario
if result is None or solved is None:
    st.info("Set the budget and rules, then press **Solve**.")
    st.stop()
if solved != scenario:
    st.caption(":orange[The inputs changed since this plan was solved; press Solve to update.]")

# --- results -----------------------------------------------------------------------------
summary = summary_sentence(result, solved)
st.subheader("Result")
limit_note = budget_limit_note(result, solved)
if result.objective is None:
    st.error(md(summary), icon=":material/block:")
    if result.relaxation:
        st.markdown("**Rules to relax** (the smallest changes that make the plan feasible):")
        mine = [i for i, step in enumerate(result.relaxation) if step.applicable]
        for i, step in enumerate(result.relaxation):
            c1, c2 = st.columns([4, 1])
            if step.applicable:
                c1.markdown(md(f"- *{step.family}*: {step.sentence}"))
                c2.button(
                    "Apply this relaxation",
                    key=f"plan_relax_{i}",
                    on_click=_apply_relaxation,
                    args=([i],),
                )
            elif step.lever == "partners":
                # Only partners can make this happen: a request, not a button.
                c1.markdown(md(f"- *{step.family}*: **request to partners**: {step.sentence}"))
            else:
                why = step.why_not or "a candidate's own terms: change them on the Data page"
                c1.markdown(md(f"- *{step.family}*: {step.sentence} (not applied here: {why})"))
        if mine:
            st.button(
                "Apply the planner's changes and solve",
                key="plan_relax_all",
                on_click=_apply_relaxation,
                args=(mine,),
            )
    if result.relaxation_note:
        st.warning(md(result.relaxation_note), icon=":material/info:")
else:
    st.success(md(summary), icon=":material/check_circle:")
    if limit_note:
        st.warning(md(limit_note), icon=":material/account_balance_wallet:")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Public money allocated", numbers.money(result.total_public))
    m2.metric("Enterprises reached", numbers.count(result.outcomes.get("enterprises", 0)))
    m3.metric("Benefit", numbers.money(result.outcomes.get("benefit", 0)))
    m4.metric(
        "Benefit per public dollar", numbers.money(result.return_per_public_dollar, cents=True)
    )
    if result.greedy is not None:
        st.caption(md(result.greedy.sentence))
    dollars = dollar_sentences(result)
    if dollars:
        # Measured by re-solving on each side of every budget limit (issue 12).
        st.markdown("**What one more dollar buys**")
        st.markdown(md("\n".join(f"- {d}" for d in dollars)))
    if result.duals_note:
        st.caption(result.duals_note)

    rows = allocation_rows(result, solved)
    money = ["total", "benefit", *(f"year {t}" for t in range(1, 11))]
    table = pd.DataFrame(rows)
    # Whole US$ on screen (the Excel export keeps the cents).
    table = table.round({c: 0 for c in money if c in table.columns})
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="plan_allocation",
        column_config={
            "scale": st.column_config.ProgressColumn("Scale", format="percent", min_value=0.0),
            **{c: st.column_config.NumberColumn(c, format="localized") for c in money},
            "enterprises": st.column_config.NumberColumn(format="%.0f"),
            "jobs": st.column_config.NumberColumn(format="%.0f"),
        },
        placeholder=MISSING,
    )
    long = funding_long(result, solved)
    stem = f"fomento-plan-{dataset}"
    # One chart at a time: Vega charts drawn inside hidden tabs came out squashed.
    view = st.radio("Chart", list(CHARTS), horizontal=True, key="plan_chart")
    if view == "By kind and year":
        _charts.show(plan_charts.funding_by_year(long), f"{stem}-years", "plan_years")
    elif view == "By region":
        _charts.show(plan_charts.funding_by_region(long), f"{stem}-regions", "plan_regions")
    elif view == "Benefit vs cost":
        points = candidate_points(result, solved)
        _charts.show(plan_charts.benefit_vs_cost(points), f"{stem}-bubbles", "plan_bubbles")
    else:
        bind = binding_rules(result)
        if bind:
            _charts.show(plan_charts.binding_rules_chart(bind), f"{stem}-shadow", "plan_shadow")
        else:
            st.info("No rule with a price binds: the budget is not the limit.")
        st.caption(
            "A shadow price is what one more unit of a rule's limit (US\\$1 of budget, one "
            "network, one point of share) adds to the objective; see Methodology."
        )
    if result.unfunded:
        with st.expander(
            f"Why {len(result.unfunded)} candidates got nothing, and what it would take"
        ):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "candidate": u.candidate,
                            "reason": u.reason,
                            "return per public US$": u.return_per_public_dollar,
                            "return must rise": u.return_rise,
                            "or cost must fall": u.cost_fall,
                            "in words": u.sentence,
                        }
                        for u in result.unfunded
                    ]
                ),
                hide_index=True,
                width="stretch",
                key="plan_unfunded",
                column_config={
                    "return must rise": st.column_config.NumberColumn(format="percent"),
                    "or cost must fall": st.column_config.NumberColumn(format="percent"),
                    "in words": st.column_config.TextColumn(width="large"),
                },
                placeholder=MISSING,
            )

    # --- budget sweep ------------------------------------------------------------------------
    st.subheader("Budget sweep")
    st.caption(
        f"Re-solves this plan with every budget scaled from {SWEEP_FACTORS[0]:.0%} to "
        f"{SWEEP_FACTORS[-1]:.0%} ({len(SWEEP_FACTORS)} levels) and shows what each extra "
        "dollar buys."
    )
    if st.button("Run the budget sweep", key="plan_sweep_run", icon=":material/show_chart:"):
        with st.spinner("Re-solving at each budget level…"):
            try:
                levels = _sweep(solved, SWEEP_FACTORS, solved.solver.solver)
                avail = result.budget_available or 0.0
                state.sweep = sweep_curve(levels, avail, solved.objective.kind)
            except ValueError as exc:
                st.error(f"Cannot sweep: {exc}")
    curve = state.sweep
    if curve is not None:
        unit = numbers.unit_words(solved.objective.kind).capitalize()
        _charts.show(plan_charts.sweep(curve, unit), f"{stem}-sweep", "plan_sweep_chart")
        if curve.flattens_at is not None:
            st.write(
                f"The curve flattens from about **{md(numbers.money(curve.flattens_at))}**: "
                f"beyond it the marginal return falls {curve.rule}."
            )
        elif curve.rule:
            st.write(f"The curve does not flatten in this range ({curve.rule}).")
        st.dataframe(
            # Whole US$ and whole units on screen ("19,749,429.976" read as noise).
            pd.DataFrame([r.__dict__ for r in curve.rows]).round(
                {"budget": 0, "objective": 0, "spent": 0}
            ),
            hide_index=True,
            key="plan_sweep_table",
            column_config={
                "factor": st.column_config.NumberColumn(format="percent"),
                "budget": st.column_config.NumberColumn(format="localized"),
                "objective": st.column_config.NumberColumn(unit, format="localized"),
                "spent": st.column_config.NumberColumn(format="localized"),
                "marginal": st.column_config.NumberColumn("Marginal return", format="%.3f"),
            },
            placeholder=MISSING,
        )

# --- take it away -------------------------------------------------------------------------
# For every role, saved or not: a viewer's what-if is still worth sending.
st.subheader("Download this plan")
title = plan_title(solved, _demo() if state.opened is None else None)
doc = ScenarioDocument(
    name=str(ss.get("plan_save_name") or "").strip() or title,
    notes=str(ss.get("plan_save_notes") or ""),
    dataset=dataset,
    scenario=solved,
    result=result,
    solved_now=True,
)
d1, d2, _ = st.columns([1, 1, 3])
d1.download_button(
    "Excel workbook",
    lambda: workbook(doc),
    file_name=f"{file_stem(doc.name)}.xlsx",
    mime=XLSX_MIME,
    icon=":material/download:",
    on_click="ignore",
    key="plan_dl_xlsx",
    help="Summary, inputs, allocation, charts, totals, rules, unfunded, baseline, candidates.",
)
d2.download_button(
    "PDF brief",
    lambda: _brief_pdf(doc),
    file_name=f"{file_stem(doc.name)}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    key="plan_dl_pdf",
    help="The one-page brief with its charts, ready to file.",
)

# --- save ----------------------------------------------------------------------------------
st.subheader("Save scenario")
opened_meta = state.opened
with st.form("plan_save_form"):
    name = st.text_input("Name", key="plan_save_name", max_chars=200)
    notes = st.text_area("Notes", key="plan_save_notes", help="Why this scenario; for the reader.")
    b1, b2, _ = st.columns([1, 1, 3])
    save_new = b1.form_submit_button("Save as new", icon=":material/save:")
    save_changes = (
        b2.form_submit_button("Save changes", icon=":material/edit:") if opened_meta else False
    )
if save_new or save_changes:
    target = opened_meta if save_changes else None
    try:
        saved = save_scenario(
            eng,
            current_user(),
            solved.model_copy(update={"name": name.strip() or solved.name}),
            name=name,
            result=result,
            notes=notes,
            dataset=dataset,
            scenario_id=None if target is None else target.id,
            base_version=None if target is None else target.version,
        )
    except PermissionDenied as exc:
        st.error(f"Not saved: {exc}. Sign in as an analyst or admin; your inputs are kept.")
    except StaleScenario as exc:
        st.error(f"Not saved: {exc} Or use **Save as new** to keep your version.")
    except ValueError as exc:
        st.error(f"Not saved: {exc}")
    else:
        state.opened = OpenedScenario(saved.id, saved.name, saved.version)
        st.success(f"Saved '{saved.name}' (version {saved.version}).")
if state.opened is not None and st.button(
    "Show on the Scenarios page", key="plan_show_saved", icon=":material/list:"
):
    show_in_scenarios(state.opened.id)
