"""``GET /health``: whether this process can serve, for a load balancer and an operator.

It says what works and what runs degraded (the rate-limit store fell back to local
limits), never where anything is (no URL, host or version).
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.web.extensions import rate_limit_store_down

bp = Blueprint("health", __name__)
#: The rate-limit store is down: each process counts on its own, with stricter limits.
FALLBACK = "local fallback (shared store unreachable)"
log = logging.getLogger("haven.health")


@bp.route("/health")
def health() -> tuple[Response, int]:
    database = _database_answers()
    settings = current_app.extensions["haven.settings"]
    if settings.redis_url is None:
        limits = "local"
    else:
        limits = (
            "local fallback (shared store unreachable)" if rate_limit_store_down() else "shared"
        )
    status = (
        "ok" if database and limits != "local fallback (shared store unreachable)" else "degraded"
    )
    body = {
        "status": status,
        "database": "ok" if database else "unreachable",
        "rate_limits": limits,
    }
    return jsonify(body), 200 if database else 503


def _database_answers() -> bool:
    try:
        with current_app.extensions["haven.engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health: the database does not answer")
        return False
    return True
