"""Haven as ``wsgi.py`` builds it, plus one diagnostic route for ``bench/casework.py``,
added from outside ``app/``: ``GET /_bench/whoami`` runs the whole request pipeline (hooks,
security headers, the server-side session lookup of the signed-in user) and renders
nothing. It separates "the price of any signed-in Haven request" from "the price of the
client list" in the benchmark's table."""

from __future__ import annotations

from flask_login import current_user

from app import create_app

app = create_app()


@app.get("/_bench/whoami")
def whoami() -> tuple[str, int]:
    return ("signed-in", 200) if current_user.is_authenticated else ("anonymous", 401)
