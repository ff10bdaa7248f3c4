"""Admin: accounts and the audit log (who wrote what, when, before and after)."""

import pandas as pd
import streamlit as st

from model.accounts import auth
from model.accounts.audit import HEADINGS, action_words, audit_table, fetch_audit
from model.formatting import numbers
from model.formatting.changes import change_summary, field_changes
from model.formatting.i18n import N_, Labels
from model.formatting.numbers import MISSING
from model.store.exporter import csv_bytes, xlsx_bytes
from pages._i18n import _, keep_choice, ngettext, number_locale
from pages._shared import current_user, engine

AUDIT_LIMIT = 2000
# What an admin can do to an account: the key the code acts on, the words shown.
ACCOUNT_ACTIONS = Labels(
    {
        "Unlock": N_("Unlock"),
        "Reset password": N_("Reset password"),
        "Disable": N_("Disable"),
        "Enable": N_("Enable"),
        "Change role": N_("Change role"),
    }
)

st.title(_("Admin"))
eng = engine()
user = current_user()
if not auth.can(user, "audit.view"):
    st.info(_("This page is for admins: sign in with an admin account in the sidebar."))
    st.stop()

tab_audit, tab_users = st.tabs([_("Audit log"), _("Accounts")])

with tab_audit:
    st.caption(
        _(
            "Every write (imports, scenarios, proposals, reviews, NET assessments, indicators, "
            "accounts) with the record before and after. Newest first; up to {limit} rows."
        ).format(limit=numbers.count(AUDIT_LIMIT, locale=number_locale()))
    )
    c1, c2 = st.columns(2)
    entity = c1.text_input(_("Entity (e.g. scenario, proposals, evidence)"), key="admin_entity")
    actor = c2.text_input(_("Who (username)"), key="admin_actor")
    events = fetch_audit(
        eng, user, entity=entity.strip() or None, actor=actor.strip() or None, limit=AUDIT_LIMIT
    )
    header, rows = audit_table(events)
    st.write(
        ngettext("{n} event(s)", "{n} event(s)", len(rows)).format(
            n=numbers.count(len(rows), locale=number_locale())
        )
    )
    # On screen the change in words, field by field; the raw before/after stay in the files
    # (with their column keys and action codes: the headings and actions are worded here).
    shown = pd.DataFrame(rows, columns=header).drop(columns=["before", "after"])
    shown["action"] = [action_words(e.action) for e in events]
    what_changed = _("what changed")
    shown[what_changed] = [change_summary(e.before, e.after) for e in events]
    shown = shown.rename(columns={k: HEADINGS[k] for k in header if k in shown.columns})
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={what_changed: st.column_config.TextColumn(width="large")},
        placeholder=MISSING,
    )
    if events:
        by_id = {e.id: e for e in events}
        # Worded here (in the reader's language) and looked up when the option is shown.
        event_words = {
            e.id: f"#{e.id} {e.at:%Y-%m-%d %H:%M} {e.actor} {action_words(e.action)} "
            f"{e.entity} {e.entity_key}"
            for e in events
        }
        keep_choice("admin_event", event_words)
        pick = st.selectbox(
            _("One event, field by field"),
            list(by_id),
            format_func=event_words.__getitem__,
            key="admin_event",
        )
        one = by_id[pick]
        st.table(
            pd.DataFrame(
                [(c.field, c.before, c.after) for c in field_changes(one.before, one.after)],
                columns=[_("Field"), _("Before"), _("After")],
            )
        )
    d1, d2 = st.columns(2)
    d1.download_button(
        _("Audit log (.csv)"),
        csv_bytes((header, rows)),
        "fomento-audit.csv",
        "text/csv",
        key="admin_dl_csv",
    )
    d2.download_button(
        _("Audit log (.xlsx)"),
        xlsx_bytes({"audit": (header, rows)}),
        "fomento-audit.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="admin_dl_xlsx",
    )

with tab_users:
    # Option labels worded in the reader's language, looked up when an option is shown.
    role_words = {r: auth.ROLE_LABELS[r] for r in ("analyst", "screener", "admin")}
    action_choice_words = {a: ACCOUNT_ACTIONS[a] for a in ACCOUNT_ACTIONS}
    users = auth.list_users(eng)
    if users:
        st.dataframe(
            pd.DataFrame(
                [(name, auth.ROLE_LABELS[role], active) for name, role, active in users],
                columns=[_("username"), _("role"), _("active")],
            ),
            hide_index=True,
            width="stretch",
            placeholder=MISSING,
        )
    else:
        st.info(
            _(
                "No accounts yet: this is a single-user install. Creating the first admin "
                "(`fomento users create-admin`) turns sign-in on."
            )
        )
    with st.form("admin_new_user", clear_on_submit=True):
        st.write(_("**New account**"))
        username = st.text_input(_("Username"), key="admin_new_username")
        keep_choice("admin_new_role", role_words)
        role = st.selectbox(
            _("Role"),
            ["analyst", "screener", "admin"],
            format_func=role_words.__getitem__,
            key="admin_new_role",
        )
        password = st.text_input(
            _("Password (at least {n} characters)").format(n=auth.MIN_PASSWORD_LENGTH),
            type="password",
            key="admin_new_password",
        )
        submitted = st.form_submit_button(_("Create account"))
    if submitted:
        try:
            auth.create_user(eng, username, password, role, actor=user)  # type: ignore[arg-type]
        except (ValueError, auth.PermissionDenied) as exc:
            st.error(_("Not created: {problem}").format(problem=exc))
        else:
            st.success(
                _("Created {role} '{username}'.").format(
                    role=auth.ROLE_LABELS[str(role)], username=username
                )
            )
    if users:
        with st.form("admin_manage_user"):
            st.write(_("**Manage an account**"))
            m1, m2 = st.columns(2)
            target = m1.selectbox(_("Account"), [u[0] for u in users], key="admin_manage_username")
            keep_choice("admin_manage_action", action_choice_words)
            keep_choice("admin_manage_role", role_words)
            action = m2.selectbox(
                _("Action"),
                list(ACCOUNT_ACTIONS),
                format_func=action_choice_words.__getitem__,
                key="admin_manage_action",
            )
            new_role = m1.selectbox(
                _("New role (for Change role)"),
                ["analyst", "screener", "admin"],
                format_func=role_words.__getitem__,
                key="admin_manage_role",
            )
            new_password = m2.text_input(
                _("New password (for Reset password)"),
                type="password",
                key="admin_manage_password",
            )
            go = st.form_submit_button(_("Apply"))
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
                st.error(_("Not changed: {problem}").format(problem=exc))
            else:
                st.success(done)
