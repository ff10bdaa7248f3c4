"""The reader's language in a Streamlit session: ``_()``, the picker, the number locale.

The choice is one locale (``es_CO``, ``es_MX``, ``en_US``...) kept in the session under
``LOCALE_KEY``: its language picks the catalog (``model.formatting.i18n``) and the
locale itself how figures are written. Until the reader picks, the browser's language
(``st.context.locale``) decides. A signed-in account's choice is saved on the account
(``model.accounts.preferences``) and comes back at its next sign-in, in any browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st
from babel.numbers import format_decimal
from sqlalchemy import Engine

from model.accounts.preferences import save_locale, saved_locale
from model.formatting.i18n import (
    NUMBER_LOCALES,
    Translator,
    activate,
    choose_locale,
    locale_label,
    translator,
)
from model.formatting.parsing import NUMBER_FORMATS, NumberFormat

LOCALE_KEY = "i18n_locale"
LOADED_FOR_KEY = "i18n_loaded_for"  # the account whose saved choice this session applied
FORMAT_CHOICES: tuple[NumberFormat, ...] = tuple(NUMBER_FORMATS)
OFFERED: tuple[str, ...] = tuple(loc for locs in NUMBER_LOCALES.values() for loc in locs)


def _browser_tag() -> str | None:
    try:
        return st.context.locale
    except Exception:  # no browser context (a bare script run): English
        return None


def current_locale() -> str:
    """The number locale chosen in the sidebar, else the browser's, else en_US."""
    chosen = st.session_state.get(LOCALE_KEY)
    if isinstance(chosen, str) and chosen in OFFERED:
        return chosen
    return choose_locale(_browser_tag())[1]


def tr() -> Translator:
    """The translator for this session's language and number locale, made the active one
    so the model's own text (sentences, reasons, headers) is written in it too."""
    loc = current_locale()
    t = translator(loc.split("_")[0], loc)
    activate(t)
    return t


def _(message: str) -> str:
    """``message`` in the reader's language."""
    return tr().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for ``n`` in the reader's language (``%(n)s`` left to fill)."""
    return tr().ngettext(singular, plural, n)


def number_locale() -> str:
    """The locale figures are written in (pass it to ``model.formatting.numbers``)."""
    return current_locale()


def _apply_saved_choice(eng: Engine, username: str) -> None:
    # Once per sign-in: the account's saved choice replaces the browser's default.
    if st.session_state.get(LOADED_FOR_KEY) == username:
        return
    saved = saved_locale(eng, username)
    if saved is not None:
        st.session_state[LOCALE_KEY] = saved
    st.session_state[LOADED_FOR_KEY] = username


def _save_choice(eng: Engine | None, username: str) -> None:
    if eng is not None and username:
        save_locale(eng, username, str(st.session_state[LOCALE_KEY]))


def language_picker(eng: Engine | None = None, username: str = "") -> None:
    """The sidebar's language and number-format choice (shown on every page).

    With a signed-in ``username`` the saved choice is applied at sign-in and a new pick
    is saved to the account.
    """
    if eng is not None and username:
        _apply_saved_choice(eng, username)
    else:
        st.session_state.pop(LOADED_FOR_KEY, None)
    if LOCALE_KEY not in st.session_state:
        st.session_state[LOCALE_KEY] = current_locale()
    st.sidebar.selectbox(
        _("Language and numbers"),
        OFFERED,
        format_func=lambda loc: f"{locale_label(loc)} · {format_decimal(1234.5, locale=loc)}",
        key=LOCALE_KEY,
        help=_("The interface language, and how figures are written (1,234.5 or 1.234,5)."),
        on_change=_save_choice,
        args=(eng, username),
    )


def _seen_key(key: str) -> str:
    return f"i18n_labels:{key}"


def keep_choice(key: str, labels: Mapping[Any, object]) -> None:
    """Call just before a selectbox, radio or multiselect whose options are shown in the reader's
    language (``labels``: option -> its words now), with the widget's ``key``.

    Streamlit sends a choice back as the words the browser shows. After a language switch
    the browser still holds the earlier language's words for one run, and on the reader's
    next click Streamlit, finding no option shown that way, silently resets the widget to
    its default (a Plan page objective, a file's number format, a NET schedule...). Every
    label shown for an option in this session is remembered, and an earlier language's
    label is read back to its option before the widget is drawn."""
    ss = st.session_state
    seen: dict[str, Any] = dict(ss.get(_seen_key(key), {}))
    seen.update({str(label): option for option, label in labels.items()})  # as Streamlit shows it
    ss[_seen_key(key)] = seen
    value = ss.get(key)
    if isinstance(value, str) and value not in labels and value in seen:
        ss[key] = seen[value]
    elif isinstance(value, list) and any(_stale(v, labels, seen) for v in value):
        ss[key] = [seen[v] if _stale(v, labels, seen) else v for v in value]  # multiselect


def _stale(value: Any, labels: Mapping[Any, object], seen: Mapping[str, Any]) -> bool:
    return isinstance(value, str) and value not in labels and value in seen


def read_back(key: str, value: Any) -> Any:
    """A widget's value as an ``on_change`` callback reads it (before the page runs): an
    earlier language's label read back to its option (see ``keep_choice``)."""
    seen = st.session_state.get(_seen_key(key), {})
    return seen.get(value, value) if isinstance(value, str) else value


def number_format_select(key: str) -> NumberFormat:
    """How an uploaded file writes its numbers; undeclared by default, so a value such as
    "250.000" (250 or 250000?) is refused instead of guessed."""
    labels = {
        "auto": _("Not declared: refuse numbers that read two ways"),
        "en": _("1,234.56 (comma groups thousands)"),
        "es": _("1.234,56 (point groups thousands)"),
        "space": _("1 234,56 (space groups thousands)"),
        "plain": _("1234.56 (no thousands separator)"),
    }
    keep_choice(key, labels)
    choice = st.selectbox(
        _("Numbers in the file are written as"),
        FORMAT_CHOICES,
        format_func=labels.__getitem__,
        key=key,
        help=_(
            'In "250.000" the point may group thousands (two hundred and fifty thousand) '
            "or mark decimals (two hundred and fifty). Declare the file's convention, or "
            "leave it undeclared and any number that reads two ways is refused."
        ),
    )
    return choice or "auto"
