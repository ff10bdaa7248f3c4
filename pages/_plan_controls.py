"""The Plan page's controls: one widget per setting, all keyed ``plan_*`` (UI side).

The lock (rule b's locked amounts and "new money on top") is not a widget: it lives in the
page's ``PlanState`` with the rest of what the page keeps between reruns.

``put_inputs`` writes a ``PlanInputs`` into the widgets' session state (defaults, a
reopened scenario, an applied relaxation); ``controls`` draws the widgets and reads
them back as ``PlanInputs``. Shares are shown in percent and stored 0-1 in the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import streamlit as st

from model.allocator.scenario import MEASURES, SOLVERS, ObjectiveKind
from model.domain.candidates import KIND_LABELS, KINDS, Candidate
from model.formatting import numbers
from model.formatting.i18n import N_, Labels
from model.planning.inputs import PerYearMode, PlanInputs, locked_from_funding, with_net_fees
from model.planning.workbook import OBJECTIVE_WORDS
from model.screening.net import NetAssessment, latest
from pages._handover import DATASET_WIDGET_KEY
from pages._i18n import _, keep_choice, ngettext, read_back
from pages._plan_state import plan_state

OBJECTIVES = OBJECTIVE_WORDS  # one wording of the objectives: page, workbook and brief
YEAR_MODES = Labels(
    {
        "equal": N_("Equal share of the total each year"),
        "custom": N_("Set each year"),
        "none": N_("No yearly limit"),
    }
)
# The objective's measures in words (the keys are the scenario's measure names).
MEASURE_WORDS = Labels(
    {"benefit": N_("benefit"), "enterprises": N_("enterprises"), "jobs": N_("jobs")}
)
BUDGET_STEP = 250_000.0
DEFAULT_WEIGHTS = {"benefit": 1.0, "enterprises": 0.0, "jobs": 0.0}
RULE_KEYS = {
    "budget_on": "plan_on_budget",
    "limits_on": "plan_on_limits",
    "band_on": "plan_on_band",
    "recovery_on": "plan_on_recovery",
    "grants_on": "plan_on_grants",
    "capacity_on": "plan_on_capacity",
    "mix_on": "plan_on_mix",
}


def _pct(v: float) -> int:
    return round(100 * v)


def put_inputs(inputs: PlanInputs) -> None:
    """Set every control's session state to ``inputs``."""
    ss = st.session_state
    h = inputs.horizon
    total = inputs.total_budget
    ss["plan_total"] = float(total if total is not None else sum(inputs.per_year))
    ss["plan_horizon"] = h
    ss["plan_year_mode"] = inputs.per_year_mode
    for t, v in enumerate(inputs.per_year, start=1):
        ss[f"plan_year_{t}"] = float(v)
    ss["plan_carry"] = inputs.carry_over
    for field, key in RULE_KEYS.items():
        ss[key] = getattr(inputs, field)
    ss["plan_committed"] = list(inputs.committed)
    ss["plan_go_no_go"] = list(inputs.go_no_go)
    ss["plan_min_viable"] = _pct(inputs.min_viable_scale)
    state = plan_state()
    state.locked, state.on_top = inputs.locked, inputs.budget_on_top
    ss["plan_lock"] = bool(inputs.locked)
    avg = inputs.max_average_public_share
    ss["plan_avg_on"] = avg is not None
    ss["plan_avg_share"] = _pct(avg) if avg is not None else 60
    ss["plan_min_fee"] = float(inputs.min_fee_revenue)
    ss["plan_networks"] = float(inputs.existing_networks)
    ss["plan_lagging"] = _pct(inputs.lagging_min_share)
    shares = {k: (lo, hi) for k, lo, hi in inputs.kind_shares}
    for k in KINDS:
        lo, hi = shares.get(k, (0.0, 1.0))
        ss[f"plan_kind_{k}"] = (_pct(lo), _pct(hi))
    ss["plan_objective"] = inputs.objective
    weights = dict(inputs.weights) or DEFAULT_WEIGHTS
    targets = dict(inputs.targets)
    for m in MEASURES:
        ss[f"plan_w_{m}"] = float(weights.get(m, 0.0))
        ss[f"plan_t_{m}"] = float(targets.get(m, 0.0))
    ss["plan_dr"] = inputs.diminishing_returns
    ss["plan_solver"] = inputs.solver
    ss["plan_name"] = inputs.name
    ss["plan_price_year"] = inputs.price_year


def clear_commitments() -> None:
    """Dataset changed: commitments and locks name the old set's candidates.

    Not when the set is the one the controls were drawn for. After a language switch the
    browser sends the set's name as shown in the earlier language ("demo (illustrative)"),
    which Streamlit reports as a change to a set of that name: it is read back to the set
    it names (``keep_choice``), and dropping the plan on the reader's next click is avoided."""
    ss = st.session_state
    state = plan_state()
    raw = ss.get(DATASET_WIDGET_KEY)
    name = read_back(DATASET_WIDGET_KEY, raw)
    if name != raw:
        ss[DATASET_WIDGET_KEY] = name
    if state.dataset is not None and name == state.dataset:
        return
    ss["plan_committed"], ss["plan_go_no_go"] = [], []
    ss["plan_net_brokers"] = []
    ss["plan_lock"] = False
    state.locked, state.on_top = (), False
    state.forget_result()


def _on_lock() -> None:
    ss = st.session_state
    state = plan_state()
    if not ss["plan_lock"]:
        state.locked, state.on_top = (), False
        return
    locked = locked_from_funding(state.result.funding) if state.result is not None else ()
    if not locked:
        ss["plan_lock"] = False
        state.lock_msg = _("Solve (or reopen a saved scenario) first: nothing is funded yet.")
        return
    state.locked, state.on_top = locked, True


def _budget(c: Any) -> None:
    state = plan_state()
    locked = sum(lk.amount for lk in state.locked)
    on_top = state.on_top and locked > 0
    c.number_input(
        _("New money on top of {amount} locked (US$)").format(amount=numbers.money(locked))
        if on_top
        else _("Total budget (US$)"),
        min_value=0.0,
        step=BUDGET_STEP,
        format="%.0f",
        key="plan_total",
        help=_(
            "Public money over the whole horizon. The domain brief's question is US$5 M over "
            "4 years; MIF projects ranged from US$150,000 to over US$1.5 M (004 section 2.1)."
        ),
    )
    # A number input cannot group digits (sprintf.js formats): the amount, readable, below it.
    c.caption(numbers.money(st.session_state.get("plan_total")))


def controls(cands: Sequence[Candidate]) -> PlanInputs:
    """Draw every control and return what they say."""
    ss = st.session_state
    ids = [c.id for c in cands]
    label = {c.id: f"{c.id}: {c.name}" for c in cands}
    for key in ("plan_committed", "plan_go_no_go"):
        ss[key] = [c for c in ss.get(key, []) if c in label]
    c1, c2, c3, c4 = st.columns([2, 1, 2, 1])
    _budget(c1)
    h = int(c2.number_input(_("Horizon (years)"), 1, 10, step=1, key="plan_horizon"))
    # Labels read now, in this run's language (a format_func may be called from elsewhere:
    # AppTest calls it from the test's thread, where no language is active).
    objective_names = dict(OBJECTIVES)
    keep_choice("plan_objective", objective_names)
    objective = c3.selectbox(
        _("Objective"),
        list(OBJECTIVES),
        format_func=objective_names.__getitem__,
        key="plan_objective",
        help=_(
            "What the plan maximises (or, for least cost, minimises subject to the targets "
            "under Objective options)."
        ),
    )
    solver = c4.selectbox(
        _("Solver"),
        list(SOLVERS),
        format_func=str.upper,
        key="plan_solver",
        help=_("HiGHS (default) or CBC; both give the same optimum and shadow prices."),
    )

    with st.expander(_("a. Budgets: total and per year")):
        st.toggle(_("Enabled"), key="plan_on_budget", help=_("Off: no budget limit at all."))
        year_modes = dict(YEAR_MODES)
        keep_choice("plan_year_mode", year_modes)
        mode = st.radio(
            _("Per-year budget"),
            list(YEAR_MODES),
            format_func=year_modes.__getitem__,
            key="plan_year_mode",
            horizontal=True,
            help=_(
                "Donor programmes are phased: Honduras ~US$680,000 over 5 years, Nicaragua "
                "phase 2 US$1.3 M over three years (002 Honduras, Nicaragua)."
            ),
        )
        per_year: list[float] = []
        if mode == "custom":
            year_cols = st.columns(min(h, 5))
            for t in range(1, h + 1):
                key = f"plan_year_{t}"
                ss.setdefault(key, float(ss["plan_total"]) / h)
                per_year.append(
                    year_cols[(t - 1) % len(year_cols)].number_input(
                        _("Year {n} (US$)").format(n=t),
                        min_value=0.0,
                        step=50_000.0,
                        format="%.0f",
                        key=key,
                    )
                )
                year_cols[(t - 1) % len(year_cols)].caption(numbers.money(ss[key]))
        st.toggle(_("Carry unspent money to the next year"), key="plan_carry")

    with st.expander(_("b. Candidate limits and commitments")):
        st.toggle(_("Enabled"), key="plan_on_limits")
        st.multiselect(
            _("Committed candidates (funded at full scale)"),
            ids,
            format_func=label.__getitem__,
            key="plan_committed",
            help=_(
                "Rule b, candidate limits: these must reach full scale, e.g. networks "
                "already promised support."
            ),
            placeholder=_("Choose options"),
        )
        state = plan_state()
        msg, state.lock_msg = state.lock_msg, None
        if msg:
            st.warning(msg)
        st.toggle(
            _("Lock current spending and optimise only new money"),
            key="plan_lock",
            on_change=_on_lock,
            help=_(
                "Fixes every amount of the last solved (or reopened) plan, candidate by "
                "candidate and year by year (rule b, candidate limits), and adds the budget "
                "above on top of those amounts as new money; the optimiser places only the "
                "new money."
            ),
        )
        if state.locked:
            n = len({lk.candidate for lk in state.locked})
            st.caption(
                ngettext(
                    "{amounts} amounts of {n} candidates are locked.",
                    "{amounts} amounts of {n} candidates are locked.",
                    n,
                ).format(amounts=numbers.count(len(state.locked)), n=numbers.count(n))
            )
        st.multiselect(
            _("Go/no-go candidates (funded at their minimum viable size or not at all)"),
            ids,
            format_func=label.__getitem__,
            key="plan_go_no_go",
            help=_(
                "Makes the model a MILP. MIF projects start at about US$150,000 (004 "
                "section 2.1): below some size a project is not worth running."
            ),
            placeholder=_("Choose options"),
        )
        st.slider(_("Minimum viable scale (%)"), 0, 100, step=5, key="plan_min_viable")

    with st.expander(_("c. Subsidy band: public share of each candidate's cost")):
        st.toggle(_("Enabled"), key="plan_on_band")
        st.caption(
            _(
                "Each candidate's public share stays between its floor and ceiling (candidate "
                "data). Ludhiana: UNIDO 20 %, private sector 74 %, others 6 % (003 Ludhiana "
                "box); Mexico PII: one third each (002 Mexico)."
            )
        )
        avg_on = st.toggle(_("Cap the average public share of the portfolio"), key="plan_avg_on")
        st.slider(
            _("Average public share at most (%)"),
            0,
            100,
            step=5,
            key="plan_avg_share",
            disabled=not avg_on,
            help=_(
                "Full self-financing is neither realistic nor wanted, but dependency is "
                "a risk (000 para 65; 002 Honduras, CERTEC)."
            ),
        )

    with st.expander(_("d. Cost recovery: broker fees")):
        st.toggle(_("Enabled"), key="plan_on_recovery")
        st.number_input(
            _("Minimum fee revenue over the horizon (US$)"),
            min_value=0.0,
            step=10_000.0,
            format="%.0f",
            key="plan_min_fee",
            help=_(
                "Brokers' subsidy is at most (1 - fee share) x cost. EMASIM paid no fees for "
                "3 years, then 20 %, then over 40 % (002 Box 1); CERTEC covered over 50 % of "
                "its annual cost with US$60,000 of revenue (002 Honduras)."
            ),
        )

    with st.expander(_("e. Matching grants")):
        st.toggle(
            _("Enabled"),
            key="plan_on_grants",
            help=_(
                "Grant <= match ratio x partner match and <= cap; only proposals that passed "
                "screening (at least three entities incl. enterprises and knowledge "
                "institutions, 004 section V)."
            ),
        )

    with st.expander(_("f. Broker capacity")):
        st.toggle(_("Enabled"), key="plan_on_capacity")
        st.number_input(
            _("Networks existing brokers can already serve"),
            min_value=0.0,
            step=1.0,
            format="%.0f",
            key="plan_networks",
            help=_(
                "Networks needing a broker <= this + networks served by funded broker "
                "programmes. CERTEC trained 71 brokers who organised 59 networks/clusters "
                "with 1,200 enterprises (002 Honduras)."
            ),
        )

    with st.expander(_("g. Policy mix: instruments and lagging regions")):
        st.toggle(_("Enabled"), key="plan_on_mix")
        st.slider(
            _("Lagging regions' floor (% of public funding)"),
            0,
            100,
            step=5,
            key="plan_lagging",
            help=_(
                "Territorial equity: the MIF cluster works on territorial competitiveness "
                "(004 section V); the demo asks for at least 30 %."
            ),
        )
        for k in KINDS:
            st.slider(
                _("{instrument}: share of public funding (%)").format(instrument=_(KIND_LABELS[k])),
                0,
                100,
                step=5,
                key=f"plan_kind_{k}",
                help=_("Keeps the mix balanced; the demo caps each instrument at 60 %."),
            )

    with st.expander(_("Objective options: weights, targets, diminishing returns")):
        cols = st.columns(3)
        for i, m in enumerate(MEASURES):
            words = MEASURE_WORDS.get(m, m)
            cols[i].number_input(
                _("Weight per unit of {measure}").format(measure=words),
                min_value=0.0,
                format="%g",
                key=f"plan_w_{m}",
                disabled=objective != "weighted",
                help=_("For the weighted objective, e.g. 1 per US$ of benefit, 5,000 per job."),
            )
            cols[i].number_input(
                _("Target: at least this many {measure} (0 = none)").format(measure=words),
                min_value=0.0,
                format="%g",
                key=f"plan_t_{m}",
                help=_("Least totals the plan must reach; needed for least cost."),
            )
        st.toggle(
            _("Diminishing returns (the first third of each candidate's scale pays most)"),
            key="plan_dr",
        )

    kind_shares = []
    for k in KINDS:
        lo, hi = ss[f"plan_kind_{k}"]
        if (lo, hi) != (0, 100):  # the full range is no rule at all
            kind_shares.append((k, lo / 100, hi / 100))
    return PlanInputs(
        total_budget=float(ss["plan_total"]),
        horizon=h,
        per_year_mode=cast(PerYearMode, mode),
        per_year=tuple(per_year),
        carry_over=bool(ss["plan_carry"]),
        committed=tuple(ss["plan_committed"]),
        go_no_go=tuple(ss["plan_go_no_go"]),
        min_viable_scale=ss["plan_min_viable"] / 100,
        locked=plan_state().locked,
        budget_on_top=plan_state().on_top,
        max_average_public_share=ss["plan_avg_share"] / 100 if avg_on else None,
        min_fee_revenue=float(ss["plan_min_fee"]),
        existing_networks=float(ss["plan_networks"]),
        lagging_min_share=ss["plan_lagging"] / 100,
        kind_shares=tuple(kind_shares),
        objective=cast(ObjectiveKind, objective),
        weights=tuple((m, float(ss[f"plan_w_{m}"])) for m in MEASURES),
        targets=tuple((m, float(ss[f"plan_t_{m}"])) for m in MEASURES),
        diminishing_returns=bool(ss["plan_dr"]),
        solver=solver,
        name=str(ss.get("plan_name", "Planner scenario")),
        price_year=int(ss.get("plan_price_year", 2024)),
        **{field: bool(ss[key]) for field, key in RULE_KEYS.items()},
    )


def net_fees(
    cands: Sequence[Candidate], assessments: Sequence[NetAssessment]
) -> tuple[Candidate, ...]:
    """Offer to take broker programmes' fee schedules from a network's NET stage (the
    Networks page's assessments) and return the candidates the plan then uses."""
    ss = st.session_state
    brokers = {c.id: f"{c.id}: {c.name}" for c in cands if c.kind == "broker_programme"}
    if not brokers:
        return tuple(cands)
    ss["plan_net_brokers"] = [c for c in ss.get("plan_net_brokers", []) if c in brokers]
    last = latest(assessments)
    with st.expander(_("d2. Broker fees from a network's NET stage")):
        if not last:
            st.caption(_("No NET assessments yet: import them on the Networks page."))
            return tuple(cands)
        stage = {n: a.stage or _("before promotion") for n, a in last.items()}
        network_words = {
            n: _("{id}: {name} (stage: {stage})").format(
                id=n, name=last[n].network_name, stage=stage[n]
            )
            for n in last
        }
        keep_choice("plan_net_network", network_words)
        network = st.selectbox(
            _("Network"),
            sorted(last),
            format_func=network_words.__getitem__,
            key="plan_net_network",
            help=_(
                "The network's latest NET assessment sets the fee share its clients pay "
                "(EMASIM: no fees for 3 years, then 20 %, then over 40 %; 002 Box 1)."
            ),
        )
        chosen = st.multiselect(
            _("Broker programmes that serve this network"),
            list(brokers),
            format_func=brokers.__getitem__,
            key="plan_net_brokers",
            help=_(
                "Their fee schedule (candidate data) is replaced, for this plan only, by "
                "the stage's fee share in every year; the cost-recovery rule then uses it."
            ),
            placeholder=_("Choose options"),
        )
        if not chosen:
            return tuple(cands)
        out = with_net_fees(cands, assessments, str(network), chosen)
        fees = next(c.fee_schedule for c in out if c.id == chosen[0])
        st.caption(
            ngettext(
                "{n} broker programme takes fee share {share} a year from {network}'s "
                "stage '{stage}'.",
                "{n} broker programmes take fee share {share} a year from {network}'s "
                "stage '{stage}'.",
                len(chosen),
            ).format(
                n=numbers.count(len(chosen)),
                share=numbers.share(fees[0]),
                network=network,
                stage=stage[str(network)],
            )
        )
        return out
