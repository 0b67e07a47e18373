"""Every user-facing message is translated into every interface language (French, Russian,
Ukrainian, Arabic: ``app.settings.UI_LANGUAGES``), and the pages use it.

Messages are extracted from the current source in memory, with the method map of
``app/babel.cfg`` and the keywords of ``make extract``, so a new string in the code fails here
until ``make extract`` has run and the string has a translation in each of those languages.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from app.settings import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "app"
TRANSLATIONS = APP_DIR / "translations"
#: Every interface language but the English of the source.
LOCALES = tuple(locale for locale in SUPPORTED_LOCALES if locale != "en")
#: The same keywords as ``pybabel extract -k N_ -k _l`` (added to Babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}
#: Translations that may equal the English: the same word in that language.
SAME_AS_ENGLISH = {
    "fr": {
        "Actions",
        "Administration",
        "Agriculture",
        "Audit",
        "Budget",
        "Code",
        "Construction",
        "Date",
        "E-mail",
        "Notes",
        "Organisation",
        "Organisations",
        "Police",
        "Service",
        "Services",
        "Sessions",
        "Supervision",
        "Type",
        "contacts",
    },
    "ru": set(),
    "uk": set(),
    "ar": set(),
}
#: printf-style conversions, named or not; ``%%`` is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")

MsgId = str | tuple[str, ...]


def _extracted() -> dict[MsgId, set[str]]:
    """msgid -> locations, from the source as it is now."""
    with open(APP_DIR / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(APP_DIR / "babel.cfg"))
    found: dict[MsgId, set[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(APP_DIR), method_map, options_map, keywords=KEYWORDS
    ):
        msgid: MsgId = message if isinstance(message, str) else tuple(message)
        if isinstance(msgid, tuple) and len(msgid) == 1:
            msgid = msgid[0]
        if msgid:
            found.setdefault(msgid, set()).add(f"app/{filename}:{lineno}")
    return found


def _key(message: Message) -> MsgId:
    return message.id if isinstance(message.id, str) else tuple(message.id)


@pytest.fixture(scope="module")
def extracted() -> dict[MsgId, set[str]]:
    found = _extracted()
    assert "Sign in to Haven" in found, "extraction found nothing: check app/babel.cfg"
    return found


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    loaded = {}
    for locale in LOCALES:
        with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
            loaded[locale] = read_po(po, locale=locale)
    return loaded


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> Counter[str]:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_extracted_message_is_translated(
    locale: str, extracted: dict[MsgId, set[str]], catalogs: dict[str, Catalog]
) -> None:
    catalog = catalogs[locale]
    assert not catalog.fuzzy, f"{locale}: the catalog header is marked fuzzy"
    entries = {_key(m): m for m in catalog if m.id}
    problems = []
    for msgid, where in sorted(extracted.items(), key=lambda item: str(item[0])):
        message = entries.get(msgid)
        place = ", ".join(sorted(where))
        if message is None:
            problems.append(f"missing (run `make extract`): {msgid!r} at {place}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} at {place}")
        forms = _forms(message)
        if message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} of {catalog.num_plurals} plural forms: {msgid!r}")
        if any(not form.strip() for form in forms):
            problems.append(f"untranslated: {msgid!r} at {place}")
        elif (
            not message.pluralizable
            and message.string == message.id
            and message.id not in SAME_AS_ENGLISH[locale]
        ):
            problems.append(f"copied from the English: {msgid!r} at {place}")
    assert not problems, f"{locale} catalog:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_english(locale: str, catalogs: dict[str, Catalog]) -> None:
    problems = []
    for message in catalogs[locale]:
        if not message.id:
            continue
        english = message.id[-1] if message.pluralizable else message.id
        expected = _placeholders(english)
        for form in _forms(message):
            if form and _placeholders(form) != expected:
                problems.append(
                    f"{message.id!r}: {sorted(expected.elements())} "
                    f"but {form!r} has {sorted(_placeholders(form).elements())}"
                )
    assert not problems, f"{locale} catalog:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_is_up_to_date(locale: str, catalogs: dict[str, Catalog]) -> None:
    """The app reads the .mo files (git-ignored): they must be built from the current .po."""
    mo_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make translations`"
    with open(mo_path, "rb") as mo:
        # read_mo gives plural forms as a list, read_po as a tuple: compare the forms.
        compiled = {_key(m): tuple(_forms(m)) for m in read_mo(mo) if m.id}
    source = {_key(m): tuple(_forms(m)) for m in catalogs[locale] if m.id and not m.fuzzy}
    assert compiled == source, f"{mo_path} is stale: run `make translations`"


class _VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes and the labelling attributes."""

    ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        for name in self.ATTRIBUTES & values.keys():
            self._add(values[name])
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self._add(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data)

    def _add(self, text: str | None) -> None:
        text = " ".join((text or "").split())
        if text:
            self.texts.append(text)


def _visible(client: FlaskClient, language: str) -> _VisibleText:
    response = client.get("/sign-in", headers={"Accept-Language": language})
    assert response.status_code == 200
    parser = _VisibleText()
    parser.feed(response.get_data(as_text=True))
    parser.close()
    return parser


def _shows(texts: list[str], phrase: str) -> bool:
    pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")
    return any(pattern.search(text) for text in texts)


@pytest.mark.parametrize("locale", LOCALES)
def test_sign_in_page_is_rendered_in_the_language_asked_for(
    locale: str,
    client: FlaskClient,
    extracted: dict[MsgId, set[str]],
    catalogs: dict[str, Catalog],
) -> None:
    english = _visible(client, "en")
    on_page = {m for m in extracted if isinstance(m, str) and _shows(english.texts, m)}
    expected_english = {"Sign in to Haven", "Sign in", "E-mail address", "Password", "Language"}
    assert expected_english <= on_page, "the English sign-in page lacks its own messages"

    page = _visible(client, locale)
    assert page.lang == locale
    title = catalogs[locale].get("Sign in to Haven")
    assert title is not None and title.string and title.string != "Sign in to Haven"
    assert title.string in page.texts, f"{locale}: no {title.string!r} on the sign-in page"
    for msgid in sorted(on_page):
        translated = catalogs[locale].get(msgid)
        if translated is not None and translated.string == msgid:
            continue  # the same word in both languages
        assert not _shows(page.texts, msgid), f"{locale}: English {msgid!r} on the sign-in page"


@pytest.mark.parametrize(
    ("locale", "message"),
    [("en", "Not a valid date value."), ("fr", "N'est pas une date valide."),
     ("ru", "Неверное значение даты."), ("uk", "Не дійсне значення дати."),
     ("ar", "قيمة التاريخ غير صالحة.")],
)  # fmt: skip
def test_wtforms_own_messages_are_in_the_readers_language(
    app, monkeypatch: pytest.MonkeyPatch, locale: str, message: str
) -> None:
    """WTForms' built-in messages come from a catalog kept per locale (app.web.i18n), not
    read from disk on every request."""
    from babel import support
    from flask_wtf import FlaskForm
    from wtforms import DateField

    class DayForm(FlaskForm):  # type: ignore[misc]
        day = DateField()

    loads: list[object] = []
    original = support.Translations.load

    def counting_load(*args: object, **kwargs: object) -> object:
        loads.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(support.Translations, "load", counting_load)
    for _ in range(3):
        with app.test_request_context(
            "/", method="POST", data={"day": "31/31/2026"}, headers={"Accept-Language": locale}
        ):
            app.preprocess_request()
            form = DayForm(meta={"csrf": False})
            assert not form.validate()
            assert form.day.errors == [message]
    assert len(loads) <= 1, "the WTForms catalog was read again for the same locale"
