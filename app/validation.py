"""The one input layer: reading and checking what people and integrations send.

Every service reads its raw input (a form's or the API's mapping, or a typed input object's
fields) through :class:`FieldReader`, so the screens, the API and the command line refuse
the same things with the same message, in the user's language. Each rule is written once
here, with one message:

- **text**: trimmed; NUL, control characters other than tab and newline, and lone
  surrogates (which no encoding can store) are refused (:func:`clean_text`);
- **dates**: ISO ``YYYY-MM-DD``; dates of events are not before 1900 and not after the
  organisation's today (:meth:`app.context.Actor.today`, the one meaning of "not in the
  future");
- **choices**: a value of the enumeration; **numbers**: decimals with at most two places,
  within a range; **languages**: a known BCP 47 tag; **countries**: ISO 3166-1 alpha-2;
  **currencies**: ISO 4217; **references**: a UUID.

Every problem is collected so the user sees all of them at once, then raised as one
:class:`~app.errors.ValidationFailed` (422) before anything is written.

XXX: messages never repeat the value that was refused (it may be a name or a document).
"""

from __future__ import annotations

import dataclasses
import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

from babel import Locale
from babel.numbers import list_currencies

from app.errors import ValidationFailed
from app.i18n import N_
from app.regions import COUNTRIES

E = TypeVar("E", bound=enum.StrEnum)
In = TypeVar("In")

#: The earliest date of anything Haven records (a service, a claim, a birth).
EARLIEST_DATE = date(1900, 1, 1)
NOTES_MAX = 10_000
#: The highest page number a list accepts (past it, a list is simply empty); far below
#: any number whose offset would overflow the database's integers.
MAX_PAGE = 1_000_000
MAX_LANGUAGES = 12
_TRUE = {"y", "yes", "true", "on", "1"}
_FALSE = {"", "n", "no", "false", "off", "0"}
_CENT = Decimal("0.01")
# Control characters except tab, newline and carriage return; lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# language[-script][-region][-variant...]; private-use and extensions are not needed here.
_BCP47 = re.compile(
    r"(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)"
)
#: ISO 639-3 codes of languages spoken by clients that CLDR (babel) does not name yet.
_EXTRA_LANGUAGES = frozenset({"prs", "ber"})

REQUIRED = N_("This field is required.")
UNKNOWN_FIELD = N_("Unknown field.")
NOT_TEXT = N_("Enter text.")
BAD_CHARACTERS = N_("This text contains characters that are not allowed.")
CHOOSE = N_("Choose a value from the list.")
CHOOSE_SEVERAL = N_("Choose values from the list.")
NOT_A_DATE = N_("Enter a date as YYYY-MM-DD.")
FUTURE = N_("This date is in the future.")
TOO_EARLY = N_("This date is before 1900.")
NOT_A_LANGUAGE = N_("Not a known language tag (BCP 47, e.g. ro, uk, ar-SY).")
NOT_A_COUNTRY = N_("Enter a two-letter ISO 3166 country code, e.g. FR.")
NOT_A_CURRENCY = N_("Enter a three-letter ISO 4217 currency code, e.g. EUR.")
NEGATIVE_AMOUNT = N_("Enter an amount of zero or more.")
ENDS_BEFORE_START = N_("The end date is before the start date.")


def too_long(limit: int) -> str:
    return N_("At most %(limit)s characters.", limit=limit)


def field_names(input_type: type[Any]) -> frozenset[str]:
    """The fields of a typed input object (a dataclass): the one list a form, a schema or a
    correction derives its own from."""
    return frozenset(f.name for f in dataclasses.fields(input_type))


def typed_input(input_type: type[In], raw: Mapping[str, object]) -> In:
    """The typed input object ``input_type`` (a dataclass) holding a mapping's values (the
    API's arguments, a test's); a name that is no field of it is refused, as a form's or
    the API's unknown field is."""
    unknown = sorted(set(raw) - field_names(input_type))
    if unknown:
        raise ValidationFailed({name: [UNKNOWN_FIELD] for name in unknown})
    return input_type(**raw)


def clean_text(value: str) -> str | None:
    """``value`` trimmed, or None when it holds characters no text field may hold."""
    if _FORBIDDEN.search(value):
        return None
    return value.strip()


class Errors:
    """Messages per field, gathered so that every problem is reported at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def ok(self, name: str) -> bool:
        return name not in self.fields

    def merge(self, other: ValidationFailed) -> None:
        for name, messages in other.fields.items():
            for message in messages:
                self.fail(name, message)

    def raise_if_failed(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


class FieldReader(Errors):
    """Typed values and per-field messages from one mapping of raw input.

    Values may already be typed (``date``, ``Decimal``, ``bool``, ``UUID``, from the API's
    schemas or a typed input object) or strings from a form. ``today`` is the actor's
    (:meth:`app.context.Actor.today`): a date after it is in the future.
    """

    def __init__(
        self, raw: Mapping[str, object], allowed: Iterable[str], *, today: date | None = None
    ) -> None:
        super().__init__()
        self.raw, self.today = raw, today
        for name in raw:
            if name not in allowed:
                self.fail(name, UNKNOWN_FIELD)

    @classmethod
    def of(cls, data: Any, *, today: date | None = None) -> FieldReader:
        """A reader of a typed input object's fields (a dataclass instance): the service
        checks what the screens, the API or a test put in it."""
        raw = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
        return cls(raw, raw, today=today)

    def given(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def text(self, name: str, max_len: int, *, required: bool = False) -> str | None:
        """One line or a short text: trimmed, at most ``max_len`` characters."""
        if not self.given(name):
            if required:
                self.fail(name, REQUIRED)
            return None
        value = self.raw[name]
        if not isinstance(value, str):
            self.fail(name, NOT_TEXT)
            return None
        text = clean_text(value)
        if text is None:
            self.fail(name, BAD_CHARACTERS)
        elif len(text) > max_len:
            self.fail(name, too_long(max_len))
            return None
        return text

    def notes(self, name: str) -> str | None:
        """Free text such as notes (to be sealed): at most 10,000 characters."""
        return self.text(name, NOTES_MAX)

    def choice(
        self, name: str, values: type[E], default: E | None = None, *, optional: bool = False
    ) -> E | None:
        """A value of ``values``; when none is given: ``default``, else None if ``optional``,
        else a message."""
        if not self.given(name):
            if default is None and not optional:
                self.fail(name, CHOOSE)
            return default
        try:
            return values(str(self.raw[name]).strip())
        except ValueError:
            self.fail(name, CHOOSE)
            return None

    def choices(self, name: str, values: type[E]) -> list[E]:
        raw = self.raw.get(name) or []
        items = _split(raw) if isinstance(raw, str) else raw
        if not isinstance(items, Iterable):
            items = [items]
        out: list[E] = []
        for item in items:
            try:
                member = values(str(item).strip())
            except ValueError:
                self.fail(name, CHOOSE_SEVERAL)
                return []
            if member not in out:
                out.append(member)
        return out

    def day(self, name: str, *, required: bool = False) -> date | None:
        """A date that may lie ahead (a review, the end of a period), not before 1900."""
        if not self.given(name):
            if required:
                self.fail(name, REQUIRED)
            return None
        value = parse_date(self.raw[name])
        if value is None:
            self.fail(name, NOT_A_DATE)
        elif value < EARLIEST_DATE:
            self.fail(name, TOO_EARLY)
            return None
        return value

    def past_day(self, name: str, *, required: bool = False) -> date | None:
        """The date of something that happened: not after the organisation's today."""
        # XXX: a reader for past dates must be given the actor's today; never guess it.
        assert self.today is not None, "FieldReader(today=ctx.today()) reads past dates"
        value = self.day(name, required=required)
        if value is not None and value > self.today:
            self.fail(name, FUTURE)
            return None
        return value

    def number(self, name: str, *, maximum: Decimal) -> Decimal | None:
        value = self.raw.get(name)
        if not self.given(name):
            return None
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(name, N_("Enter a number."))
            return None
        # Range first: quantize() raises on a number too large for the decimal context.
        if abs(number) > maximum or number != number.quantize(_CENT):
            self.fail(name, N_("Enter a number with at most two decimals, within range."))
            return None
        return number

    def amount(self, name: str, *, maximum: Decimal) -> Decimal | None:
        """A sum of money: a number of zero or more, in cents."""
        number = self.number(name, maximum=maximum)
        if number is not None and number < 0:
            self.fail(name, NEGATIVE_AMOUNT)
            return None
        return None if number is None else number.quantize(_CENT)

    def flag(self, name: str) -> bool | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.fail(name, N_("Answer yes or no."))
        return None

    def ref(self, name: str, *, required: bool = False) -> uuid.UUID | None:
        """The id of something chosen from a list."""
        if not self.given(name):
            if required:
                self.fail(name, CHOOSE)
            return None
        value = self.raw[name]
        if isinstance(value, uuid.UUID):
            return value
        try:
            return uuid.UUID(str(value).strip())
        except ValueError:
            self.fail(name, CHOOSE)
            return None

    def language(self, name: str) -> str | None:
        value = self.text(name, 35)
        if value is None:
            return None
        tag = canonical_language(value)
        if tag is None:
            self.fail(name, NOT_A_LANGUAGE)
        return tag

    def languages(self, name: str) -> list[str]:
        tags: list[str] = []
        for raw in _split(self.raw.get(name)):
            tag = canonical_language(raw)
            if tag is None:
                self.fail(name, NOT_A_LANGUAGE)
            elif tag not in tags:
                tags.append(tag)
        if len(tags) > MAX_LANGUAGES:
            self.fail(name, N_("At most 12 languages."))
        return tags

    def country(self, name: str) -> str | None:
        value = self.text(name, 16)
        if value is None:
            return None
        if value.upper() not in COUNTRIES:
            self.fail(name, NOT_A_COUNTRY)
            return None
        return value.upper()

    def currency(self, name: str) -> str | None:
        value = self.text(name, 16)
        if value is None:
            return None
        code = value.upper()
        if not re.fullmatch(r"[A-Z]{3}", code) or code not in list_currencies():
            self.fail(name, NOT_A_CURRENCY)
            return None
        return code


def parse_date(value: object) -> date | None:
    """A date from a ``date``, a ``datetime`` or an ISO string; None if it is none of them."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _split(value: object) -> list[str]:
    """A list typed as "ro, ru; uk" or sent as a JSON array."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;]+", value) if v]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


@cache
def _known_languages() -> frozenset[str]:
    codes = [str(k) for k in Locale("en").languages]
    return frozenset(k for k in codes if "_" not in k) | _EXTRA_LANGUAGES


@cache
def _known_scripts() -> frozenset[str]:
    return frozenset(str(k) for k in Locale("en").scripts)


def canonical_language(tag: str) -> str | None:
    """A BCP 47 tag in canonical case (``sr-Latn-RS``), or None if it is not a known one."""
    match = _BCP47.fullmatch(tag.strip().replace("_", "-").lower())
    if match is None or match["lang"] not in _known_languages():
        return None
    parts = [match["lang"]]
    if match["script"]:
        script = match["script"].title()
        if script not in _known_scripts():
            return None
        parts.append(script)
    if match["region"]:
        region = match["region"].upper()
        if not region.isdigit() and region not in COUNTRIES:
            return None
        parts.append(region)
    parts.extend(v for v in match["variants"].split("-") if v)
    return "-".join(parts)
