"""argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendation).

The parameters are chosen once per process by :func:`use_profile` (``create_app`` calls it
with ``Settings.password_hashing``). The cheap profile exists for the test suite only, where
hundreds of people sign in: ``Settings`` refuses it outside testing, and production refuses
it outright. A hash records its own parameters, so verifying never depends on the profile.
"""

from __future__ import annotations

import enum
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class HashingProfile(enum.StrEnum):
    #: argon2-cffi's defaults: RFC 9106's second recommended option (64 MiB, t=3, p=4).
    RFC9106 = "rfc9106"
    #: Minimal cost, for the test suite only (never accepted in production).
    TESTS_ONLY = "tests-only"


def _hasher_for(profile: HashingProfile) -> PasswordHasher:
    if profile is HashingProfile.TESTS_ONLY:
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


_profile = HashingProfile.RFC9106
_hasher = _hasher_for(_profile)
#: Verified against when the account does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def use_profile(profile: HashingProfile) -> None:
    """Hash new passwords (and the timing dummy) with ``profile``'s parameters."""
    global _profile, _hasher, _DUMMY_HASH
    if profile is not _profile:
        _profile, _hasher = profile, _hasher_for(profile)
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def active_profile() -> HashingProfile:
    return _profile


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """A readable one-time password: 4 groups of 4 from an alphabet without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    return "-".join(groups)
