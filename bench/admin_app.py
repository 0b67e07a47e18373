"""What a user might pick instead of Haven's list, for ``bench/casework.py``: a generic
admin (Flask-Admin's ``ModelView``) over the same ``clients`` table, 50 rows a page,
newest first, the same columns, served by gunicorn with Haven's settings in the same run.

It does less than Haven: no sign-in, no session, no row-level security (it reads as the
``postgres`` superuser and filters ``tenant_id`` from the query string), no permission
check, no translation. Flask-Admin is a bench-only dependency: ``pip install -e .[bench]``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from flask import Flask, request
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

import app.models  # noqa: F401 - every model mapped, as Haven has them
from app.clients.models import Client

engine = create_engine(os.environ["BENCH_ADMIN_DATABASE_URL"], pool_pre_ping=True)
db = scoped_session(sessionmaker(bind=engine))


class ClientsView(ModelView):  # type: ignore[misc]
    page_size = 50
    can_create = can_edit = can_delete = False
    column_list = (
        "code",
        "created_at",
        "gender",
        "age_band",
        "is_minor",
        "nationality_region",
        "victim_status",
    )
    column_default_sort = ("created_at", True)

    def _tenant(self) -> uuid.UUID:
        return uuid.UUID(request.args["tenant"])

    def get_query(self) -> Any:
        return super().get_query().filter(Client.tenant_id == self._tenant())

    def get_count_query(self) -> Any:
        return super().get_count_query().filter(Client.tenant_id == self._tenant())


app = Flask(__name__)
app.secret_key = os.urandom(32)
Babel(app)  # Flask-Admin translates through Flask-Babel when it is installed (Haven has it)
admin = Admin(app, name="bench")
admin.add_view(ClientsView(Client, db, endpoint="client"))


@app.teardown_appcontext
def _remove_session(_exc: BaseException | None) -> None:
    db.remove()
