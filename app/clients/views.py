"""HTML views of the clients domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("clients", __name__)
