"""Sign-in (password, then second factor), enrolment, organisation switch, sign-out.

Each handler: parse the form, call one service function, redirect or render.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import sessionmaker
from werkzeug.wrappers import Response

from app.auth import service, sessions, throttle, totp
from app.auth.access import signed_in
from app.auth.forms import (
    ActionForm,
    ChangePasswordForm,
    ChooseOrganisationForm,
    CodeForm,
    LocaleForm,
    SignInForm,
)
from app.auth.models import User
from app.auth.principal import ActiveMembership, Principal, signed_in_user
from app.auth.principal import account as current_account
from app.db import HavenSession, bind_actor
from app.errors import AuthenticationFailed, NotFound
from app.i18n import N_
from app.settings import SUPPORTED_LOCALES
from app.web.extensions import csrf, limiter, login_manager
from app.web.forms import Page, form_errors, handle_form
from app.web.request import db, settings

bp = Blueprint("auth", __name__)

#: A password accepted but no second factor yet: this long to finish, then start again.
PENDING_SECONDS = 300
_SIGN_IN_LIMIT = lambda: settings().login_rate_limit  # noqa: E731
#: Codes are counted per pending sign-in; with none pending the request is refused anyway.
_CODE_LIMIT = limiter.shared_limit(
    throttle.PER_PENDING_SIGN_IN,
    scope="second-factor",
    key_func=throttle.pending_sign_in,
    exempt_when=throttle.no_pending_sign_in,
    methods=["POST"],
    deduct_when=throttle.failed,
)


def _pending_user() -> User:
    pending = session.get("pending_sign_in") or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("pending_sign_in", None)
        raise AuthenticationFailed(N_("Your sign-in took too long. Please start again."))
    user = db().get(User, uuid.UUID(pending["user_id"]))
    if user is None or user.disabled_at is not None:
        raise AuthenticationFailed()
    bind_actor(db(), None, user.id)
    return user


def _sessions() -> sessionmaker[HavenSession]:
    factory: sessionmaker[HavenSession] = current_app.extensions["haven.sessionmaker"]
    return factory


def _finish_sign_in(user: User, *, mfa_verified: bool) -> Response:
    _sign_in(user, mfa_verified=mfa_verified)
    return redirect(url_for("home.index"))


def _sign_in(user: User, *, mfa_verified: bool) -> None:
    """Open the session, in the one organisation if the user belongs to only one."""
    session.pop("pending_sign_in", None)
    session.permanent = True
    token, record = sessions.open_session(db(), user.id, mfa_verified=mfa_verified)
    sessions.record_sign_in(db(), user.id, second_factor=mfa_verified)
    memberships = service.memberships_of(db(), user.id)
    membership = None
    if len(memberships) == 1:
        record, membership = sessions.choose_organisation(db(), record, memberships[0].tenant_id)
    active = ActiveMembership(membership.tenant_id, membership.roles) if membership else None
    login_user(Principal(token, signed_in_user(user), record, active))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _SIGN_IN_LIMIT,
    key_func=throttle.account_and_address,
    methods=["POST"],
    deduct_when=throttle.failed,
)
@limiter.limit(
    throttle.PER_ADDRESS, key_func=throttle.address, methods=["POST"], deduct_when=throttle.failed
)
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(db(), form.email.data, form.password.data)
        except AuthenticationFailed as error:
            sessions.record_failed_sign_in(_sessions(), form.email.data, None, "password")
            return render_template("auth/sign_in.html", form=form, error=_(error.message)), 401
        # The password is right: from here on the database may show this user's own rows.
        bind_actor(db(), None, user.id)
        if user.totp_enrolled_at is None and not service.requires_totp(db(), user):
            return _finish_sign_in(user, mfa_verified=False)
        session["pending_sign_in"] = {"user_id": str(user.id), "at": time.time()}
        if user.totp_enrolled_at is None:
            return redirect(url_for("auth.enrol"))
        return redirect(url_for("auth.second_factor"))
    return render_template("auth/sign_in.html", form=form, error=None), form_errors(form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@_CODE_LIMIT
def second_factor() -> Response | str | tuple[str, int]:
    user = _pending_user()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            service.check_totp(db(), user, form.code.data)
        except AuthenticationFailed as error:
            # The replay guard's step is only advanced on success: commit nothing (the
            # failure is logged in a transaction of its own).
            sessions.record_failed_sign_in(_sessions(), None, user.id, "second_factor")
            return render_template("auth/code.html", form=form, error=_(error.message)), 401
        return _finish_sign_in(user, mfa_verified=True)
    return render_template("auth/code.html", form=form, error=None), form_errors(form)


@bp.route("/sign-in/enrol", methods=["GET", "POST"])
@_CODE_LIMIT
def enrol() -> Response | str | tuple[str, int]:
    """Second-factor enrolment as part of sign-in, for roles that require it."""
    user = _pending_user()
    if user.totp_enrolled_at is not None:
        return redirect(url_for("auth.second_factor"))
    return _enrolment(
        user, then=url_for("home.index"), finish=lambda: _sign_in(user, mfa_verified=True)
    )


@bp.route("/account/enrol", methods=["GET", "POST"])
@signed_in
def enrol_signed_in() -> Response | str | tuple[str, int]:
    user = current_account()
    if user.totp_enrolled_at is not None:
        return redirect(url_for("auth.account"))
    return _enrolment(user, then=url_for("auth.account"), done=_("Your authenticator is enrolled."))


def _enrolment(
    user: User, *, then: str, done: str | None = None, finish: Callable[[], None] | None = None
) -> Page:
    """Show the QR code and confirm it with a code; then ``finish`` (e.g. the sign-in)."""
    # The candidate secret lives only in the signed cookie session for the few minutes of
    # enrolment. XXX: the cookie is signed, not encrypted; it is the user's own secret, sent
    # over TLS to the user's own browser, the same channel that shows the QR code.
    secret = session.get("enrol_secret") or totp.new_secret()
    session["enrol_secret"] = secret
    form = CodeForm()

    def enrol() -> None:
        service.enrol_totp(db(), user, secret, form.code.data)
        session.pop("enrol_secret", None)
        if finish is not None:
            finish()

    def page(form: CodeForm) -> str:
        qr = totp.qr_svg(totp.provisioning_uri(secret, user.email))
        return render_template("auth/enrol.html", form=form, qr=qr, secret=secret)

    return handle_form(form, enrol, page=page, then=then, done=done, fallback="code")


@bp.route("/account", methods=["GET"])
@signed_in
def account() -> str:
    form = LocaleForm(locale=current_user.user.locale or "en")
    return render_template("auth/account.html", locale_form=form, action=ActionForm())


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response | str | tuple[str, int]:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    form = ChangePasswordForm()
    return handle_form(
        form,
        lambda: service.change_password(
            db(), current_account(), form.current_password.data, form.new_password.data
        ),
        page=lambda form: render_template("auth/password.html", form=form),
        done=_("Your password was changed."),
        then=url_for("home.index"),
    )


@bp.route("/account/language", methods=["POST"])
def set_language() -> Response:
    form = LocaleForm()
    if form.validate_on_submit() and form.locale.data in SUPPORTED_LOCALES:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_account().locale = form.locale.data
    # Back to the page the switcher was on (a path on this site only, never elsewhere).
    back = request.form.get("next", "")
    # (printable only: a browser drops a tab or newline, so "/\t/x" would leave the site).
    if (
        back.startswith("/")
        and not back.startswith("//")
        and "\\" not in back
        and back.isprintable()
    ):
        return redirect(back)
    return redirect(url_for("home.index"))


@bp.route("/organisations", methods=["GET"])
@signed_in
def choose_organisation() -> str:
    orgs = service.organisations_of(db(), current_user.user.id)
    return render_template(
        "auth/organisations.html", organisations=orgs, form=ChooseOrganisationForm()
    )


@bp.route("/organisations/switch", methods=["POST"])
@signed_in
def switch_organisation() -> Response:
    form = ChooseOrganisationForm()
    if not form.validate_on_submit():
        raise NotFound(N_("You are not a member of that organisation."))
    try:
        org_id = uuid.UUID(form.organisation_id.data)
    except ValueError:
        raise NotFound(N_("You are not a member of that organisation.")) from None
    sessions.choose_organisation(db(), current_user.user_session, org_id)
    return redirect(url_for("home.index"))


@bp.route("/sign-out", methods=["POST"])
@csrf.exempt  # type: ignore[untyped-decorator]
def sign_out() -> Response:
    # XXX: no CSRF check on purpose. Whoever holds the cookie may end its session; a
    # forged sign-out only signs someone out, while refusing it left the server-side
    # session alive after the browser had dropped its cookie.
    if current_user.is_authenticated:
        sessions.end_session(db(), current_user.user_session)
    logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere() -> Response:
    if ActionForm().validate_on_submit():
        user_id = current_user.user.id
        sessions.revoke_everywhere(db(), user_id, by=user_id)
    logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"))
