"""Guards of the screens and the API: signed in, organisation picked, permission held;
an API token for the API. Deny by default."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, redirect, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.auth.permissions import Permission, can
from app.auth.tokens import authenticate_api_token
from app.context import Actor
from app.errors import AuthenticationFailed, Forbidden
from app.i18n import N_
from app.web.extensions import login_manager
from app.web.request import db

P = ParamSpec("P")
R = TypeVar("R")


def signed_in(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # type: ignore[no-any-return]
        if current_user.user.must_change_password:
            return redirect(url_for("auth.change_password"))  # type: ignore[return-value]
        return view(*args, **kwargs)

    return wrapper


def requires(*permissions: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed in, acting in an organisation, and holding ``permission`` there (with several:
    any one of them, e.g. a notice read by caseworkers, auditors and admins)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @signed_in
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.membership is None:
                return redirect(url_for("auth.choose_organisation"))  # type: ignore[return-value]
            if not any(can(current_user.actor, p) for p in permissions):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def may(permission: str) -> bool:
    """For templates (``can('reveal_identity')``): whether the signed-in person holds it."""
    return current_user.is_authenticated and can(current_user.actor, Permission(permission))


def platform_admin(view: Callable[P, R]) -> Callable[P, R]:
    @signed_in
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.user.is_platform_admin:
            raise Forbidden(N_("Only a platform admin can manage organisations."))
        return view(*args, **kwargs)

    return wrapper


def api_actor(permission: Permission | None) -> Actor:
    """The integration calling, from the Authorization header only (never from cookies),
    holding ``permission`` (None: any valid token)."""
    if "api_actor" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw:
            raise AuthenticationFailed(N_("The API token is missing or not valid."))
        g.api_actor = authenticate_api_token(db(), raw.strip())
    actor: Actor = g.api_actor
    if permission is not None and not can(actor, permission):
        raise Forbidden(N_("This token's role does not allow this call."))
    return actor


def caller() -> Actor:
    """The API caller of this request (any valid token; the blueprint's guard has checked
    its permission before the handler runs)."""
    return api_actor(None)


def casework_blueprint(domain: str, description: str) -> Blueprint:
    """A domain's API blueprint under /api/v1 that checks the token before anything else."""
    blp = Blueprint(
        f"api_{domain}", f"app.{domain}.api", url_prefix="/api/v1", description=description
    )

    @blp.before_request  # type: ignore[untyped-decorator]
    def _authenticate() -> None:
        # Before the body is parsed: no token is 401 and a wrong role 403, whatever was sent.
        api_actor(Permission.casework)

    return blp
