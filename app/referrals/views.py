"""HTML views of the referrals domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__)
