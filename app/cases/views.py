"""HTML views of the cases domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__)
