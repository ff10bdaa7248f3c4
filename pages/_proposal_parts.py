"""Parts of the Proposals page: the manual-entry form and the funding result of a plan.

Split from ``pages/proposals.py`` to keep each file short; the logic lives in
``model.screening`` (``forms.build_proposal``, ``plan.solve_plan``).
"""

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from model.accounts.auth import PermissionDenied, User, can
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.screening.forms import FormInvalid, build_proposal
from model.screening.proposals import (
    ENTITY_TYPE_LABELS,
    HORIZONS,
    INCLUSION_GROUPS,
    INCLUSION_LABELS,
)
from model.screening.rules import usd
from model.screening.tables import FUNDING_COLOURS, badge
from model.store.handover import PlanOutcome
from model.store.proposal_files import StaleProposal, save_proposals
from model.store.screening import start_monitoring
from pages._handover import open_dataset_in_plan
from pages._shared import md

FUNDING_FILLS = {
    "funded": "C6EFCE",
    "partly funded": "FFEB9C",
    "not funded": "EDEDED",
    "ineligible": "FFC7CE",
    "not in plan": "EDEDED",
}


def funding_fill(status: object) -> str:
    fill = FUNDING_FILLS.get(str(status))
    return f"background-color: #{fill}" if fill else ""


def manual_entry(eng: Engine, user: User) -> None:
    """One proposal by form; problems are listed by field and nothing is saved."""
    with st.form("proposals_form"):
        c1, c2 = st.columns(2)
        fields = {
            "proposal_id": c1.text_input("Proposal id", key="proposals_f_id"),
            "title": c2.text_input("Title", key="proposals_f_title"),
            "territory": c1.text_input("Territory", key="proposals_f_territory"),
            "region": c2.text_input("Region (of the plan)", key="proposals_f_region"),
            "sector": c1.text_input("Sector or supply chain", key="proposals_f_sector"),
            "duration_months": c2.number_input(
                "Duration (months)", 1, 120, 24, key="proposals_f_duration"
            ),
            "amount_requested": c1.number_input(
                "Grant requested (US$)", 0.0, None, 0.0, 10_000.0, key="proposals_f_amount"
            ),
            "match_cash": c2.number_input(
                "Partner match, cash (US$)",
                0.0,
                None,
                0.0,
                10_000.0,
                key="proposals_f_cash",
            ),
            "match_in_kind": c1.number_input(
                "Partner match, in kind (US$)",
                0.0,
                None,
                0.0,
                10_000.0,
                key="proposals_f_kind",
            ),
            "inclusion": c2.multiselect(
                "Social-inclusion targeting",
                INCLUSION_GROUPS,
                format_func=lambda g: INCLUSION_LABELS[g],
                key="proposals_f_inclusion",
            ),
            "innovation": st.text_area("Innovation claim", key="proposals_f_innovation"),
            "environmental_compliance": st.checkbox(
                "Environmentally sustainable (declared)", key="proposals_f_env"
            ),
            "regulatory_compliance": st.checkbox(
                "Complies with domestic standards and regulations", key="proposals_f_reg"
            ),
        }
        st.markdown("**Submitting entities** (name and type; add rows as needed)")
        entities = st.data_editor(
            pd.DataFrame({"name": [""] * 3, "type": [None] * 3}),
            num_rows="dynamic",
            column_config={
                "type": st.column_config.SelectboxColumn(
                    "type", options=list(ENTITY_TYPE_LABELS.values())
                )
            },
            hide_index=True,
            key="proposals_f_entities",
        )
        st.markdown("**Expected indicators** with baselines (004 Annex II horizons)")
        indicators = st.data_editor(
            pd.DataFrame(
                {
                    "name": [""],
                    "horizon": ["short"],
                    "baseline": [None],
                    "target": [None],
                    "unit": [""],
                }
            ).astype({"baseline": "float", "target": "float"}),
            num_rows="dynamic",
            column_config={
                "horizon": st.column_config.SelectboxColumn("horizon", options=HORIZONS)
            },
            hide_index=True,
            key="proposals_f_indicators",
        )
        submitted = st.form_submit_button("Save proposal", type="primary")
    if submitted:
        try:
            proposal = build_proposal(
                fields, entities.to_dict("records"), indicators.to_dict("records")
            )
            # A form makes a new proposal: an existing id is refused, never overwritten.
            save_proposals(
                eng, [proposal], user=user, expected_versions={proposal.proposal_id: None}
            )
        except FormInvalid as exc:
            st.error(
                "Not saved; fix these fields:\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except (PermissionDenied, StaleProposal) as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.session_state["proposals_flash"] = f"Saved proposal {proposal.proposal_id}."
            st.rerun()


def show_outcome(eng: Engine, user: User, dataset: str, outcome: PlanOutcome) -> None:
    """The solved plan: its summary and, per proposal, funded or not and why."""
    res = outcome.result
    st.subheader(f"Funding result: {dataset}")
    if not res.optimal:
        st.error(md(f"The plan was not solved ({res.status}): {res.message}"))
    else:
        c1, c2, c3 = st.columns(3)
        c1.metric("Expected benefit", numbers.money(res.objective))
        c2.metric("Public money used", numbers.money(res.total_public))
        c3.metric("Return per public dollar", numbers.rate(res.return_per_public_dollar))
        st.caption(md(res.unallocated_sentence))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "proposal": x.proposal_id,
                    "title": x.title,
                    "status": x.status,
                    "requested (US$)": usd(x.requested),
                    "funded (US$)": usd(x.funded),
                    "why": x.reason,
                }
                for x in outcome.lines
            ]
        ).style.map(funding_fill, subset=["status"]),
        hide_index=True,
        width="stretch",
        key="proposals_funding_table",
        placeholder=MISSING,
    )
    for x in outcome.lines:
        if x.status != "ineligible":
            st.markdown(md(f"{badge(x.status, FUNDING_COLOURS)} **{x.proposal_id}**: {x.reason}"))
    if outcome.scores_note:
        st.info(md(outcome.scores_note), icon=":material/rate_review:")
    st.caption(
        f"Open the planning dataset `{dataset}` on the Data page to see every "
        "candidate of this plan."
    )
    if st.button("Open this plan on the Plan page", key="proposals_open_plan"):
        open_dataset_in_plan(dataset)
    funded = outcome.funded_ids
    if (
        funded
        and can(user, "indicator.write")
        and st.button(
            f"Start monitoring the {len(funded)} funded proposal(s)", key="proposals_monitor"
        )
    ):
        try:
            n = start_monitoring(eng, funded, user=user)
        except (ValueError, PermissionDenied) as exc:
            st.error(md(f"Monitoring not started: {exc}"))
        else:
            st.session_state["proposals_flash"] = (
                f"Monitoring {len(funded)} project(s): {n} indicator(s) added; see the "
                "Indicators page."
            )
            st.rerun()
