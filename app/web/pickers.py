"""Searchable pickers for codes: languages (BCP 47) and currencies (ISO 4217).

A field asks for one with ``render_kw={"data-picker": "language"}`` ("languages" for a
comma-separated list, "currency"); the form macro (``_form.html``) then gives the input a
``<datalist>`` of codes named in the reader's language (CLDR, through Babel). Without
JavaScript the browser searches the names and codes as you type; the input still holds
the code, which the service checks as before. ``haven.js`` makes the list work for each
item of a comma-separated list.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies
from flask import Flask
from flask_babel import get_locale

#: Offered first (BCP 47): the languages Haven's users meet most.
COMMON_LANGUAGES = (
    "en", "fr", "ru", "uk", "ro", "bg", "sq", "pl", "hu", "sk", "cs", "lt", "sr", "tr",
    "ar", "fa", "prs", "ps", "ur", "hi", "bn", "pa", "ne", "zh", "vi", "th", "tl",
    "es", "pt", "pt-BR", "am", "ti", "so", "yo", "ig", "ha", "sw",
)  # fmt: skip
COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "UAH", "MDL", "RON", "PLN", "NGN", "TRY")


@functools.lru_cache(maxsize=4096)
def language_name(tag: str, locale: str) -> str:
    """The language's name in ``locale``; the tag itself when CLDR does not name it."""
    try:
        return Locale.parse(tag, sep="-").get_display_name(Locale.parse(locale)) or tag
    except (ValueError, UnknownLocaleError):
        return tag  # e.g. Dari (prs), which CLDR does not name yet


def language_options(first: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``first`` (e.g. the client's languages), the common ones, then every two-letter
    language, named in the reader's language."""
    return _languages(str(get_locale()), first)


@functools.lru_cache(maxsize=64)
def _languages(locale: str, first: tuple[str, ...]) -> list[tuple[str, str]]:
    rest = sorted(
        (str(k) for k in Locale("en").languages if len(str(k)) == 2),
        key=lambda tag: language_name(tag, locale).casefold(),
    )
    tags = dict.fromkeys([*first, *COMMON_LANGUAGES, *rest])
    return [(tag, language_name(tag, locale)) for tag in tags]


def currency_options() -> list[tuple[str, str]]:
    """Currencies in use in some country today, the common ones first, named in the
    reader's language."""
    return _currencies(str(get_locale()))


@functools.lru_cache(maxsize=16)
def _currencies(locale: str) -> list[tuple[str, str]]:
    reader = Locale.parse(locale)
    in_use = {c for t in Locale("en").territories for c in get_territory_currencies(str(t))}
    rest = sorted(in_use - set(COMMON_CURRENCIES), key=lambda c: reader.currencies.get(c, c))
    return [(code, reader.currencies.get(code, code)) for code in (*COMMON_CURRENCIES, *rest)]


PICKERS = {
    "language": language_options,
    "languages": language_options,
    "currency": currency_options,
}


def picker_options(kind: str) -> list[tuple[str, str]]:
    return PICKERS[kind]()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["picker_options"] = picker_options
