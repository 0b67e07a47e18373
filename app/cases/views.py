"""HTML views of the cases domain: the client's case tab and its small forms. The risks tab
and the "reviews due" list are in :mod:`app.cases.risk_views` (same blueprint).

Every handler loads the client first (``get_client``): another organisation's client,
case or member is "not found", like a missing one, before any form is looked at. A form
that fails re-renders the tab with the messages on its fields, as a 422 (nothing stored).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.cases import children, forms, inputs, service
from app.cases.models import Schooling
from app.cases.overview import CaseOverview, case_overview
from app.clients.service import get_client
from app.context import Actor
from app.db.base import utcnow
from app.web.forms import Page, form_input, handle_form
from app.web.request import actor, db

bp = Blueprint("cases", __name__)
T = TypeVar("T")
CASE = "/clients/<uuid:client_id>/cases/<uuid:case_id>"


@bp.route("/clients/<uuid:client_id>/case")
@requires(Permission.casework)
def case_tab(client_id: uuid.UUID) -> str:
    return _case_page(client_id)


def _case_page(
    client_id: uuid.UUID, key: str | None = None, failed: FlaskForm | None = None
) -> str:
    overview = case_overview(db(), actor(), client_id)
    built = _forms(overview)
    if key is not None and failed is not None:
        built[key] = failed
    choices = [(str(m.user_id), m.display_name) for m in overview.assignable]
    built["assign"].user_id.choices = choices
    return render_template(
        "cases/case.html",
        active_tab="case",
        client=overview.client,
        view=overview,
        forms=built,
        action=ActionForm(formdata=None),
        today=utcnow().date(),
        **_labels(),
    )


def _forms(view: CaseOverview) -> dict[str, FlaskForm]:
    """The tab's forms with their defaults (formdata=None: never read another form's POST)."""
    today = utcnow().date()
    case = view.current
    return {
        "open": forms.OpenCaseForm(formdata=None, prefix="open", opened_on=today),
        "close": forms.CloseCaseForm(formdata=None, prefix="close", closed_on=today),
        "nrm": forms.NrmStateForm(formdata=None, prefix="nrm", changed_on=today),
        "reflection": forms.ReflectionPeriodForm(
            formdata=None,
            prefix="reflection",
            reflection_start=case.reflection_start if case else None,
            reflection_end=case.reflection_end if case else None,
        ),
        "permit": forms.PermitTrackForm(
            formdata=None, prefix="permit", permit_track=case.permit_track if case else None
        ),
        "assign": forms.AssignForm(formdata=None, prefix="assign"),
        "child": forms.ChildDetailsForm(
            formdata=None,
            prefix="child",
            schooling=view.child.schooling if view.child else Schooling.not_enrolled,
            child_protection_service=view.child.child_protection_service if view.child else None,
        ),
    }


def _labels() -> dict[str, Any]:
    return {
        "permit_labels": forms.PERMIT_LABELS,
        "nrm_labels": forms.NRM_LABELS,
        "close_labels": forms.CLOSE_LABELS,
        "schooling_labels": forms.SCHOOLING_LABELS,
        "risk_labels": forms.RISK_LABELS,
        "level_labels": forms.LEVEL_LABELS,
    }


def _on_case_tab(
    client_id: uuid.UUID, key: str | None, form: FlaskForm, action: Callable[[], object]
) -> Page:
    get_client(db(), actor(), client_id)  # another organisation's client: 404 before all
    return handle_form(
        form,
        action,
        page=lambda failed: _case_page(client_id, key, failed),
        then=url_for("cases.case_tab", client_id=client_id),
        done=_("Case saved."),
    )


def _change_case(
    client_id: uuid.UUID,
    case_id: uuid.UUID,
    key: str,
    form_class: type[FlaskForm],
    command: Callable[[Session, Actor, uuid.UUID, uuid.UUID, T], object],
    kind: type[T],
) -> Page:
    """One of the tab's forms for the open case (prefixed ``key``): the input object it
    builds goes to the service ``command``."""
    form = form_class(prefix=key)
    return _on_case_tab(
        client_id,
        key,
        form,
        lambda: command(db(), actor(), client_id, case_id, form_input(form, kind)),
    )


@bp.post("/clients/<uuid:client_id>/cases")
@requires(Permission.casework)
def open_case(client_id: uuid.UUID) -> Page:
    form = forms.OpenCaseForm(prefix="open")
    return _on_case_tab(
        client_id,
        "open",
        form,
        lambda: service.open_case(db(), actor(), client_id, form_input(form, inputs.CaseOpening)),
    )


@bp.post(f"{CASE}/close")
@requires(Permission.casework)
def close_case(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    return _change_case(
        client_id, case_id, "close", forms.CloseCaseForm, service.close_case, inputs.CaseClosing
    )


@bp.post(f"{CASE}/nrm")
@requires(Permission.casework)
def record_nrm_state(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    return _change_case(
        client_id, case_id, "nrm", forms.NrmStateForm, service.record_nrm_state, inputs.NrmChange
    )


@bp.post(f"{CASE}/reflection")
@requires(Permission.casework)
def set_reflection_period(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    return _change_case(
        client_id,
        case_id,
        "reflection",
        forms.ReflectionPeriodForm,
        service.set_reflection_period,
        inputs.ReflectionPeriod,
    )


@bp.post(f"{CASE}/permit")
@requires(Permission.casework)
def set_permit_track(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    return _change_case(
        client_id,
        case_id,
        "permit",
        forms.PermitTrackForm,
        service.set_permit_track,
        inputs.PermitTrackChoice,
    )


@bp.post(f"{CASE}/assignments")
@requires(Permission.casework)
def assign(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    return _change_case(
        client_id, case_id, "assign", forms.AssignForm, service.assign_caseworker, inputs.Assignee
    )


@bp.post(f"{CASE}/assignments/<uuid:user_id>/remove")
@requires(Permission.casework)
def unassign(client_id: uuid.UUID, case_id: uuid.UUID, user_id: uuid.UUID) -> Page:
    return _on_case_tab(
        client_id,
        None,
        ActionForm(),
        lambda: service.unassign(db(), actor(), client_id, case_id, user_id),
    )


@bp.post(f"{CASE}/child")
@requires(Permission.casework)
def update_child_details(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    form = forms.ChildDetailsForm(prefix="child")
    children.child_case(db(), actor(), client_id, case_id)  # 404, 409 or 403 before the form
    return _on_case_tab(
        client_id,
        "child",
        form,
        lambda: children.update_child_details(db(), actor(), client_id, case_id, form.module()),
    )


@bp.post(f"{CASE}/child/reveal")
@requires(Permission.casework)
def reveal_child_details(client_id: uuid.UUID, case_id: uuid.UUID) -> str:
    client = get_client(db(), actor(), client_id)
    secrets = children.reveal_child_details(db(), actor(), client_id, case_id)
    return render_template(
        "cases/child_revealed.html", active_tab="case", client=client, secrets=secrets
    )
