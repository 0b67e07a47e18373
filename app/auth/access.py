"""View guards: signed in, organisation picked, role held. Deny by default."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import redirect, url_for
from flask_login import current_user

from app.auth.models import Role
from app.errors import Forbidden
from app.i18n import N_

P = ParamSpec("P")
R = TypeVar("R")


def signed_in(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            from app.web.extensions import login_manager

            return login_manager.unauthorized()  # type: ignore[no-any-return]
        if current_user.user.must_change_password:
            return redirect(url_for("auth.change_password"))  # type: ignore[return-value]
        return view(*args, **kwargs)

    return wrapper


def in_organisation(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed in, acting in an organisation, and holding one of ``roles`` there."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @signed_in
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.membership is None:
                return redirect(url_for("auth.choose_organisation"))  # type: ignore[return-value]
            if roles and not current_user.actor.has_any(*roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def platform_admin(view: Callable[P, R]) -> Callable[P, R]:
    @signed_in
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.user.is_platform_admin:
            raise Forbidden(N_("Only a platform admin can manage organisations."))
        return view(*args, **kwargs)

    return wrapper
