"""What a signed-in account chose for itself: the interface locale (language and numbers).

Stored on the account row (``users.locale``, migration 0003) so the choice follows the
person to any browser. An account that never chose has ``None``: the browser decides.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from model.formatting.i18n import NUMBER_LOCALES, _
from model.store.db import transaction
from model.store.orm import UserRow

LOCALES: frozenset[str] = frozenset(loc for locs in NUMBER_LOCALES.values() for loc in locs)


def saved_locale(engine: Engine, username: str) -> str | None:
    """The locale ``username`` chose, or None (never chose, unknown account, or a locale
    no longer offered)."""
    with transaction(engine) as s:
        value = s.scalar(select(UserRow.locale).where(UserRow.username == username))
    return value if value in LOCALES else None


def save_locale(engine: Engine, username: str, locale: str) -> bool:
    """Remember ``locale`` for ``username``; False when no such account exists (a
    single-sign-on user without a local account keeps the choice for the session only).

    Raises ``ValueError`` for a locale the interface does not offer.
    """
    if locale not in LOCALES:
        raise ValueError(
            _("unknown locale '{locale}'; choose one of {locales}").format(
                locale=locale, locales=", ".join(sorted(LOCALES))
            )
        )
    with transaction(engine) as s:
        result = s.execute(
            update(UserRow).where(UserRow.username == username).values(locale=locale)
        )
        return bool(getattr(result, "rowcount", 0))
