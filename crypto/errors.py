"""Exceptions raised by :mod:`crypto`.

Every failure the package can diagnose is a :class:`CryptoError`; exceptions from
``cryptography`` never escape. Messages name keys and formats, never plaintext or key
material, so they are safe to log.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class of every error raised by the crypto package."""


class SealBroken(CryptoError):
    """A sealed value or wrapped key failed authentication.

    Tampering, a binding or context that does not match (value moved to another row,
    column, tenant or owner) and a wrong key with the right id all look the same: GCM
    cannot tell them apart, and neither should an attacker.
    """


class MalformedSeal(SealBroken):
    """The blob is structurally invalid (truncated, bad header), so it cannot be opened."""


class UnsupportedVersion(CryptoError):
    """The blob's format version byte is not one this code can read."""


class UnknownKey(CryptoError):
    """The blob needs a key that was not supplied or that the provider does not hold."""


class KeyDestroyed(UnknownKey):
    """The needed key existed but was destroyed (retired master version, shredded client).

    A subclass of :class:`UnknownKey`, so callers that only care "can't open" catch both.
    """


class KeyFileInsecure(CryptoError):
    """The master key file is readable or writable by group or others, or not a file."""


class KeyConfigError(CryptoError):
    """Master key configuration (key file or environment variable) is unreadable or invalid."""


class RotationNotSupported(CryptoError):
    """The provider's keys are managed outside Haven (e.g. an environment variable)."""
