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
from model.allocator.api import SweepPoint, sweep_budget
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario, load_scenario
from model.domain.candidates import Candidate, Region
from model.formatting import numbers
from model.formatting.i18n import N_
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
    status_words,
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
from pages._i18n import _, keep_choice, ngettext, number_locale
from pages._plan_controls import clear_commitments, controls, net_fees, put_inputs
from pages._plan_solve import completed, solve_first
from pages._plan_state import OpenedScenario, PlanState, plan_state
from pages._shared import (
    BY_CONTENT,
    ILLUSTRATIVE_NOTE,
    _engine_for,
    current_user,
    datasets,
    engine,
    localized_table,
    md,
)

ss = st.session_state
state: PlanState = plan_state()
# The chart switch: a key per chart, its label read in the reader's language where shown.
CHARTS = {
    "years": N_("By kind and year"),
    "regions": N_("By region"),
    "bubbles": N_("Benefit vs cost"),
    "shadow": N_("Binding rules"),
}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    st.toast(_("Inputs reset to the defaults."), icon=":material/restart_alt:")


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


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_CONTENT)
def _sweep(
    scenario: Scenario, factors: tuple[float, ...], solver: str, lang: str
) -> list[SweepPoint]:
    return sweep_budget(scenario, list(factors), solver)


def _open_saved(scenario_id: int) -> None:
    """Load a saved scenario (the Scenarios page's hand-over) into the controls."""
    try:
        saved = get_scenario(engine(), scenario_id)
        sc, stored = saved.scenario, saved.result
    except ValueError as exc:
        st.error(_("Cannot open saved scenario {id}: {error}").format(id=scenario_id, error=exc))
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
    lang = number_locale()
    with st.status(_("Solving…"), expanded=False) as status:
        n = len(sc.candidates)
        st.write(
            ngettext(
                "{n} candidates over {years} years", "{n} candidates over {years} years", n
            ).format(n=numbers.count(n), years=numbers.count(sc.horizon_years))
        )
        bar = st.progress(
            10,
            text=_("Building and solving with {solver}").format(solver=sc.solver.solver.upper()),
        )
        result = solve_first(sc, sc.solver.solver, lang)
        bar.progress(
            100,
            text=_(
                "Explained: shadow prices and greedy baseline; the unfunded reasons when opened"
            ),
        )
        secs = numbers.number(result.seconds.get("total", 0.0), 2)
        # An infeasible or failed solve must not show a check mark.
        ok = result.objective is not None
        how = status_words(result.status)
        status.update(
            label=_("Solved: {status} ({seconds} s)").format(status=how, seconds=secs)
            if ok
            # "infeasible" says no more than "no feasible plan": the status only when it adds.
            else _("No feasible plan ({seconds} s)").format(seconds=secs)
            if result.status == "infeasible"
            else _("No feasible plan: {status} ({seconds} s)").format(status=how, seconds=secs),
            state="complete" if ok else "error",
        )
    state.keep_result(result, sc, lang)


# --- page -----------------------------------------------------------------------------
st.title(_("Plan"))
st.caption(
    _(
        "Choose the candidates, the money and the rules; the allocator finds the plan with "
        "the most benefit (or reach, jobs, or least cost) that keeps every rule, and "
        "explains it."
    )
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
        _("Editing saved scenario '{name}' (version {version})").format(
            name=state.opened.name, version=state.opened.version
        ),
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
    st.info(_("No planning candidates yet: run `fomento db seed` or import them on the Data page."))
    st.stop()
# Labels are read in the reader's language now, while this run has it active: a format_func
# may be called later from elsewhere (AppTest calls it from the test's own thread).
illustrative = _("{name} (illustrative)")
shown_as = {n: illustrative.format(name=n) if n == "demo" else n for n in names}
keep_choice(DATASET_WIDGET_KEY, shown_as)
dataset = st.selectbox(
    _("Candidate set"),
    names,
    format_func=shown_as.__getitem__,
    key=DATASET_WIDGET_KEY,
    on_change=clear_commitments,
    help=_("Planning datasets in the database; import your own on the Data page."),
)
state.dataset = dataset
if base is not None and state.base_dataset == dataset:
    cands, regions = base.candidates, base.regions
    st.caption(
        ngettext(
            "Using the {n} candidates saved with the scenario.",
            "Using the {n} candidates saved with the scenario.",
            len(cands),
        ).format(n=numbers.count(len(cands)))
    )
else:
    base = None
    cands, regions = _candidate_set(url, dataset)
if dataset == "demo":
    st.warning(_(ILLUSTRATIVE_NOTE), icon=":material/science:")
if not cands:
    st.info(_("The dataset '{name}' has no candidates.").format(name=dataset))
    st.stop()

inputs: PlanInputs = controls(cands)
try:
    cands = net_fees(cands, _assessments(url))
    scenario = build_scenario(cands, regions, inputs, base)
except ValueError as exc:
    st.error(_("Fix the inputs: {error}").format(error=exc))
    st.stop()

# Room for the longer labels of other languages ("Restablecer valores predeterminados").
b_solve, b_reset, _gap = st.columns([1, 2.4, 4.2])
solve_clicked = b_solve.button(
    _("Solve"), type="primary", key="plan_solve", icon=":material/play_arrow:"
)
b_reset.button(
    _("Reset to defaults"),
    key="plan_reset",
    icon=":material/restart_alt:",
    on_click=_reset,
    help=_("Every input back to the demo defaults; the current plan is dropped (saved ones stay)."),
)
lang = number_locale()
if solve_clicked or state.solve_now:
    state.solve_now = False
    _run_solve(scenario)

sc_now = state.scenario
if state.result is not None and sc_now is not None and state.solved_lang not in ("", lang):
    # The reader switched language: the same plan, its sentences in the new language (a
    # reopened saved result keeps the words it was saved with: solved_lang is "").
    state.keep_result(solve_first(sc_now, sc_now.solver.solver, lang), sc_now, lang)
result: AllocationResult | None = state.result
solved: Scenario | None = state.scenario
if result is None or solved is None:
    st.info(_("Set the budget and rules, then press **Solve**."))
    st.stop()
if solved != scenario:
    st.caption(
        ":orange["
        + _("The inputs changed since this plan was solved; press Solve to update.")
        + "]"
    )

# --- results -----------------------------------------------------------------------------
summary = summary_sentence(result, solved)
st.subheader(_("Result"))
limit_note = budget_limit_note(result, solved)
if result.objective is None:
    st.error(md(summary), icon=":material/block:")
    if result.relaxation:
        st.markdown(_("**Rules to relax** (the smallest changes that make the plan feasible):"))
        mine = [i for i, step in enumerate(result.relaxation) if step.applicable]
        for i, step in enumerate(result.relaxation):
            c1, c2 = st.columns([4, 1])
            if step.applicable:
                c1.markdown(md(f"- *{_(step.family)}*: {step.sentence}"))
                c2.button(
                    _("Apply this relaxation"),
                    key=f"plan_relax_{i}",
                    on_click=_apply_relaxation,
                    args=([i],),
                )
            elif step.lever == "partners":
                # Only partners can make this happen: a request, not a button.
                c1.markdown(
                    md(
                        _("- *{family}*: **request to partners**: {sentence}").format(
                            family=_(step.family), sentence=step.sentence
                        )
                    )
                )
            else:
                why = step.why_not or _("a candidate's own terms: change them on the Data page")
                c1.markdown(
                    md(
                        _("- *{family}*: {sentence} (not applied here: {why})").format(
                            family=_(step.family), sentence=step.sentence, why=why
                        )
                    )
                )
        if mine:
            st.button(
                # "the planner's changes" was unclear: the steps you can apply yourself.
                _("Apply every change you can make and solve again"),
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
    loc = number_locale()
    m1.metric(_("Public money allocated"), numbers.money(result.total_public, locale=loc))
    m2.metric(
        _("Enterprises reached"),
        numbers.count(result.outcomes.get("enterprises", 0), locale=loc),
    )
    m3.metric(_("Benefit"), numbers.money(result.outcomes.get("benefit", 0), locale=loc))
    m4.metric(
        _("Benefit per public dollar"),
        numbers.money(result.return_per_public_dollar, cents=True, locale=loc),
    )
    if result.greedy is not None:
        st.caption(md(result.greedy.sentence))
    dollars = dollar_sentences(result)
    if dollars:
        # Measured by re-solving on each side of every budget limit (issue 12).
        st.markdown(_("**What one more dollar buys**"))
        st.markdown(md("\n".join(f"- {d}" for d in dollars)))
    if result.duals_note:
        st.caption(result.duals_note)

    rows = allocation_rows(result, solved)
    # The table keeps its column keys (tests and the export read them); the headings a
    # person reads are the column_config labels, in the reader's language.
    years = {f"year {t}": _("year {n}").format(n=t) for t in range(1, 11)}
    money = {"total": _("total"), "benefit": _("benefit"), **years}
    table = pd.DataFrame(rows)
    # Whole US$ on screen (the Excel export keeps the cents).
    table = table.round({c: 0 for c in money if c in table.columns})
    # Figures in the reader's number locale (the sidebar's), not the browser's.
    shown, config = localized_table(
        table,
        {**dict.fromkeys(money, "whole"), "enterprises": "whole", "jobs": "whole"},
        {
            "candidate": st.column_config.Column(_("candidate")),
            "name": st.column_config.Column(_("name")),
            "kind": st.column_config.Column(_("kind")),
            "region": st.column_config.Column(_("region")),
            "scale": st.column_config.ProgressColumn(_("Scale"), format="percent", min_value=0.0),
            **{
                c: st.column_config.NumberColumn(label, format="localized")
                for c, label in money.items()
            },
            "enterprises": st.column_config.NumberColumn(_("enterprises"), format="%.0f"),
            "jobs": st.column_config.NumberColumn(_("jobs"), format="%.0f"),
        },
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="plan_allocation",
        column_config=config,
        placeholder=MISSING,
    )
    long = funding_long(result, solved)
    stem = f"fomento-plan-{dataset}"
    # One chart at a time: Vega charts drawn inside hidden tabs came out squashed.
    chart_labels = {k: _(v) for k, v in CHARTS.items()}
    keep_choice("plan_chart", chart_labels)
    view = st.radio(
        _("Chart"),
        list(CHARTS),
        format_func=chart_labels.__getitem__,
        horizontal=True,
        key="plan_chart",
    )
    if view == "years":
        _charts.show(plan_charts.funding_by_year(long), f"{stem}-years", "plan_years")
    elif view == "regions":
        _charts.show(plan_charts.funding_by_region(long), f"{stem}-regions", "plan_regions")
    elif view == "bubbles":
        points = candidate_points(result, solved)
        _charts.show(plan_charts.benefit_vs_cost(points), f"{stem}-bubbles", "plan_bubbles")
    else:
        bind = binding_rules(result)
        if bind:
            _charts.show(plan_charts.binding_rules_chart(bind), f"{stem}-shadow", "plan_shadow")
        else:
            st.info(_("No rule with a price binds: the budget is not the limit."))
        st.caption(
            _(
                "A shadow price is what one more unit of a rule's limit (US\\$1 of budget, one "
                "network, one point of share) adds to the objective; see Methodology."
            )
        )
    n_unfunded = len(result.unfunded_ids)
    # Written when opened (a lazy expander reruns the page): the reports re-solve the plan
    # with each near-miss candidate forced in, the costliest part of a solve (issue 16).
    # Streamlit names the expander by its label, which holds the count and the language:
    # it starts as the reader last left it (open stays open after a new solve or a switch).
    why_unfunded = (
        st.expander(
            ngettext(
                "Why {n} candidates got nothing, and what it would take",
                "Why {n} candidates got nothing, and what it would take",
                n_unfunded,
            ).format(n=numbers.count(n_unfunded)),
            expanded=bool(ss.get("plan_unfunded_open", False)),
            key="plan_unfunded_open",
            on_change="rerun",
        )
        if n_unfunded
        else None
    )
    if why_unfunded is not None:
        with why_unfunded:
            if why_unfunded.open:
                with st.spinner(_("Re-solving with each near-miss candidate forced in…")):
                    reports = completed(result, solved, lang).unfunded or ()
                unfunded, unfunded_config = localized_table(
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
                            for u in reports
                        ]
                    ),
                    {
                        "return per public US$": "cents",
                        "return must rise": "share",
                        "or cost must fall": "share",
                    },
                    {
                        "candidate": st.column_config.Column(_("candidate")),
                        "reason": st.column_config.Column(_("reason")),
                        # US$ per US$ with cents ("3.0004" read as noise).
                        "return per public US$": st.column_config.NumberColumn(
                            _("return per public US$"), format="%.2f"
                        ),
                        "return must rise": st.column_config.NumberColumn(
                            _("return must rise"), format="percent"
                        ),
                        "or cost must fall": st.column_config.NumberColumn(
                            _("or cost must fall"), format="percent"
                        ),
                        "in words": st.column_config.TextColumn(_("in words"), width="large"),
                    },
                )
                st.dataframe(
                    unfunded,
                    hide_index=True,
                    width="stretch",
                    key="plan_unfunded",
                    column_config=unfunded_config,
                    placeholder=MISSING,
                )

    # --- budget sweep ------------------------------------------------------------------------
    st.subheader(_("Budget sweep"))
    st.caption(
        _(
            "Re-solves this plan with every budget scaled from {low} to {high} ({n} levels) "
            "and shows what each extra dollar buys."
        ).format(
            low=numbers.share(SWEEP_FACTORS[0], locale=loc),
            high=numbers.share(SWEEP_FACTORS[-1], locale=loc),
            n=numbers.count(len(SWEEP_FACTORS), locale=loc),
        )
    )
    if st.button(_("Run the budget sweep"), key="plan_sweep_run", icon=":material/show_chart:"):
        with st.spinner(_("Re-solving at each budget level…")):
            try:
                levels = _sweep(solved, SWEEP_FACTORS, solved.solver.solver, loc)
                avail = result.budget_available or 0.0
                state.sweep = sweep_curve(levels, avail, solved.objective.kind)
            except ValueError as exc:
                st.error(_("Cannot sweep: {error}").format(error=exc))
    curve = state.sweep
    if curve is not None:
        unit = numbers.unit_words(solved.objective.kind)  # the chart raises its 1st letter
        _charts.show(plan_charts.sweep(curve, unit), f"{stem}-sweep", "plan_sweep_chart")
        if curve.flattens_at is not None:
            st.write(
                _(
                    "The curve flattens from about **{amount}**: beyond it the marginal "
                    "return falls {rule}."
                ).format(amount=md(numbers.money(curve.flattens_at, locale=loc)), rule=curve.rule)
            )
        elif curve.rule:
            st.write(
                _("The curve does not flatten in this range ({rule}).").format(rule=curve.rule)
            )
        # Whole US$ and whole units on screen ("19,749,429.976" read as noise); the
        # solver's status in words.
        sweep_table = pd.DataFrame([r.__dict__ for r in curve.rows]).round(
            {"budget": 0, "objective": 0, "spent": 0}
        )
        sweep_table["status"] = sweep_table["status"].map(status_words)
        sweep_shown, sweep_config = localized_table(
            sweep_table,
            {
                "factor": "share",
                "budget": "whole",
                "objective": "whole",
                "spent": "whole",
                "marginal": "cents",
            },
            {
                "factor": st.column_config.NumberColumn(_("factor"), format="percent"),
                "budget": st.column_config.NumberColumn(_("budget"), format="localized"),
                "status": st.column_config.Column(_("status")),
                "objective": st.column_config.NumberColumn(unit, format="localized"),
                "spent": st.column_config.NumberColumn(_("spent"), format="localized"),
                "marginal": st.column_config.NumberColumn(_("Marginal return"), format="%.3f"),
            },
        )
        st.dataframe(
            sweep_shown,
            hide_index=True,
            key="plan_sweep_table",
            column_config=sweep_config,
            placeholder=MISSING,
        )

# --- take it away -------------------------------------------------------------------------
# For every role, saved or not: a viewer's what-if is still worth sending.
st.subheader(_("Download this plan"))
title = plan_title(solved, _demo() if state.opened is None else None)
doc = ScenarioDocument(
    name=str(ss.get("plan_save_name") or "").strip() or title,
    notes=str(ss.get("plan_save_notes") or ""),
    dataset=dataset,
    scenario=solved,
    result=result,
    solved_now=True,
)
d1, d2, _gap = st.columns([1, 1, 3])
d1.download_button(
    _("Excel workbook"),
    lambda: workbook(doc),
    file_name=f"{file_stem(doc.name)}.xlsx",
    mime=XLSX_MIME,
    icon=":material/download:",
    on_click="ignore",
    key="plan_dl_xlsx",
    help=_("Summary, inputs, allocation, charts, totals, rules, unfunded, baseline, candidates."),
)
d2.download_button(
    _("PDF brief"),
    lambda: _brief_pdf(doc),
    file_name=f"{file_stem(doc.name)}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    key="plan_dl_pdf",
    help=_("The one-page brief with its charts, ready to file."),
)

# --- save ----------------------------------------------------------------------------------
st.subheader(_("Save scenario"))
opened_meta = state.opened
with st.form("plan_save_form"):
    name = st.text_input(_("Name"), key="plan_save_name", max_chars=200)
    notes = st.text_area(
        _("Notes"), key="plan_save_notes", help=_("Why this scenario; for the reader.")
    )
    b1, b2, _gap = st.columns([1.4, 1.4, 2.2])
    save_new = b1.form_submit_button(_("Save as new"), icon=":material/save:")
    save_changes = (
        b2.form_submit_button(_("Save changes"), icon=":material/edit:") if opened_meta else False
    )
if save_new or save_changes:
    target = opened_meta if save_changes else None
    try:
        saved = save_scenario(
            eng,
            current_user(),
            solved.model_copy(update={"name": name.strip() or solved.name}),
            name=name,
            result=completed(result, solved, lang),
            notes=notes,
            dataset=dataset,
            scenario_id=None if target is None else target.id,
            base_version=None if target is None else target.version,
        )
    except PermissionDenied as exc:
        st.error(
            _("Not saved: {error}. Sign in as an analyst or admin; your inputs are kept.").format(
                error=exc
            )
        )
    except StaleScenario as exc:
        st.error(
            _("Not saved: {error} Or use **Save as new** to keep your version.").format(error=exc)
        )
    except ValueError as exc:
        st.error(_("Not saved: {error}").format(error=exc))
    else:
        state.opened = OpenedScenario(saved.id, saved.name, saved.version)
        st.success(
            _("Saved '{name}' (version {version}).").format(name=saved.name, version=saved.version)
        )
if state.opened is not None and st.button(
    _("Show on the Scenarios page"), key="plan_show_saved", icon=":material/list:"
):
    show_in_scenarios(state.opened.id)
