"""The door every request's input passes before any view or schema reads it.

Services check their own fields (:mod:`app.validation`); this guard refuses, for every
route at once, what no field of Haven may hold and what would otherwise reach a parser or
the database as a 500:

- an API body Haven cannot read: not JSON (415, never a silently empty object), not valid
  JSON or nested deeper than :data:`MAX_DEPTH` (400);
- any text, in a form, a query string or JSON, holding NUL, a control character other
  than tab and newline, or a lone surrogate (422, naming the field);
- in the API, a paging number that is not one from 1 to :data:`~app.validation.MAX_PAGE`
  (``page``, ``per_page``: 422). Screens are lenient (a hand-edited ``?page=`` shows the
  first page) and the list services clamp the number, so neither can overflow.

The size of a body is limited by ``MAX_CONTENT_LENGTH`` (413) before any of this; the few
routes that take an upload name their own limit with :func:`allow_upload`, and a body over
it gets a 413 whose message sits on the upload's field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, request

from app.errors import HavenError, ValidationFailed
from app.i18n import N_
from app.validation import BAD_CHARACTERS, MAX_PAGE, clean_text

#: JSON deeper than this is refused: Haven's API has no document deeper than 4.
MAX_DEPTH = 32
PAGING = ("page", "per_page")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"')
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class Upload:
    #: The largest body the route accepts, in bytes (the file and the form around it).
    max_body: int
    #: The field holding the file, and what to tell the user when the body is too large.
    field: str
    too_large: str


#: Endpoint name -> its upload limit (routes register at import time).
UPLOADS: dict[str, Upload] = {}


def allow_upload(endpoint: str, max_body: int, field: str, too_large: str) -> None:
    """Let ``endpoint`` take a body up to ``max_body`` bytes instead of the app's limit."""
    UPLOADS[endpoint] = Upload(max_body, field, too_large)


def upload_too_large() -> dict[str, list[str]] | None:
    """The field message for a 413 on an upload route (None on any other route)."""
    upload = UPLOADS.get(request.endpoint or "")
    return {upload.field: [upload.too_large]} if upload else None


class UnsupportedBody(HavenError):
    status = 415


class UnreadableBody(HavenError):
    status = 400


def init_app(app: Flask) -> None:
    @app.before_request
    def _guard_input() -> None:
        upload = UPLOADS.get(request.endpoint or "")
        if upload is not None:
            # Set before anything reads the body: werkzeug refuses a larger one (413).
            request.max_content_length = upload.max_body
        problems: dict[str, list[str]] = {}
        for name, value in _texts():
            if clean_text(value) is None:
                problems.setdefault(name, [BAD_CHARACTERS])
        for name in PAGING if request.path.startswith("/api/") else ():
            raw = request.args.get(name)
            if raw is not None and not _in_range(raw):
                problems[name] = [N_("Enter a whole number from 1 to 1,000,000.")]
        if problems:
            raise ValidationFailed(problems)


def _texts() -> Iterator[tuple[str, str]]:
    """Every text of the request: query string, form fields, and the JSON body's strings
    (keys and values, with dotted paths)."""
    for name, value in request.args.items(multi=True):
        yield name, value
    if request.method not in _WITH_BODY:
        return
    if request.path.startswith("/api/"):
        yield from _json_strings(_api_body(), "")
    else:
        for name, value in request.form.items(multi=True):
            yield name, value


def _api_body() -> Any:
    """The API body as JSON, or a 4xx: the API never reads a body as an empty object."""
    raw = request.get_data(cache=True)
    if not raw:
        return None
    if not request.is_json:
        raise UnsupportedBody(N_("Send the body as JSON (Content-Type: application/json)."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableBody(N_("The body is not valid JSON.")) from None
    if _depth(text) > MAX_DEPTH:
        raise UnreadableBody(N_("The body is nested too deeply."))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableBody(N_("The body is not valid JSON.")) from None


def _depth(text: str) -> int:
    """How deeply brackets nest outside strings (without parsing: a parser recurses)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, dict):
        for key, inner in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from _json_strings(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_strings(inner, path)


def _in_range(raw: str) -> bool:
    return raw.isdecimal() and len(raw) <= 7 and 1 <= int(raw) <= MAX_PAGE
