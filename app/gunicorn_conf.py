"""gunicorn settings for Haven: ``gunicorn -c python:app.gunicorn_conf wsgi:app``.

Command-line options (``-w``, ``-b``) still apply; this file only holds what Haven needs
of every deployment.
"""

from __future__ import annotations

from collections.abc import Callable

from gunicorn.http.wsgi import Response

#: Behind the TLS proxy: gunicorn itself listens on loopback only unless told otherwise.
bind = "127.0.0.1:8000"
#: Never say which server answers (it tells an attacker which flaws to try).
_headers: Callable[[Response], list[str]] = Response.default_headers


def _without_server(self: Response) -> list[str]:
    return [h for h in _headers(self) if not h.lower().startswith("server:")]


# XXX: gunicorn has no setting to drop its Server header; this wraps the one method that
# writes it. tests/web/test_server.py starts gunicorn with this file and checks the header.
Response.default_headers = _without_server
