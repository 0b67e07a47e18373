"""The baselines of ``bench/casework.py``, served by gunicorn with exactly the settings
used for Haven in the same run: ``/`` is a bare Flask app returning a short text; ``/one-
query`` adds one round trip to PostgreSQL through a pooled SQLAlchemy engine set up as
Haven's (``pool_pre_ping``), the floor of any page that reads the database at all."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["HAVEN_DATABASE_URL"], pool_pre_ping=True)


@app.get("/")
def minimal() -> str:
    return "ok"


@app.get("/one-query")
def one_query() -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT 1")).scalar())
