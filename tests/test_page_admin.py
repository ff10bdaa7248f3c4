"""The Admin page through AppTest: audit log and accounts, admins only."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from model.accounts import auth
from model.store import db
from tests.test_pages import APP, TIMEOUT_S

PASSWORD = "a long enough password"


def _open(**state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_single_user_admin_sees_the_seed_in_the_audit_log(app_db: str) -> None:
    at = _open()
    table = at.dataframe[0].value
    assert {"actor", "action", "entity", "what changed"} <= set(table.columns)
    assert "system" in set(table["actor"])  # the seed wrote the first events
    # The change reads field by field ("field: before → after"), not as raw JSON.
    assert all("{" not in str(v) for v in table["what changed"])
    assert at.table and list(at.table[0].value.columns) == ["Field", "Before", "After"]
    assert len(at.get("download_button")) == 2


def test_first_account_must_be_an_admin_and_turns_sign_in_on(app_db: str) -> None:
    at = _open()
    at.text_input(key="admin_new_username").input("luis")
    at.selectbox(key="admin_new_role").select("analyst")
    at.text_input(key="admin_new_password").input(PASSWORD)
    at.button[0].click().run()  # the form's submit button
    assert "first account must be an admin" in at.error[0].value
    at.text_input(key="admin_new_username").input("ana")
    at.selectbox(key="admin_new_role").select("admin")
    at.text_input(key="admin_new_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert auth.has_accounts(db.make_engine(app_db))


def test_viewers_are_kept_out(app_db: str, tmp_path: Path) -> None:
    auth.create_user(db.make_engine(app_db), "ana", PASSWORD, "admin")
    at = _open()
    assert "for admins" in at.info[0].value
    assert not at.dataframe
    at = _open(auth_user=auth.User("ana", "admin"))
    assert at.dataframe


def _sidebar_script() -> None:
    from pages._shared import account_sidebar

    account_sidebar()


def test_sidebar_sign_in(app_db: str) -> None:
    # The sidebar is app.py's frame; AppTest runs a page alone after its first run, so
    # the sign-in form is tested on its own.
    auth.create_user(db.make_engine(app_db), "ana", PASSWORD, "admin")
    at = AppTest.from_function(_sidebar_script, default_timeout=TIMEOUT_S)
    at.run()
    at.sidebar.text_input(key="auth_username").input("ana")
    at.sidebar.text_input(key="auth_password").input("wrong password!")
    at.sidebar.button[0].click().run()
    assert "wrong password" in at.sidebar.error[0].value
    at.sidebar.text_input(key="auth_username").input("ana")
    at.sidebar.text_input(key="auth_password").input(PASSWORD)
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert any("Signed in as **ana** (admin)" in c.value for c in at.sidebar.caption)
