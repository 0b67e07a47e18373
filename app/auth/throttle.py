"""Limits on guessing at sign-in: what is being guessed is counted, not the person.

- A password for one account from one address: ``Settings.login_rate_limit`` failures.
- Passwords from one address across accounts (spraying): :data:`PER_ADDRESS` failures.
- A second-factor code for one pending sign-in (the password was right): counted against
  that sign-in only, so nobody without the password can use up the owner's attempts, and
  a request with no pending sign-in counts for nothing (it is refused anyway).

Only failures count (a sign-in that succeeds costs nothing), so the rightful person is
never locked out by their own use, and by others only where they share both the account
and the address with the guesser. The address is the client's real one behind the trusted
proxies (``HAVEN_TRUSTED_PROXIES``). Keys are HMACs: Redis never holds an e-mail address.
"""

from __future__ import annotations

from flask import Response, request, session
from flask_limiter.util import get_remote_address

from app.web.extensions import pseudonymous_key

#: Failed passwords from one address, whatever the account.
PER_ADDRESS = "20 per minute;100 per hour"
#: Failed codes for one pending sign-in (the password was right).
PER_PENDING_SIGN_IN = "5 per minute;20 per hour"


def failed(response: Response) -> bool:
    """Only a refusal is an attempt that counts (a redirect means it worked)."""
    return response.status_code in (401, 422)


def account_and_address() -> str:
    email = (request.form.get("email") or "").strip().casefold()
    return "pw:" + pseudonymous_key(get_remote_address(), email)


def address() -> str:
    return "addr:" + pseudonymous_key(get_remote_address())


def pending_sign_in() -> str:
    pending = session.get("pending_sign_in") or {}
    return "code:" + pseudonymous_key(str(pending.get("user_id")), str(pending.get("at")))


def no_pending_sign_in() -> bool:
    return not (session.get("pending_sign_in") or {}).get("user_id")
