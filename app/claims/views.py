"""HTML views of the claims domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("claims", __name__)
