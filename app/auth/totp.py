"""TOTP second factor (RFC 6238, via pyotp) with replay protection and a server-side QR."""

from __future__ import annotations

import time

import pyotp
import segno

ISSUER = "Haven"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """Inline SVG markup, so the strict CSP needs no image source for it."""
    # omitsize: a viewBox instead of a fixed width and height, so the stylesheet scales the
    # whole code (quiet zone included) instead of cropping it.
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=5, omitsize=True, title="TOTP enrolment code"
    )
    return svg


def accepted_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int:
    """The time step the code belongs to, or -1 if it is wrong, malformed or replayed.

    One step either side is accepted for clock drift; a step at or before the last one
    accepted is refused so a shoulder-surfed code cannot be used twice.
    """
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return -1
    totp = pyotp.TOTP(secret)
    at = time.time() if now is None else now
    current = int(at) // totp.interval
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            if last_step is not None and step <= last_step:
                return -1
            return step
    return -1
