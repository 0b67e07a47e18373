"""The baseline of ``bench/casework.py``: a bare Flask app returning a short text, served by
gunicorn with exactly the settings used for Haven in the same run."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def minimal() -> str:
    return "ok"
