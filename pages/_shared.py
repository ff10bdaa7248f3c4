"""UI-side helpers shared by the pages: the cached engine and cached data loads.

Cache decorators live here, never in ``model/``: the model layer never imports Streamlit
(an import-linter contract in pyproject.toml checks it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager

from model.accounts import auth
from model.accounts.auth import User
from model.allocator.scenario import Scenario
from model.domain.candidates import KIND_LABELS
from model.formatting import numbers
from model.formatting.i18n import N_
from model.store import db, migrate, repository
from pages._i18n import _, language_picker, number_locale


def ensure_app_navigation() -> None:
    """Route every run through app.py's navigation.

    Streamlit sees the pages/ folder beside app.py and, until some run has executed
    app.py's st.navigation, serves a direct URL such as /data by running pages/data.py
    alone, with file-name titles in the sidebar. A page run in that mode switches it
    off and reruns, so app.py routes the same URL (url_path == file stem) with our
    titles, sections and sign-in sidebar. It runs once, when this module is first
    imported: the mode is process-wide, and a rerun on every page run would swallow
    the button click that started it.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


ensure_app_navigation()

ILLUSTRATIVE_NOTE = N_(
    "The **demo** planning dataset is **illustrative**: a fictional country whose candidates "
    "are derived from the evidence ranges, not real projects."
)  # shown as _(ILLUSTRATIVE_NOTE), in the reader's language


@st.cache_resource
def _engine_for(url: str) -> Engine:
    # An Engine is a thread-safe connection pool, safe to share across sessions.
    return db.make_engine(url)


def engine() -> Engine:
    """The app's database engine; stops the page with a clear message if not migrated."""
    eng = _engine_for(db.database_url())
    try:
        ok = migrate.is_up_to_date(eng)
    except Exception as exc:  # the database may be down or unreachable
        # Anyone can see this page: the message never carries the URL's password.
        reason = db.redact(f"{type(exc).__name__}: {exc}", db.database_url())
        st.error(
            plain(_("Cannot reach the database ({reason}).").format(reason=reason))
            + " "
            + _("Check `{variable}` or run `make run` to create the default SQLite file.").format(
                variable=db.ENV_URL
            )
        )
        st.stop()
    if not ok:
        st.error(
            _("The database is not migrated yet: run `fomento db upgrade && fomento db seed`.")
        )
        st.stop()
    return eng


@st.cache_data(ttl=60, show_spinner=False)
def evidence_frame(url: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_evidence(_engine_for(url))]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def programmes_frame(url: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_programmes(_engine_for(url))]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def candidates_frame(url: str, dataset: str, lang: str) -> pd.DataFrame:
    """The candidates of ``dataset`` as a table; the per-year figures are written in
    ``lang`` (the reader's number locale, part of the cache key)."""
    rows = []
    for c in repository.fetch_candidates(_engine_for(url), dataset):
        d = c.model_dump()
        d["kind_label"] = KIND_LABELS[c.kind]
        d["total_cost"] = c.total_cost
        d["cost_by_year"] = "; ".join(numbers.count(v, locale=lang) for v in c.cost_by_year)
        d["fee_schedule"] = "; ".join(numbers.share(v, locale=lang) for v in c.fee_schedule)
        rows.append(d)
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def regions_frame(url: str, dataset: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_regions(_engine_for(url), dataset)]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def stored_problems(url: str, dataset: str | None, lang: str) -> list[str]:
    """Stored rows that no longer validate (left out of every read), for a warning,
    worded in ``lang`` (the reader's locale: part of the cache key)."""
    return repository.stored_row_problems(_engine_for(url), dataset)


def warn_stored_problems(url: str, dataset: str | None = None) -> None:
    """One warning per stored row that is left out, so the page still works and says
    which row to fix (issue 17: a NaN row used to take the page down)."""
    for problem in stored_problems(url, dataset, number_locale()):
        st.warning(plain(problem), icon=":material/warning:")


@st.cache_data(ttl=60, show_spinner=False)
def datasets(url: str) -> list[str]:
    return repository.list_datasets(_engine_for(url))


def plain(text: object) -> str:
    """Stored or user-supplied text for st.markdown/st.caption/st.error, shown as it
    is typed: every markdown and HTML character is escaped, so a note holding
    ``![x](http://host/pixel.png)`` or a link is shown as text, never fetched or linked."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", str(text)).replace("\n", "  \n")
    # Escaping does not stop the markdown renderer from linking bare addresses
    # ("http://...", "www."): a zero-width space inside the scheme or prefix does.
    return _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\u200b" + m.group(0)[-1], escaped)


_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$:&]")
_AUTOLINK = re.compile(r"(?i)(?:https?|ftp|mailto)(?=\\?:)|www(?=\\?\.)|@")


# How a table column's figures are written for a reader whose locale is not English
# (``localized_table``): whole (0 decimals), cents (2), share (a percentage with one
# decimal, none when it is 0), number (up to 3 decimals, trailing zeros dropped), plain
# (no separators: years).
FIGURE_KINDS = ("whole", "cents", "share", "number", "plain")


def figure_cell(kind: str, loc: str) -> Callable[[object], str]:
    """One table cell's figure in ``loc``: the text ``numbers.number`` / ``numbers.share``
    write (tests/test_i18n_tables.py compares them), made fast for a table of thousands of
    cells (Babel takes ~0.1 ms a call): English separators, then swapped for ``loc``'s."""

    def cell(value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return numbers.MISSING if value is None else str(value)
        if numbers.is_missing(value):
            return numbers.MISSING
        if kind == "plain":
            return str(int(value)) if float(value).is_integer() else str(value)
        if kind == "share":
            text = numbers.number(100 * float(value), 1, locale="en").removesuffix(".0") + "%"
        elif kind == "number":
            text = numbers.number(value, 3, locale="en")
            text = text.rstrip("0").rstrip(".") if "." in text else text
        else:
            text = numbers.number(value, 2 if kind == "cents" else 0, locale="en")
        return numbers.local_digits(text, loc)

    return cell


def _without_format(config: Any) -> Any:
    # A column_config's own format wins over the Styler's text: drop it.
    if isinstance(config, dict) and isinstance(config.get("type_config"), dict):
        kept = {k: v for k, v in config["type_config"].items() if k != "format"}
        return {**config, "type_config": kept}
    return config


def localized_table(
    table: pd.DataFrame,
    figures: dict[str, str],
    config: dict[str, Any] | None = None,
) -> tuple[pd.DataFrame | Styler, dict[str, Any]]:
    """``table`` and its ``column_config`` with figures in the reader's number locale.

    Streamlit's NumberColumn formats write numbers in the browser's locale ("localized")
    or always with a point (printf), never in the one picked in the sidebar. For a reader
    whose language is not English, the columns named in ``figures`` (column -> one of
    ``FIGURE_KINDS``) get their text from a pandas Styler, written as ``numbers`` writes
    them in ``number_locale()``, and lose their column_config format; the values stay
    numbers, so the columns still sort. English keeps the table and its formats as they
    are. A table over Styler's cell limit stays as it is too (Streamlit refuses it).
    """
    loc = number_locale()
    config = dict(config or {})
    cols = [c for c in figures if c in table.columns]
    too_big = table.size > int(pd.get_option("styler.render.max_elements"))
    if loc.split("_")[0] == "en" or not cols or table.empty or too_big:
        return table, config
    for c in cols:
        if c in config:
            config[c] = _without_format(config[c])
    return table.style.format({c: figure_cell(figures[c], loc) for c in cols}), config


def localized_dataframe(
    table: pd.DataFrame,
    figures: dict[str, str],
    column_config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """``st.dataframe`` of ``table`` with ``figures`` in the reader's number locale
    (``localized_table``)."""
    shown, config = localized_table(table, figures, column_config)
    placeholder = kwargs.pop("placeholder", numbers.MISSING)
    st.dataframe(shown, column_config=config, placeholder=placeholder, **kwargs)


def figures_of(table: pd.DataFrame) -> dict[str, str]:
    """Every numeric column of a browse table as a "number" figure (a year column plain)."""
    out: dict[str, str] = {}
    for c in table.columns:
        dtype = table[c].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            continue
        out[c] = "plain" if "year" in str(c).lower() else "number"
    return out


def md(text: str) -> str:
    """Text for st.markdown: two "US$" in one line would otherwise be rendered as LaTeX."""
    return text.replace("$", "\\$")


def show_flash(key: str) -> None:
    """Show, once, the message a write left in session state before its st.rerun()."""
    message = st.session_state.pop(key, None)
    if message:
        # The toast shows where the person is looking (the page keeps its scroll position
        # after the rerun); the banner at the top stays as the record.
        # Messages quote names people typed: shown as plain text, never as markdown.
        st.toast(plain(message), icon=":material/check_circle:", duration="long")
        st.success(plain(message), icon=":material/check_circle:")


def may_write(user: User, action: str, doing: str) -> bool:
    """Whether ``user`` may perform ``action``; if not, say how to get the right.

    The model checks the role again on every write: this only spares a viewer the
    buttons that would be refused.
    """
    if auth.can(user, action):
        return True
    # ``doing`` comes translated from the page (``_("record actuals")``).
    names = [auth.ROLE_LABELS[r] for r in sorted(auth.PERMISSIONS[action] - {"admin"})]
    roles = names[0] if names else _("an admin")
    for name in names[1:]:
        roles = _("{first} or {second}").format(first=roles, second=name)
    st.info(
        _("You are viewing read-only: sign in as {roles} (sidebar) to {doing}.").format(
            roles=roles, doing=doing
        )
    )
    return False


def clear_data_caches() -> None:
    """After a write, drop every cached read so all pages (Evidence too) show the new rows."""
    st.cache_data.clear()


def current_user() -> User:
    """Who is acting: the signed-in user, the local admin of a single-user install, or a
    viewer. The model checks this user's role on every write."""
    eng = engine()
    if not auth.has_accounts(eng):
        return auth.LOCAL_USER
    sso = sso_user(eng)
    if sso is not None:
        return sso
    user = st.session_state.get("auth_user")
    if isinstance(user, User):
        if user.is_expired():
            del st.session_state["auth_user"]
            st.session_state["auth_flash"] = _("Your session expired; sign in again.")
            return auth.VIEWER
        # The account is read again on every run: a disabled or demoted account's open
        # session loses its rights at once, not when the session ends (issue 17).
        fresh = auth.refresh_user(eng, user)
        if fresh.role == "viewer":
            del st.session_state["auth_user"]
            st.session_state["auth_flash"] = _("Your account was disabled; you are now a viewer.")
            return auth.VIEWER
        if fresh != user:
            st.session_state["auth_user"] = fresh
        return fresh
    return auth.VIEWER


def sso_configured() -> bool:
    """OpenID Connect sign-in is on when `.streamlit/secrets.toml` has an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sso_user(eng: Engine) -> User | None:
    """The OIDC user (``st.user``), with the role of the account named by their email."""
    if not sso_configured() or not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or "")
    role = auth.role_of(eng, email)
    return User(username=email, role=role)


def account_sidebar() -> None:
    """Sign-in / sign-out in the sidebar (shown on every page by app.py)."""
    eng = engine()
    # A signed-in account's saved language comes back at sign-in; a new pick is saved to it.
    who = current_user() if auth.has_accounts(eng) else auth.VIEWER
    language_picker(eng, who.username if who.role != "viewer" else "")
    with st.sidebar:
        if not auth.has_accounts(eng):
            st.caption(
                _(
                    "Single-user mode: no accounts exist, so you act as admin. "
                    "Run `.venv/bin/fomento users create-admin` (or `make admin`) to turn on "
                    "sign-in."
                )
            )
            return
        flash = st.session_state.pop("auth_flash", None)
        if flash:
            st.warning(flash)
        user = who
        if sso_configured() and st.user.get("is_logged_in"):
            st.caption(
                _("Signed in by SSO as **{user}** ({role})").format(
                    user=user.username, role=auth.ROLE_LABELS[user.role]
                )
            )
            if st.button(_("Sign out"), key="auth_sso_out"):
                st.logout()
            return
        if user.role != "viewer":
            st.caption(
                _("Signed in as **{user}** ({role})").format(
                    user=user.username, role=auth.ROLE_LABELS[user.role]
                )
            )
            if st.button(_("Sign out"), key="auth_sign_out"):
                del st.session_state["auth_user"]
                st.rerun()
            return
        if sso_configured() and st.button(
            _("Sign in with your organisation (SSO)"), key="auth_sso_in"
        ):
            st.login()
        with st.expander(_("Sign in (viewers need no account)")):
            with st.form("auth_form", clear_on_submit=True):
                username = st.text_input(_("Username"), key="auth_username")
                password = st.text_input(_("Password"), type="password", key="auth_password")
                submitted = st.form_submit_button(_("Sign in"))
            if submitted:
                try:
                    st.session_state["auth_user"] = auth.authenticate(eng, username, password)
                except auth.AuthError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()


def _scenario_key(scenario: Scenario) -> str:
    return scenario.model_dump_json()


# ``st.cache_data(hash_funcs=BY_CONTENT)``: a scenario argument is keyed by its whole content,
# so no session ever sees another scenario's result.
BY_CONTENT: dict[str | type[Any], Callable[[Any], Any]] = {Scenario: _scenario_key}
