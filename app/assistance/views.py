"""HTML views of the assistance domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assistance", __name__)
