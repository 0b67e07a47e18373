"""HTML views of disclosure: a client's requests and the request form, one request with
its decision in words (approve, decline, release), the register, break-glass, and the
organisation's policy: choose it, read it, try it ("what if").

XXX: URLs carry ids and the disclosure number only; the package is a POST answered with
the download, never a URL that could be replayed or cached.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.clients.service import get_client
from app.disclosure import break_glass, policy, register, rules, service
from app.disclosure.forms import (
    BASES,
    BREAK_GLASS_REASONS,
    EVENTS,
    GROUPS,
    NOTIFY_REASONS,
    OUTCOMES,
    PURPOSES,
    RECIPIENTS,
    STATUSES,
    ApprovalForm,
    BreakGlassForm,
    DisclosureForm,
    PolicyForm,
    RegisterSearchForm,
    WhatIfForm,
)
from app.disclosure.inputs import (
    ApprovalInput,
    BreakGlassInput,
    DisclosureInput,
    PolicyChoiceInput,
    WhatIfInput,
)
from app.disclosure.package import release_package
from app.disclosure.wording import reason_text
from app.web.forms import Page, form_input, handle_form, submit
from app.web.request import actor, db

bp = Blueprint("disclosure", __name__)


def labels() -> dict[str, Any]:
    return {
        "recipient_labels": RECIPIENTS,
        "purpose_labels": PURPOSES,
        "basis_labels": BASES,
        "group_labels": GROUPS,
        "outcome_labels": OUTCOMES,
        "status_labels": STATUSES,
        "event_labels": EVENTS,
        "notify_labels": NOTIFY_REASONS,
        "break_glass_labels": BREAK_GLASS_REASONS,
        "reason_text": reason_text,
    }


@bp.route("/clients/<uuid:client_id>/disclosures", methods=["GET", "POST"])
@requires(Permission.request_disclosure)
def client_disclosures(client_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    form = DisclosureForm()

    def page(f: DisclosureForm) -> str:
        return render_template(
            "disclosure/client.html",
            **labels(),
            client=client,
            active_tab="disclosures",
            form=f,
            requests=service.requests_for_client(db(), actor(), client.id),
            break_glass_form=BreakGlassForm(formdata=None),
        )

    return handle_form(
        form,
        lambda: service.ask_for_disclosure(
            db(), actor(), client.id, form_input(form, DisclosureInput)
        ),
        page=page,
        then=lambda row: url_for("disclosure.request_page", request_id=row.id),
        done=lambda row: _("Request %(number)s decided.", number=row.number),
        fallback="field_groups",
    )


@bp.route("/disclosures/<uuid:request_id>")
@requires(Permission.request_disclosure)
def request_page(request_id: uuid.UUID, approval_form: ApprovalForm | None = None) -> str:
    row = service.get_request(db(), actor(), request_id)
    client = get_client(db(), actor(), row.client_id)
    return render_template(
        "disclosure/request.html",
        **labels(),
        row=row,
        client=client,
        groups=service.explain(row),
        approval_form=approval_form or ApprovalForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


@bp.route("/disclosures/<uuid:request_id>/approve", methods=["POST"])
@requires(Permission.approve_disclosure)
def approve(request_id: uuid.UUID) -> Page:
    form = ApprovalForm()
    return handle_form(
        form,
        lambda: service.approve_disclosure(
            db(),
            actor(),
            request_id,
            ApprovalInput(form.notify_client.data, form.notify_reason.data or None),
        ),
        page=lambda f: request_page(request_id, approval_form=f),
        then=url_for("disclosure.request_page", request_id=request_id),
        done=_("Approved. The package can now be released."),
    )


@bp.route("/disclosures/<uuid:request_id>/decline", methods=["POST"])
@requires(Permission.approve_disclosure)
def decline(request_id: uuid.UUID) -> Page:
    return handle_form(
        ActionForm(),
        lambda: service.decline_disclosure(db(), actor(), request_id),
        page=lambda f: request_page(request_id),
        then=url_for("disclosure.request_page", request_id=request_id),
        done=_("Declined."),
    )


@bp.route("/disclosures/<uuid:request_id>/release", methods=["POST"])
@requires(Permission.request_disclosure)
def release(request_id: uuid.UUID) -> Response | str:
    """The signed package as a download (decided again and revealed at this moment)."""
    result = submit(ActionForm(), lambda: release_package(db(), actor(), request_id, _))
    if result is None:
        return request_page(request_id)
    package = result.value
    response = make_response(package.zip_bytes)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/clients/<uuid:client_id>/break-glass", methods=["POST"])
@requires(Permission.break_glass)
def open_break_glass(client_id: uuid.UUID) -> Page:
    form = BreakGlassForm()
    return handle_form(
        form,
        lambda: break_glass.open_break_glass(
            db(), actor(), client_id, form_input(form, BreakGlassInput)
        ),
        page=lambda f: render_template(
            "disclosure/break_glass_open.html", **labels(), form=f, client_id=client_id
        ),
        then=url_for("clients.overview", client_id=client_id),
        done=lambda opening: _(
            "Opened until %(time)s UTC. A supervisor will review it.",
            time=opening.expires_at.strftime("%H:%M"),
        ),
        fallback="reason_text",
    )


@bp.route("/disclosure/break-glass")
@requires(Permission.review_break_glass)
def openings() -> str:
    return render_template(
        "disclosure/break_glass.html",
        **labels(),
        openings=break_glass.openings_to_review(db(), actor()),
        action_form=ActionForm(formdata=None),
    )


@bp.route("/disclosure/break-glass/<uuid:opening_id>/review", methods=["POST"])
@requires(Permission.review_break_glass)
def review(opening_id: uuid.UUID) -> Page:
    return handle_form(
        ActionForm(),
        lambda: break_glass.review_break_glass(db(), actor(), opening_id),
        page=lambda f: openings(),
        then=url_for("disclosure.openings"),
        done=_("Reviewed."),
    )


@bp.route("/disclosure/register")
@requires(*register.READERS)
def register_page() -> str:
    form = RegisterSearchForm(request.args)
    query = register.RegisterQuery(form.client_code.data, form.number.data, form.kind.data)
    return render_template(
        "disclosure/register.html",
        **labels(),
        form=form,
        entries=register.read_register(db(), actor(), query),
    )


@bp.route("/disclosure/policy", methods=["GET", "POST"])
@requires(Permission.manage_policy)
def policy_page() -> Page:
    choice = policy.policy_choice(db())
    form = PolicyForm(
        data={"policy_set": choice.policy_set, "overrides": choice.overrides} if choice else None
    )
    return handle_form(
        form,
        lambda: policy.choose_policy(db(), actor(), form_input(form, PolicyChoiceInput)),
        page=lambda f: render_template(
            "disclosure/policy.html", form=f, active=policy.active_policy(db())
        ),
        then=url_for("disclosure.policy_page"),
        done=_("Saved. Decisions from now on use this policy."),
    )


@bp.route("/disclosure/rules")
@requires(*rules.READERS)
def rules_page() -> str:
    return render_template(
        "disclosure/rules.html", **labels(), active=rules.active_rules(db(), actor())
    )


@bp.route("/disclosure/what-if", methods=["GET", "POST"])
@requires(*rules.READERS)
def what_if() -> Page:
    form = WhatIfForm()
    result = submit(form, lambda: rules.what_if(db(), actor(), form_input(form, WhatIfInput)))
    page = render_template(
        "disclosure/what_if.html",
        **labels(),
        form=form,
        decision=result.value if result else None,
    )
    return page, 422 if form.errors else 200
