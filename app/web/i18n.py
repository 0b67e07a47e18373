"""Locale choice: explicit choice in this browser, then the user's, then the organisation's
default, then the browser's Accept-Language. Label tables translated once per locale."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError, support
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path

from app.settings import SUPPORTED_LOCALES, UI_LANGUAGES

babel = Babel()


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    if current_user.is_authenticated and not g.get("failed"):
        user = current_user.user
        if user.locale in SUPPORTED_LOCALES:
            return str(user.locale)
        membership = current_user.membership
        if membership is not None and membership.locale in SUPPORTED_LOCALES:
            return str(membership.locale)
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


#: (id of a module-level label table, locale) -> that table with its labels translated.
_TRANSLATED: dict[tuple[int, str], dict[str, dict[Any, str]]] = {}


def translated_tables(tables: Mapping[str, Mapping[Any, Any]]) -> dict[str, dict[Any, str]]:
    """``{name: {value: lazy label}}`` in the reader's language, as plain strings.

    Label tables are constants, so each is translated once per process and locale: a list
    page would otherwise pay a gettext lookup per label per request. Only pass module-level
    tables (the cache holds them by identity for the life of the process).
    """
    key = (id(tables), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None:
        found = {name: {k: str(v) for k, v in table.items()} for name, table in tables.items()}
        _TRANSLATED[key] = found
    return found


class _WtformsMessages:
    """WTForms' built-in messages ("Not a valid date value.") in the reader's language.

    Flask-WTF reads and parses the WTForms catalog from disk on every request that
    validates a form; the catalogs are constants, so one per locale is kept instead.
    Flask-WTF looks for this object on ``request.wtforms_translations``.
    """

    _catalogs: dict[str, support.NullTranslations] = {}

    def _catalog(self) -> support.NullTranslations:
        locale = str(get_locale())
        found = self._catalogs.get(locale)
        if found is None:
            found = support.Translations.load(messages_path(), [locale], domain="wtforms")
            self._catalogs[locale] = found
        return found

    def ugettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WtformsMessages()


def _request_catalog() -> support.NullTranslations:
    """The catalog of this request's locale, looked up once per request: Flask-Babel's
    own lookup walks the request context three times per message, and a page has ~40."""
    try:
        found: support.NullTranslations = g.haven_catalog
    except AttributeError:
        found = g.haven_catalog = get_translations()
    return found


def text_direction(locale: str | None = None) -> str:
    """``rtl`` or ``ltr``: the writing direction of ``locale`` (default: the page's), for
    the interface and for any language a notice is written in (Babel's locale data)."""
    return _direction(str(locale or get_locale()))


@cache
def _direction(tag: str) -> str:
    try:
        found = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if found.character_order == "right-to-left" else "ltr"


def _template_gettext(string: str) -> str:
    return _request_catalog().ugettext(string)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return _request_catalog().ungettext(singular, plural, n)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Replaces what Flask-Babel installed (same behaviour, newstyle: autoescaped, %-format).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )

    @app.before_request
    def _wtforms_messages() -> None:
        request.wtforms_translations = _WTFORMS_MESSAGES  # type: ignore[attr-defined]

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["ui_languages"] = UI_LANGUAGES
