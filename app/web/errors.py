"""The one error handler: domain errors and HTTP errors become a page (or JSON) in the
user's language; nothing internal (trace, SQL, secret) reaches the user."""

from __future__ import annotations

import logging

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

from app.errors import AuthenticationFailed, HavenError, ValidationFailed
from app.i18n import N_, translated
from app.web.extensions import login_manager
from app.web.inputs import upload_too_large

log = logging.getLogger("haven.errors")

TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please sign in"),
    403: N_("You are not allowed to do this"),
    404: N_("Not found"),
    405: N_("This action is not available here"),
    409: N_("This conflicts with the current state"),
    413: N_("What you sent is too large"),
    422: N_("Some fields need attention"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: N_("Please go back and try again."),
    401: N_("Your session has ended. Please sign in again."),
    403: N_("Your role in this organisation does not allow this page."),
    404: N_("There is nothing at this address, or you may not see it."),
    422: N_("Correct the fields listed and send again. Nothing was saved."),
    429: N_("Please wait a minute before trying again."),
    500: N_("The error was logged. Nothing you entered was saved."),
}


def render_error(
    status: int,
    message: str | None = None,
    fields: dict[str, list[str]] | None = None,
    *,
    back: str | None = None,
) -> tuple[Response | str, int]:
    title = gettext(TITLES.get(status, TITLES[400]))
    text = translated(
        message or EXPLANATIONS.get(status, EXPLANATIONS[400]), gettext, format_decimal
    )
    translated_fields = {
        k: [translated(m, gettext, format_decimal) for m in v] for k, v in (fields or {}).items()
    }
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        body: dict[str, object] = {"status": status, "error": title, "message": text}
        if translated_fields:
            body["fields"] = translated_fields
        return jsonify(body), status
    return render_template(
        "error.html",
        status=status,
        title=title,
        message=text,
        fields=translated_fields,
        back=back,
    ), status


@login_manager.unauthorized_handler  # type: ignore[untyped-decorator]
def _unauthorized() -> Response | tuple[str, int]:
    if g.get("session_expired"):
        raise AuthenticationFailed(N_("Your session has ended. Please sign in again."))
    if request.path.startswith("/api/"):
        raise AuthenticationFailed()
    return redirect(url_for("auth.sign_in"))  # type: ignore[return-value]


def _text(message: str) -> str:
    return translated(message, gettext, format_decimal)


def init_app(app: Flask) -> None:
    @app.errorhandler(HavenError)
    def _domain(error: HavenError) -> tuple[Response | str, int]:
        fields = error.fields if isinstance(error, ValidationFailed) else None
        return render_error(error.status, error.message or None, fields)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Response | str, int]:
        log.warning("CSRF check failed on %s %s", request.method, request.path)
        return render_error(
            400,
            N_(
                "This form has expired or did not come from Haven. Please reload the page and try again."  # noqa: E501
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        if status == 429:
            log.warning("rate limit hit on %s", request.path)
        fields = upload_too_large() if status == 413 else _schema_errors(error)
        if status == 413 and fields is None:
            return _form_too_large()
        return render_error(status, fields=fields)

    # flask-smorest registers its own HTTPException handler (another JSON shape, and JSON
    # on HTML pages too) after this one; handlers registered per status code come first in
    # Flask's lookup, so every HTTP error still goes through ``_http``.
    for code in default_exceptions:
        app.register_error_handler(code, _http)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response | str, int]:
        # Engine created with hide_parameters, so no bound values reach this log line.
        log.exception("unhandled error on %s %s", request.method, request.path)
        # XXX: the request's database session may be the thing that failed. The error page
        # must not touch it (no user reloaded for the locale, no header queries): it is
        # rendered from what needs no database, and the session is rolled back at teardown.
        g.failed = True
        return render_error(500)


def _form_too_large() -> tuple[Response | str, int]:
    """A form body over the app's limit was refused unread, so its text cannot be shown
    again: say so, and lead back to the form (its GET page) rather than to the home page.
    Text boxes carry ``maxlength``, so a browser does not send this much by typing."""
    message = N_(
        "Nothing was saved: what this form sent is larger than Haven accepts (1 MB), so "
        "it could not be read. Notes hold at most 10,000 characters; shorten the text and "
        "send it again."
    )
    back = None
    if not request.path.startswith("/api/"):
        try:
            current_app.url_map.bind_to_environ(request.environ).match(method="GET")
            back = request.path
        except HTTPException:
            back = None
    return render_error(413, message, back=back)


def _schema_errors(error: HTTPException) -> dict[str, list[str]] | None:
    """Per-field messages of a request the API's marshmallow schemas refused (webargs puts
    them in ``error.data["messages"]`` keyed by location), flattened to dotted names."""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        return None
    fields: dict[str, list[str]] = {}
    for location, found in messages.items():
        _flatten(found, "", str(location), fields)
    return fields or None


def _flatten(found: object, prefix: str, location: str, out: dict[str, list[str]]) -> None:
    if isinstance(found, dict):
        for name, inner in found.items():
            _flatten(inner, f"{prefix}.{name}" if prefix else str(name), location, out)
    elif isinstance(found, list | tuple):
        for item in found:
            if isinstance(item, dict):
                _flatten(item, prefix, location, out)
            else:
                out.setdefault(prefix or location, []).append(str(item))
    else:
        out.setdefault(prefix or location, []).append(str(found))
