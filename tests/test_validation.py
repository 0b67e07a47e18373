"""app.validation: the one input layer. Each rule once, with its one message: text, dates
(not before 1900, not after the organisation's today), numbers and amounts, choices,
languages, countries, currencies, references, and fields nobody asked for."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.context import Actor
from app.errors import ValidationFailed
from app.i18n import translated
from app.validation import (
    BAD_CHARACTERS,
    CHOOSE,
    CHOOSE_SEVERAL,
    FUTURE,
    NEGATIVE_AMOUNT,
    NOT_A_COUNTRY,
    NOT_A_CURRENCY,
    NOT_A_DATE,
    NOT_A_LANGUAGE,
    NOT_TEXT,
    REQUIRED,
    TOO_EARLY,
    UNKNOWN_FIELD,
    FieldReader,
    canonical_language,
    clean_text,
    field_names,
)

TODAY = date(2026, 5, 20)


def read(**raw: object) -> FieldReader:
    return FieldReader(raw, raw, today=TODAY)


def rendered(message: str) -> str:
    """A message as a reader sees it (English, values filled in)."""
    return translated(message, lambda text: text, lambda n: f"{n:,}")


class Colour(enum.StrEnum):
    red = "red"
    blue = "blue"


# Text


@pytest.mark.parametrize(
    "bad",
    [
        "Ana\x00Rusu",  # NUL: PostgreSQL refuses it, and it cuts C strings short
        "Ana\ud800",  # a lone surrogate: no encoding can store it
        "\udfffAna",
        "Ana\x1b[31m",  # an escape sequence for a terminal
        "Ana\x7f",
        "Ana\x0bRusu",
    ],
)
def test_text_no_field_may_hold_is_refused_without_repeating_it(bad):
    assert clean_text(bad) is None
    r = read(name=bad)
    assert r.text("name", 200) is None
    assert r.fields == {"name": [BAD_CHARACTERS]}
    assert "Ana" not in str(r.fields)


def test_text_is_trimmed_and_keeps_tabs_and_newlines():
    assert clean_text("  two\tcolumns\nand lines\r\n ") == "two\tcolumns\nand lines"
    r = read(notes="  Мария \n  ", blank="   ", number=42)
    assert r.notes("notes") == "Мария"
    assert r.text("blank", 10) is None and r.ok("blank")
    assert r.text("number", 10) is None and r.fields == {"number": [NOT_TEXT]}


def test_text_length_and_required():
    r = read(name="x" * 201, notes="n" * 10_001, empty="")
    assert r.text("name", 200) is None
    assert r.notes("notes") is None
    assert r.text("empty", 10, required=True) is None
    assert r.text("missing", 10, required=True) is None
    assert {k: [rendered(m) for m in v] for k, v in r.fields.items()} == {
        "name": ["At most 200 characters."],
        "notes": ["At most 10,000 characters."],
        "empty": [REQUIRED],
        "missing": [REQUIRED],
    }


# Dates


def test_dates_are_iso_and_not_before_1900():
    r = read(iso="2026-01-31", typed=date(1900, 1, 1), stamp=datetime(2026, 2, 1, 23, 59))
    assert r.day("iso") == date(2026, 1, 31)
    assert r.day("typed") == date(1900, 1, 1)
    assert r.day("stamp") == date(2026, 2, 1)
    r = read(slashed="31/01/2026", words="yesterday", old=date(1899, 12, 31), ancient="0732-10-10")
    assert [r.day(name) for name in ("slashed", "words", "old", "ancient")] == [None] * 4
    assert r.fields == {
        "slashed": [NOT_A_DATE],
        "words": [NOT_A_DATE],
        "old": [TOO_EARLY],
        "ancient": [TOO_EARLY],
    }


def test_a_date_that_may_lie_ahead_and_one_that_happened():
    r = read(review=TODAY + timedelta(days=30), happened=TODAY + timedelta(days=1), on=TODAY)
    assert r.day("review") == TODAY + timedelta(days=30)
    assert r.past_day("on") == TODAY
    assert r.past_day("happened") is None and r.fields == {"happened": [FUTURE]}
    assert r.past_day("not_given") is None and r.ok("not_given")
    r.past_day("not_given", required=True)
    assert r.fields["not_given"] == [REQUIRED]


def test_a_reader_of_past_dates_must_be_given_the_organisations_today():
    with pytest.raises(AssertionError):
        FieldReader({"on": "2026-01-01"}, ["on"]).past_day("on")


def test_the_organisations_today_is_its_own_calendar_day_not_utcs():
    now = datetime.now(UTC)
    # Kiribati's Line Islands keep UTC+14: for ten hours of every day it is tomorrow there.
    kiribati = Actor(None, None, country="KI").today()
    assert kiribati == (now + timedelta(hours=14)).date()
    assert kiribati >= now.date()
    france = Actor(None, None, country="FR").today()
    assert france == now.astimezone(ZoneInfo("Europe/Paris")).date()
    # A caseworker in Kiribati typing their own today is never told it is in the future...
    r = FieldReader({"on": kiribati.isoformat()}, ["on"], today=kiribati)
    assert r.past_day("on") == kiribati and r.ok("on")
    # ...and France's tomorrow is in the future for an organisation in France.
    tomorrow = (france + timedelta(days=1)).isoformat()
    r = FieldReader({"on": tomorrow}, ["on"], today=france)
    assert r.past_day("on") is None and r.fields == {"on": [FUTURE]}
    # The operator at the command line has no organisation: the latest date on Earth.
    assert Actor.system().today() == kiribati


# Numbers and amounts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", Decimal("12.5")), (" 3 ", Decimal(3)), (Decimal("0.01"), Decimal("0.01"))],
)
def test_numbers(raw, expected):
    r = read(quantity=raw)
    assert r.number("quantity", maximum=Decimal(1000)) == expected and r.ok("quantity")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("lots", "Enter a number."),
        (True, "Enter a number."),
        ("NaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("12\x00", "Enter a number."),
        ("12.345", "Enter a number with at most two decimals, within range."),
        ("1001", "Enter a number with at most two decimals, within range."),
        ("1e999999", "Enter a number with at most two decimals, within range."),
    ],
)
def test_numbers_that_are_refused(raw, message):
    r = read(quantity=raw)
    assert r.number("quantity", maximum=Decimal(1000)) is None
    assert r.fields == {"quantity": [message]}


def test_amounts_are_zero_or_more_in_cents():
    r = read(claimed="12500.5", zero="0", negative="-3", empty="")
    assert r.amount("claimed", maximum=Decimal(10**6)) == Decimal("12500.50")
    assert str(r.amount("claimed", maximum=Decimal(10**6))) == "12500.50"
    assert r.amount("zero", maximum=Decimal(1)) == Decimal("0.00")
    assert r.amount("empty", maximum=Decimal(1)) is None and r.ok("empty")
    assert r.amount("negative", maximum=Decimal(10)) is None
    assert r.fields == {"negative": [NEGATIVE_AMOUNT]}


# Choices, flags, references


def test_choices():
    r = read(colour=" blue ", typed=Colour.red, wrong="green", several="red, blue; red")
    assert r.choice("colour", Colour) is Colour.blue
    assert r.choice("typed", Colour) is Colour.red
    assert r.choice("wrong", Colour) is None
    assert r.choice("absent", Colour, default=Colour.red) is Colour.red and r.ok("absent")
    assert r.choice("absent_required", Colour) is None
    assert r.choices("several", Colour) == [Colour.red, Colour.blue]
    assert read(several=["red", "pink"]).choices("several", Colour) == []
    assert r.fields == {"wrong": [CHOOSE], "absent_required": [CHOOSE]}
    bad = read(several=["red", "pink"])
    bad.choices("several", Colour)
    assert bad.fields == {"several": [CHOOSE_SEVERAL]}


def test_flags_and_references():
    some_id = uuid.uuid4()
    r = read(yes="on", no="", typed=False, odd="perhaps", ref=str(some_id), bad_ref="7")
    assert (r.flag("yes"), r.flag("no"), r.flag("typed"), r.flag("absent")) == (
        True,
        False,
        False,
        None,
    )
    assert r.flag("odd") is None
    assert r.ref("ref") == some_id and r.ref("bad_ref") is None
    assert r.fields == {"odd": ["Answer yes or no."], "bad_ref": [CHOOSE]}


# Languages, countries, currencies


def test_languages_are_known_bcp47_tags_in_canonical_case():
    assert canonical_language("sr_latn_rs") == "sr-Latn-RS"
    assert canonical_language("AR-sy") == "ar-SY"
    assert canonical_language("prs") == "prs"  # Dari: spoken by clients, not in CLDR yet
    assert canonical_language("es-419") == "es-419"
    for unknown in ("klingon", "xx-YY", "en-Abcd", "en-QQ", "e", ""):
        assert canonical_language(unknown) is None
    r = read(spoken="uk, ro;RO  ar-SY", one="RU", wrong="ro, elvish", alone="elvish")
    assert r.languages("spoken") == ["uk", "ro", "ar-SY"]
    assert r.language("one") == "ru"
    assert r.languages("wrong") == ["ro"]
    assert r.language("alone") is None
    assert r.fields == {"wrong": [NOT_A_LANGUAGE], "alone": [NOT_A_LANGUAGE]}
    many = read(
        spoken=["en", "fr", "de", "es", "it", "pt", "nl", "pl", "ro", "ru", "uk", "ar", "tr"]
    )
    many.languages("spoken")
    assert many.fields == {"spoken": ["At most 12 languages."]}


def test_countries_and_currencies():
    r = read(country="md", wrong="Moldova", code="XX", currency="eur", euro="EURO", abc="ABC")
    assert r.country("country") == "MD"
    assert r.country("wrong") is None and r.country("code") is None
    assert r.currency("currency") == "EUR"
    assert r.currency("euro") is None and r.currency("abc") is None
    assert r.currency("absent") is None and r.ok("absent")
    assert r.fields == {
        "wrong": [NOT_A_COUNTRY],
        "code": [NOT_A_COUNTRY],
        "euro": [NOT_A_CURRENCY],
        "abc": [NOT_A_CURRENCY],
    }


# Fields, typed input objects, and the error raised


def test_unknown_fields_are_refused_each_by_name():
    r = FieldReader({"name": "Ana", "colour": "blue", "passport": "X1"}, ["name"])
    assert r.text("name", 10) == "Ana"
    assert r.fields == {"colour": [UNKNOWN_FIELD], "passport": [UNKNOWN_FIELD]}
    with pytest.raises(ValidationFailed) as caught:
        r.raise_if_failed()
    assert caught.value.fields == r.fields and caught.value.status == 422


@dataclass(frozen=True)
class Visit:
    on: date | str | None
    colour: str | None = Colour.red
    notes: str | None = None


def test_a_typed_input_object_is_read_like_any_input_and_names_its_fields():
    assert field_names(Visit) == {"on", "colour", "notes"}
    r = FieldReader.of(Visit(on="2999-01-01", colour="green", notes="a\x00b"), today=TODAY)
    assert (r.past_day("on"), r.choice("colour", Colour), r.notes("notes")) == (None, None, None)
    assert r.fields == {"on": [FUTURE], "colour": [CHOOSE], "notes": [BAD_CHARACTERS]}
    r = FieldReader.of(Visit(on=TODAY), today=TODAY)
    assert (r.past_day("on"), r.choice("colour", Colour), r.notes("notes")) == (
        TODAY,
        Colour.red,
        None,
    )
    r.raise_if_failed()  # nothing to report


def test_every_problem_is_reported_at_once():
    r = read(on="soon", colour="green", name="\x00")
    r.day("on")
    r.choice("colour", Colour)
    r.text("name", 5)
    r.fail("on", "A second message for the same field.")
    with pytest.raises(ValidationFailed) as caught:
        r.raise_if_failed()
    assert caught.value.fields == {
        "on": [NOT_A_DATE, "A second message for the same field."],
        "colour": [CHOOSE],
        "name": [BAD_CHARACTERS],
    }
