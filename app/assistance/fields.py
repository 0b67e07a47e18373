"""Reading raw input for the assistance services, one field at a time.

The services take a plain mapping so that the HTML forms and the JSON API share one set of
rules. Values may be typed (``date``, ``Decimal``, ``bool``, ``UUID``) or strings from a
form; every problem is collected so the user sees all of them at once, then raised as one
:class:`~app.errors.ValidationFailed` (422) before anything is written.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from babel.numbers import list_currencies

from app.clients.validation import canonical_language
from app.db.base import utcnow
from app.errors import ValidationFailed
from app.i18n import N_

E = TypeVar("E", bound=enum.StrEnum)

NOTES_MAX = 10_000
_TRUE = {"y", "yes", "true", "on", "1"}
_FALSE = {"", "n", "no", "false", "off", "0"}
_CENT = Decimal("0.01")


def latest_day() -> date:
    """The latest date that is not in the future anywhere: the server runs on UTC and the
    caseworker may be up to 14 hours ahead of it (UTC+14)."""
    return (utcnow() + timedelta(hours=14)).date()


class FieldReader:
    """Collects typed values and per-field messages from one mapping of raw input."""

    def __init__(self, raw: Mapping[str, object], allowed: Iterable[str]) -> None:
        self.raw = raw
        self.errors: dict[str, list[str]] = {}
        for name in raw:
            if name not in allowed:
                self.fail(name, N_("Unknown field."))

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def ok(self, name: str) -> bool:
        return name not in self.errors

    def given(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def raise_if_failed(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, name: str, max_len: int, *, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if not self.given(name):
            if required:
                self.fail(name, N_("This field is required."))
            return None
        if not isinstance(value, str):
            self.fail(name, N_("Enter text."))
            return None
        value = value.strip()
        if len(value) > max_len:
            self.fail(name, N_("This is too long."))
            return None
        return value

    def notes(self, name: str) -> str | None:
        value = self.raw.get(name)
        if not self.given(name):
            return None
        if not isinstance(value, str):
            self.fail(name, N_("Enter text."))
            return None
        if len(value) > NOTES_MAX:
            self.fail(name, N_("Notes may be at most 10,000 characters long."))
            return None
        return value.strip()

    def choice(self, name: str, values: type[E], default: E | None = None) -> E | None:
        if not self.given(name):
            if default is None:
                self.fail(name, N_("Choose a value from the list."))
            return default
        try:
            return values(str(self.raw[name]).strip())
        except ValueError:
            self.fail(name, N_("Choose a value from the list."))
            return None

    def choices(self, name: str, values: type[E]) -> list[E]:
        raw = self.raw.get(name) or []
        if isinstance(raw, str) or not isinstance(raw, Iterable):
            raw = [raw]
        out: list[E] = []
        for item in raw:
            try:
                member = values(str(item).strip())
            except ValueError:
                self.fail(name, N_("Choose values from the list."))
                return []
            if member not in out:
                out.append(member)
        return out

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw.get(name)
        if not self.given(name):
            if required:
                self.fail(name, N_("Enter a date."))
            return None
        if isinstance(value, datetime):
            value = value.date()
        elif isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, date):
            self.fail(name, N_("Enter a date as YYYY-MM-DD."))
            return None
        return value

    def past_day(self, name: str, *, required: bool = False) -> date | None:
        value = self.day(name, required=required)
        if value is not None and value > latest_day():
            self.fail(name, N_("This date is in the future."))
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

    def ref(self, name: str) -> uuid.UUID | None:
        value = self.raw.get(name)
        if not self.given(name):
            return None
        if isinstance(value, uuid.UUID):
            return value
        try:
            return uuid.UUID(str(value).strip())
        except ValueError:
            self.fail(name, N_("Choose a value from the list."))
            return None

    def language(self, name: str) -> str | None:
        value = self.text(name, 35)
        if value is None:
            return None
        # The same rule as the client's languages, so a preferred language always fits.
        tag = canonical_language(value)
        if tag is None:
            self.fail(name, N_("Enter a language tag such as en, fr, ru or pt-BR."))
        return tag

    def currency(self, name: str) -> str | None:
        value = self.text(name, 16)
        if value is None:
            return None
        code = value.upper()
        if not re.fullmatch(r"[A-Z]{3}", code) or code not in list_currencies():
            self.fail(name, N_("Enter a three-letter ISO 4217 currency code, e.g. EUR."))
            return None
        return code
