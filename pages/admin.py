"""Admin: accounts and the audit log (who wrote what, when, before and after)."""

import pandas as pd
import streamlit as st

from model.accounts import auth
from model.accounts.audit import audit_table, fetch_audit
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
    st.dataframe(pd.DataFrame(rows, columns=header), hide_index=True, width="stretch")
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
