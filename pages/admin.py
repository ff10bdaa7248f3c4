"""Admin: accounts and the audit log (who wrote what, when, before and after)."""

import pandas as pd
import streamlit as st

from model.accounts import auth
from model.accounts.audit import audit_table, fetch_audit
from model.formatting.changes import change_summary, field_changes
from model.formatting.numbers import MISSING
from model.store.exporter import csv_bytes, xlsx_bytes
from pages._shared import current_user, engine

AUDIT_LIMIT = 2000

st.title("Admin")
eng = engine()
user = current_user()
if not auth.can(user, "audit.view"):
    st.info("This page is for admins: sign in with an admin account in the sidebar.")
    st.stop()

tab_audit, tab_users = st.tabs(["Audit log", "Accounts"])

with tab_audit:
    st.caption(
        "Every write (imports, scenarios, proposals, reviews, NET assessments, indicators, "
        f"accounts) with the record before and after. Newest first; up to {AUDIT_LIMIT:,} rows."
    )
    c1, c2 = st.columns(2)
    entity = c1.text_input("Entity (e.g. scenario, proposals, evidence)", key="admin_entity")
    actor = c2.text_input("Who (username)", key="admin_actor")
    events = fetch_audit(
        eng, user, entity=entity.strip() or None, actor=actor.strip() or None, limit=AUDIT_LIMIT
    )
    header, rows = audit_table(events)
    st.write(f"{len(rows)} event(s)")
    # On screen the change in words, field by field; the raw before/after stay in the files.
    shown = pd.DataFrame(rows, columns=header).drop(columns=["before", "after"])
    shown["what changed"] = [change_summary(e.before, e.after) for e in events]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={"what changed": st.column_config.TextColumn(width="large")},
        placeholder=MISSING,
    )
    if events:
        by_id = {e.id: e for e in events}
        pick = st.selectbox(
            "One event, field by field",
            list(by_id),
            format_func=lambda i: (
                f"#{i} {by_id[i].at:%Y-%m-%d %H:%M} {by_id[i].actor} {by_id[i].action} "
                f"{by_id[i].entity} {by_id[i].entity_key}"
            ),
            key="admin_event",
        )
        one = by_id[pick]
        st.table(
            pd.DataFrame(
                [(c.field, c.before, c.after) for c in field_changes(one.before, one.after)],
                columns=["Field", "Before", "After"],
            )
        )
    d1, d2 = st.columns(2)
    d1.download_button(
        "Audit log (.csv)",
        csv_bytes((header, rows)),
        "fomento-audit.csv",
        "text/csv",
        key="admin_dl_csv",
    )
    d2.download_button(
        "Audit log (.xlsx)",
        xlsx_bytes({"audit": (header, rows)}),
        "fomento-audit.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="admin_dl_xlsx",
    )

with tab_users:
    users = auth.list_users(eng)
    if users:
        st.dataframe(
            pd.DataFrame(users, columns=["username", "role", "active"]),
            hide_index=True,
            width="stretch",
            placeholder=MISSING,
        )
    else:
        st.info(
            "No accounts yet: this is a single-user install. Creating the first admin "
            "(`fomento users create-admin`) turns sign-in on."
        )
    with st.form("admin_new_user", clear_on_submit=True):
        st.write("**New account**")
        username = st.text_input("Username", key="admin_new_username")
        role = st.selectbox("Role", ["analyst", "screener", "admin"], key="admin_new_role")
        password = st.text_input(
            f"Password (at least {auth.MIN_PASSWORD_LENGTH} characters)",
            type="password",
            key="admin_new_password",
        )
        submitted = st.form_submit_button("Create account")
    if submitted:
        try:
            auth.create_user(eng, username, password, role, actor=user)  # type: ignore[arg-type]
        except (ValueError, auth.PermissionDenied) as exc:
            st.error(f"Not created: {exc}")
        else:
            st.success(f"Created {role} '{username}'.")
    if users:
        with st.form("admin_manage_user"):
            st.write("**Manage an account**")
            m1, m2 = st.columns(2)
            target = m1.selectbox("Account", [u[0] for u in users], key="admin_manage_username")
            action = m2.selectbox(
                "Action",
                ["Unlock", "Reset password", "Disable", "Enable", "Change role"],
                key="admin_manage_action",
            )
            new_role = m1.selectbox(
                "New role (for Change role)",
                ["analyst", "screener", "admin"],
                key="admin_manage_role",
            )
            new_password = m2.text_input(
                "New password (for Reset password)", type="password", key="admin_manage_password"
            )
            go = st.form_submit_button("Apply")
        if go and target:
            choices: dict[str, dict[str, object]] = {
                "Unlock": {"unlock": True},
                "Reset password": {"password": new_password},
                "Disable": {"active": False},
                "Enable": {"active": True},
                "Change role": {"role": new_role},
            }
            kwargs = choices[action]
            try:
                done = auth.manage_account(eng, user, target, **kwargs)  # type: ignore[arg-type]
            except (ValueError, auth.PermissionDenied) as exc:
                st.error(f"Not changed: {exc}")
            else:
                st.success(done)
